"""Fabric's ``configtxlator``: configuration protobufs to JSON and back, and the update between two configs."""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ipledger.operator.config_errors import ConfigUpdateError
from ipledger.operator.errors import CommandFailedError
from ipledger.operator.run import run


@dataclass(frozen=True)
class Configtxlator:
    """Runs the ``configtxlator`` binary (``Toolchain.fabric("configtxlator")``) on temporary files."""

    binary: Path

    def _run(self, *args: str) -> None:
        run([str(self.binary), *args], timeout=60)

    def decode(self, message_type: str, data: bytes) -> dict[str, Any]:
        """``proto_decode``: e.g. ``decode("common.Config", raw)`` -> the JSON people edit."""
        with tempfile.TemporaryDirectory(prefix="ipledger-ctl-") as tmp:
            source, target = Path(tmp) / "in.pb", Path(tmp) / "out.json"
            source.write_bytes(data)
            self._run("proto_decode", "--type", message_type, "--input", str(source), "--output", str(target))
            document: dict[str, Any] = json.loads(target.read_text(encoding="utf-8"))
            return document

    def encode(self, message_type: str, document: dict[str, Any]) -> bytes:
        """``proto_encode``: JSON -> protobuf bytes."""
        with tempfile.TemporaryDirectory(prefix="ipledger-ctl-") as tmp:
            source, target = Path(tmp) / "in.json", Path(tmp) / "out.pb"
            source.write_text(json.dumps(document), encoding="utf-8")
            try:
                self._run("proto_encode", "--type", message_type, "--input", str(source), "--output", str(target))
            except CommandFailedError as exc:
                raise ConfigUpdateError(f"not a valid {message_type}: {exc.output.strip()}") from exc
            return target.read_bytes()

    def compute_update(self, channel: str, original: bytes, updated: bytes) -> bytes:
        """``compute_update``: the ``common.ConfigUpdate`` that turns ``original`` into ``updated``."""
        with tempfile.TemporaryDirectory(prefix="ipledger-ctl-") as tmp:
            a, b, out = Path(tmp) / "original.pb", Path(tmp) / "updated.pb", Path(tmp) / "update.pb"
            a.write_bytes(original)
            b.write_bytes(updated)
            try:
                self._run("compute_update", "--channel_id", channel, "--original", str(a), "--updated", str(b),
                          "--output", str(out))
            except CommandFailedError as exc:
                if "no differences detected" in exc.output:
                    raise ConfigUpdateError("the modified configuration is the same as the original: "
                                            "nothing to update") from exc
                raise ConfigUpdateError(f"cannot compute the update: {exc.output.strip()}") from exc
            return out.read_bytes()
