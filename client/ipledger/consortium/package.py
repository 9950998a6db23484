"""Deterministic chaincode-as-a-service packages: the same definition always gives the same package ID.

A CCaaS package holds only connection information. Its ID is ``<label>:<sha256 of the .tar.gz>``, so every
byte must be reproducible: fixed member order, zero mtimes and owners, and a gzip header without a time stamp.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import tarfile
from dataclasses import dataclass
from pathlib import Path

from ipledger.consortium.plan import CHAINCODE_PORT, label_slug


@dataclass(frozen=True)
class ChaincodePackage:
    label: str
    data: bytes

    @property
    def package_id(self) -> str:
        return f"{self.label}:{hashlib.sha256(self.data).hexdigest()}"

    def write(self, directory: Path) -> Path:
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / f"{self.label}.tar.gz"
        path.write_bytes(self.data)
        return path


def _tar_gz(members: list[tuple[str, bytes]]) -> bytes:
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        for name, content in members:
            info = tarfile.TarInfo(name)
            info.size = len(content)
            info.mode = 0o644
            info.mtime = 0
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            tar.addfile(info, io.BytesIO(content))
    out = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=out, mtime=0, compresslevel=9) as gz:
        gz.write(raw.getvalue())
    return out.getvalue()


def chaincode_label(name: str, version: str) -> str:
    return f"{name}_{version}"


def connection_json(name: str, label: str) -> bytes:
    """connection.json with builder templates: each peer fills in its office's chaincode host and TLS files."""

    def tls(name: str) -> str:
        return '{{file (printf "%s/' + name + '" .tlsdir)}}'

    doc = {
        "address": f"{name}-{label_slug(label)}.{{{{.ccdomain}}}}:{CHAINCODE_PORT}",
        "dial_timeout": "10s",
        "tls_required": True,
        "client_auth_required": True,
        "root_cert": tls("ca.crt"),
        "client_cert": tls("server.crt"),
        "client_key": tls("server.key"),
    }
    return json.dumps(doc, indent=2, sort_keys=True).encode() + b"\n"


def build_package(name: str, version: str) -> ChaincodePackage:
    label = chaincode_label(name, version)
    code = _tar_gz([("connection.json", connection_json(name, label))])
    metadata = json.dumps({"label": label, "type": "ccaas"}, sort_keys=True).encode()
    return ChaincodePackage(label=label, data=_tar_gz([("code.tar.gz", code), ("metadata.json", metadata)]))
