"""CycloneDX SBOMs from canned `go version -m` output and from the Python lock."""

from __future__ import annotations

from pathlib import Path

import pytest

from ipledger.operator.supply import sbom, versions
from ipledger.operator.supply.errors import SupplyError

PEER = (
    "/cache/fabric/bin/peer: go1.26.8\n"
    "\tpath\tgithub.com/hyperledger/fabric/cmd/peer\n"
    "\tmod\tgithub.com/hyperledger/fabric\tv1.4.0-rc1.0.20250510200036-435a7f1a780a\th1:l9dE3iu=\n"
    "\tdep\tgoogle.golang.org/grpc\tv1.85.0\th1:BPBCfuV=\n"
    "\tdep\tgolang.org/x/net\tv0.39.0\th1:old=\n"
    "\t=>\tgolang.org/x/net\tv0.63.0\th1:new=\n"
    "\tbuild\t-trimpath=true\n"
    "\tbuild\tCGO_ENABLED=0\n"
)
TOOL = (
    "/cache/tools/bin/healthprobe: go1.26.8\n"
    "\tpath\tipledger/network/tools/cmd/healthprobe\n"
    "\tmod\tipledger/network/tools\t(devel)\t\n"
    "\tdep\tgoogle.golang.org/grpc\tv1.85.0\th1:BPBCfuV=\n"
)


def test_go_version_m_is_parsed_with_replacements_and_settings() -> None:
    info = sbom.parse_go_version_m(PEER)
    assert info.go_version == "go1.26.8" and info.package == "github.com/hyperledger/fabric/cmd/peer"
    assert info.main and info.main.version.endswith("435a7f1a780a")
    assert info.module("golang.org/x/net") == sbom.GoModule("golang.org/x/net", "v0.63.0", "h1:new=")
    assert info.settings["CGO_ENABLED"] == "0"
    assert versions.release_of("peer", info) == "Fabric 3.1.1"


def test_other_output_is_refused() -> None:
    with pytest.raises(SupplyError, match="not `go version -m` output"):
        sbom.parse_go_version_m("/bin/ls: could not read Go build info\n")


def test_image_sbom_lists_modules_once_and_hashes_every_file(tmp_path: Path) -> None:
    files = {name: tmp_path / name for name in ("peer", "healthprobe", "core.yaml")}
    for path in files.values():
        path.write_bytes(path.name.encode())
    dests = {"usr/local/bin/peer": files["peer"], "usr/local/bin/healthprobe": files["healthprobe"],
             "etc/hyperledger/peercfg/core.yaml": files["core.yaml"]}
    infos = {"usr/local/bin/peer": sbom.parse_go_version_m(PEER),
             "usr/local/bin/healthprobe": sbom.parse_go_version_m(TOOL)}
    document = sbom.image_sbom("ipledger/peer:3.1.1", dests, infos)
    assert document["bomFormat"] == "CycloneDX" and document["specVersion"] == "1.5"
    assert document["metadata"]["component"] == {"type": "container", "bom-ref": "ipledger/peer:3.1.1",
                                                 "name": "ipledger/peer", "version": "3.1.1"}
    purls = [c["purl"] for c in document["components"] if c["type"] == "library"]
    assert purls.count("pkg:golang/google.golang.org/grpc@v1.85.0") == 1  # shared by both binaries
    assert "pkg:golang/golang.org/x/net@v0.63.0" in purls and "pkg:golang/golang.org/x/net@v0.39.0" not in purls
    assert "pkg:golang/stdlib@v1.26.8" in purls
    assert not any("ipledger/network/tools" in p for p in purls)  # (devel) has no version to look up
    file_names = {c["name"] for c in document["components"] if c["type"] == "file"}
    assert file_names == {"/usr/local/bin/peer", "/usr/local/bin/healthprobe", "/etc/hyperledger/peercfg/core.yaml"}
    # Deterministic: the same inputs give the same document and serial number.
    assert sbom.image_sbom("ipledger/peer:3.1.1", dests, infos) == document


def test_python_sbom_carries_the_locked_hashes() -> None:
    document = sbom.python_sbom("ipledger", "0.1.0", [("PyYAML", "6.0.4", ["ab" * 32])])
    (component,) = document["components"]
    assert component["purl"] == "pkg:pypi/pyyaml@6.0.4"
    assert component["hashes"] == [{"alg": "SHA-256", "content": "ab" * 32}]
    assert document["metadata"]["component"]["purl"] == "pkg:pypi/ipledger@0.1.0"
