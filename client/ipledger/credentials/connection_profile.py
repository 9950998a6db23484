"""The per-office connection profile (``network/generated/profiles/<CODE>.json``), finding it by office code,
and the credentials of one of its users (identity, signer, TLS client pair): profile files first, then the wallet.

Paths in the file are relative to the file's own directory; the loader
resolves them, so every ``*_path`` attribute here is absolute.

``ipledger network generate`` writes one profile per office.  The directory is taken from
``$IPLEDGER_PROFILES`` or found by walking up from the working directory, so
the CLI and scripts work from anywhere inside the repository.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ipledger.errors import ConfigurationError

from .identity import Identity
from .signing import PrivateKeySigner
from .wallet import FileWallet

__all__ = [
    "CAEndpoint",
    "ConnectionProfile",
    "LibraryEndpoint",
    "PROFILES_ENV",
    "PROFILES_SUBDIR",
    "PeerEndpoint",
    "Registrar",
    "UserCredentials",
    "find_profiles_dir",
    "load_profile",
    "profile_client_tls",
    "profile_path",
    "profile_user",
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


# -- one user of a profile --------------------------------------------------------------------------------------


def profile_user(profile: ConnectionProfile, user: str) -> tuple[Identity, PrivateKeySigner]:
    """The identity and key of ``user``: the profile's files first, then the office's wallet."""
    credentials = profile.users.get(user)
    if credentials is not None:
        identity = Identity(profile.msp_id, _read(credentials.cert_path, f"certificate of {user}"))
        return identity, PrivateKeySigner.from_pem(_read(credentials.key_path, f"private key of {user}"))
    wallet = profile.wallet()
    entry = wallet.get(user) if wallet is not None else None
    if entry is None:
        known = sorted(profile.users) + (wallet.list() if wallet is not None else [])
        raise ConfigurationError(
            f"user {user!r} is neither in profile {profile.path.name} nor in its wallet; "
            f"known: {', '.join(known) or 'none'}"
        )
    return entry.identity, entry.signer()


def profile_client_tls(profile: ConnectionProfile, user: str) -> tuple[bytes, bytes] | None:
    """``user``'s TLS client certificate and key (PEM) when the profile asks for mutual TLS, else ``None``."""
    credentials = profile.users.get(user)
    client_tls = None
    if credentials is not None and credentials.tls_cert_path and credentials.tls_key_path:
        client_tls = (_read(credentials.tls_cert_path, f"TLS certificate of {user}"),
                      _read(credentials.tls_key_path, f"TLS key of {user}"))
    if not profile.mutual_tls:
        return None
    if client_tls is None:
        raise ConfigurationError(
            f"profile {profile.path.name} requires mutual TLS but user {user!r} has no tlsCertPath/tlsKeyPath"
        )
    return client_tls


# -- finding an office's profile by its office code --------------------------------------------------------------

#: The environment variable naming the directory of the connection profiles.
PROFILES_ENV = "IPLEDGER_PROFILES"
#: Where ``ipledger network generate`` writes them, relative to the repository.
PROFILES_SUBDIR = Path("network") / "generated" / "profiles"

_OFFICE_CODE = re.compile(r"^[A-Za-z]{2}$")


def find_profiles_dir(start: Path | None = None, environ: Mapping[str, str] | None = None) -> Path | None:
    """``$IPLEDGER_PROFILES``, else the first ``network/generated/profiles`` above ``start`` (the cwd)."""
    env = os.environ if environ is None else environ
    configured = env.get(PROFILES_ENV)
    if configured:
        return Path(configured)
    here = (start or Path.cwd()).resolve()
    for directory in (here, *here.parents):
        candidate = directory / PROFILES_SUBDIR
        if candidate.is_dir():
            return candidate
    return None


def profile_path(office_or_path: str | os.PathLike[str], profiles_dir: Path | None = None) -> Path:
    """The profile file for an office code (``JP``) or an explicit path."""
    text = os.fspath(office_or_path)
    if not _OFFICE_CODE.match(text) or Path(text).is_file():
        return Path(text)
    directory = profiles_dir or find_profiles_dir()
    if directory is None:
        raise ConfigurationError(
            f"cannot find the connection profile of office {text.upper()}: set ${PROFILES_ENV} or run inside "
            f"the repository (looked for {PROFILES_SUBDIR} above {Path.cwd()}); "
            "`ipledger network generate` creates the profiles"
        )
    return directory / f"{text.upper()}.json"


def load_profile(office_or_path: str | os.PathLike[str] | ConnectionProfile,
                 profiles_dir: Path | None = None) -> ConnectionProfile:
    """The connection profile of an office code (``JP``) or a file; a loaded profile is returned as it is."""
    if isinstance(office_or_path, ConnectionProfile):
        return office_or_path
    path = profile_path(office_or_path, profiles_dir)
    if not path.is_file():
        known = sorted(p.stem for p in path.parent.glob("*.json")) if path.parent.is_dir() else []
        hint = f" (profiles there: {', '.join(known)})" if known else ""
        raise ConfigurationError(f"connection profile {path} does not exist{hint}")
    return ConnectionProfile.load(path)
