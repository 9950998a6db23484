"""A file wallet: one private JSON file per identity label.

The file layout matches the Fabric Node SDK's file wallet
(``<label>.id`` holding ``{"version":1, "type":"X.509", "mspId", "credentials":
{"certificate", "privateKey"}}``), so wallets can be shared with Node tools.
Files are created 0600 inside a 0700 directory, and written atomically so a
crash never leaves half a key behind.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from ipledger._files import write_atomically

from ipledger.errors import ConfigurationError

from .identity import Identity
from .signing import PrivateKeySigner

__all__ = ["FileWallet", "WalletEntry"]

_SUFFIX = ".id"
_LABEL = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@+-]*$")


@dataclass(frozen=True)
class WalletEntry:
    """An enrolled identity: MSP ID, certificate PEM and (optionally) its key PEM."""

    msp_id: str
    certificate: bytes
    private_key: bytes | None = None

    @property
    def identity(self) -> Identity:
        return Identity(self.msp_id, self.certificate)

    def signer(self) -> PrivateKeySigner:
        if self.private_key is None:
            raise ConfigurationError("this wallet entry holds no private key (its key lives elsewhere)")
        return PrivateKeySigner.from_pem(self.private_key)

    def __repr__(self) -> str:  # never print key material
        key = "<private key>" if self.private_key else None
        return f"WalletEntry(msp_id={self.msp_id!r}, certificate=<{len(self.certificate)} bytes>, private_key={key})"


class FileWallet:
    """Identities stored as files in one directory, keyed by label."""

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self.directory = Path(directory)

    def _path(self, label: str) -> Path:
        if not _LABEL.match(label):
            raise ConfigurationError(
                f"invalid wallet label {label!r}: use letters, digits and . _ @ + - (no path separators)"
            )
        return self.directory / f"{label}{_SUFFIX}"

    def put(self, label: str, entry: WalletEntry) -> None:
        """Store (or replace) the identity under ``label``."""
        path = self._path(label)
        self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(self.directory, 0o700)  # mkdir's mode is filtered by the umask
        document = {
            "version": 1,
            "type": "X.509",
            "mspId": entry.msp_id,
            "credentials": {
                "certificate": entry.certificate.decode("ascii"),
                **({"privateKey": entry.private_key.decode("ascii")} if entry.private_key else {}),
            },
        }
        write_atomically(path, json.dumps(document, indent=2).encode("utf-8"))

    def get(self, label: str) -> WalletEntry | None:
        """The identity stored under ``label``, or ``None``."""
        path = self._path(label)
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
            credentials = document["credentials"]
            key = credentials.get("privateKey")
            return WalletEntry(
                msp_id=str(document["mspId"]),
                certificate=str(credentials["certificate"]).encode("ascii"),
                private_key=str(key).encode("ascii") if key else None,
            )
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
            raise ConfigurationError(f"wallet file {path} is unreadable: {error}") from error

    def list(self) -> list[str]:
        """All labels, sorted."""
        if not self.directory.is_dir():
            return []
        return sorted(p.name[: -len(_SUFFIX)] for p in self.directory.glob(f"*{_SUFFIX}") if p.is_file())

    def remove(self, label: str) -> bool:
        """Delete ``label``; returns whether it existed."""
        path = self._path(label)
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
            return True
        return False

    def __contains__(self, label: object) -> bool:
        return isinstance(label, str) and self._path(label).is_file()

    def __repr__(self) -> str:
        return f"FileWallet({str(self.directory)!r})"
