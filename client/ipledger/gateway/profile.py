"""The per-office connection profile (``network/generated/profiles/<CODE>.json``).

Paths in the file are relative to the file's own directory; the loader
resolves them, so every ``*_path`` attribute here is absolute.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ConfigurationError
from .wallet import FileWallet

__all__ = [
    "CAEndpoint",
    "ConnectionProfile",
    "LibraryEndpoint",
    "PeerEndpoint",
    "Registrar",
    "UserCredentials",
]


@dataclass(frozen=True)
class PeerEndpoint:
    """A gateway/peer gRPC endpoint and how to verify its TLS certificate."""

    endpoint: str
    server_name: str | None
    tls_root_cert_path: Path
    name: str | None = None
    operations_url: str | None = None

    def tls_root_cert(self) -> bytes:
        return _read(self.tls_root_cert_path, "peer TLS root certificate")


@dataclass(frozen=True)
class Registrar:
    enroll_id: str
    enroll_secret: str = field(repr=False)


@dataclass(frozen=True)
class CAEndpoint:
    name: str
    url: str
    tls_root_cert_path: Path
    registrar: Registrar | None = None
    server_name: str | None = None

    def tls_root_cert(self) -> bytes:
        return _read(self.tls_root_cert_path, "CA TLS root certificate")


@dataclass(frozen=True)
class LibraryEndpoint:
    """An office's digital library (HTTPS with client certificates) and how to verify its certificate."""

    office: str
    url: str
    tls_root_cert_path: Path
    server_name: str | None = None

    def tls_root_cert(self) -> bytes:
        return _read(self.tls_root_cert_path, f"TLS root certificate of {self.office}'s library")


@dataclass(frozen=True)
class UserCredentials:
    """File locations of one user's signing and (for mutual TLS) TLS credentials."""

    cert_path: Path
    key_path: Path
    tls_cert_path: Path | None = None
    tls_key_path: Path | None = None


@dataclass(frozen=True)
class ConnectionProfile:
    """One office's view of the network: who it is, where its gateway is, its users."""

    path: Path
    office: str
    msp_id: str
    name: str
    channel: str
    chaincode: str
    gateway: PeerEndpoint
    peers: tuple[PeerEndpoint, ...] = ()
    ca: CAEndpoint | None = None
    users: Mapping[str, UserCredentials] = field(default_factory=dict)
    libraries: Mapping[str, LibraryEndpoint] = field(default_factory=dict)
    mutual_tls: bool = False
    wallet_path: Path | None = None

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> ConnectionProfile:
        file = Path(path).resolve()
        try:
            document = json.loads(file.read_text(encoding="utf-8"))
        except OSError as error:
            raise ConfigurationError(f"cannot read connection profile {file}: {error}") from error
        except ValueError as error:
            raise ConfigurationError(f"connection profile {file} is not valid JSON: {error}") from error
        if not isinstance(document, dict):
            raise ConfigurationError(f"connection profile {file} must hold a JSON object")
        return _Reader(file).profile(document)

    def wallet(self) -> FileWallet | None:
        return FileWallet(self.wallet_path) if self.wallet_path else None


def _read(path: Path, what: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise ConfigurationError(f"cannot read {what} {path}: {error}") from error


class _Reader:
    """Validates the JSON while converting it, naming the offending key."""

    def __init__(self, file: Path) -> None:
        self._file = file
        self._base = file.parent

    def _fail(self, key: str, problem: str) -> ConfigurationError:
        return ConfigurationError(f"connection profile {self._file}: {key} {problem}")

    def _str(self, data: Mapping[str, Any], key: str, where: str, *, required: bool = True) -> str | None:
        value = data.get(key)
        if value is None and not required:
            return None
        if not isinstance(value, str) or not value:
            raise self._fail(f"{where}{key}", "must be a non-empty string")
        return value

    def _req(self, data: Mapping[str, Any], key: str, where: str = "") -> str:
        value = self._str(data, key, where)
        assert value is not None
        return value

    def _path(self, data: Mapping[str, Any], key: str, where: str, *, required: bool = True) -> Path | None:
        value = self._str(data, key, where, required=required)
        return None if value is None else (self._base / value).resolve()

    def _obj(self, data: Mapping[str, Any], key: str, where: str = "") -> Mapping[str, Any]:
        value = data.get(key)
        if not isinstance(value, dict):
            raise self._fail(f"{where}{key}", "must be an object")
        return value

    def _peer(self, data: Mapping[str, Any], where: str) -> PeerEndpoint:
        tls = self._path(data, "tlsRootCertPath", where)
        assert tls is not None
        return PeerEndpoint(
            endpoint=self._req(data, "endpoint", where),
            server_name=self._str(data, "serverName", where, required=False),
            tls_root_cert_path=tls,
            name=self._str(data, "name", where, required=False),
            operations_url=self._str(data, "operationsUrl", where, required=False),
        )

    def _ca(self, data: Mapping[str, Any]) -> CAEndpoint:
        registrar = None
        if data.get("registrar") is not None:
            reg = self._obj(data, "registrar", "ca.")
            registrar = Registrar(self._req(reg, "enrollId", "ca.registrar."),
                                  self._req(reg, "enrollSecret", "ca.registrar."))
        tls = self._path(data, "tlsRootCertPath", "ca.")
        assert tls is not None
        return CAEndpoint(
            name=self._req(data, "name", "ca."),
            url=self._req(data, "url", "ca."),
            tls_root_cert_path=tls,
            registrar=registrar,
            server_name=self._str(data, "serverName", "ca.", required=False),
        )

    def _library(self, office: str, data: Mapping[str, Any]) -> LibraryEndpoint:
        where = f"libraries.{office}."
        url = self._req(data, "url", where)
        if not url.startswith("https://"):
            raise self._fail(f"{where}url", "must be an https:// URL (libraries speak TLS only)")
        tls = self._path(data, "tlsRootCertPath", where)
        assert tls is not None
        return LibraryEndpoint(office=office, url=url, tls_root_cert_path=tls,
                               server_name=self._str(data, "serverName", where, required=False))

    def _user(self, data: Mapping[str, Any], where: str) -> UserCredentials:
        cert = self._path(data, "certPath", where)
        key = self._path(data, "keyPath", where)
        assert cert is not None and key is not None
        return UserCredentials(
            cert_path=cert,
            key_path=key,
            tls_cert_path=self._path(data, "tlsCertPath", where, required=False),
            tls_key_path=self._path(data, "tlsKeyPath", where, required=False),
        )

    def profile(self, document: Mapping[str, Any]) -> ConnectionProfile:
        peers_raw = document.get("peers") or []
        if not isinstance(peers_raw, list):
            raise self._fail("peers", "must be a list")
        users_raw = document.get("users") or {}
        if not isinstance(users_raw, dict):
            raise self._fail("users", "must be an object")
        libraries_raw = document.get("libraries") or {}
        if not isinstance(libraries_raw, dict):
            raise self._fail("libraries", "must be an object")
        mutual_tls = document.get("mutualTls", False)
        if not isinstance(mutual_tls, bool):
            raise self._fail("mutualTls", "must be true or false")
        return ConnectionProfile(
            path=self._file,
            office=self._req(document, "office"),
            msp_id=self._req(document, "mspId"),
            name=self._str(document, "name", "", required=False) or self._req(document, "office"),
            channel=self._req(document, "channel"),
            chaincode=self._req(document, "chaincode"),
            gateway=self._peer(self._obj(document, "gateway"), "gateway."),
            peers=tuple(self._peer(p, f"peers[{i}].") if isinstance(p, dict) else self._bad_peer(i)
                        for i, p in enumerate(peers_raw)),
            ca=self._ca(self._obj(document, "ca")) if document.get("ca") is not None else None,
            users={label: self._user(self._obj(users_raw, label, "users."), f"users.{label}.")
                   for label in users_raw},
            libraries={code: self._library(code, self._obj(libraries_raw, code, "libraries."))
                       for code in libraries_raw},
            mutual_tls=mutual_tls,
            wallet_path=self._path(document, "walletPath", "", required=False),
        )

    def _bad_peer(self, index: int) -> PeerEndpoint:
        raise self._fail(f"peers[{index}]", "must be an object")
