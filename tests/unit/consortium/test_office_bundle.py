"""Each office's own directory and the public bundle it exports; the channel built from bundles only."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
import yaml

from ipledger.consortium import compose
from ipledger.consortium.bundle import BundleError, OfficeBundle, load_bundle, parse_bundle
from ipledger.consortium.definition import load_definition
from ipledger.consortium.generate import generate
from ipledger.consortium.office import export_bundle, init_office
from ipledger.consortium.plan import ConsortiumPlan, build_plan

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture()
def plan(tmp_path: Path) -> ConsortiumPlan:
    return build_plan(load_definition(REPO / "network" / "consortium.yaml"), tmp_path)


def test_an_office_directory_is_private_and_starts_only_its_own_nodes(plan: ConsortiumPlan) -> None:
    office = plan.office("EP")
    assert init_office(plan, office) is True
    assert init_office(plan, office) is False  # the keys are kept
    root = plan.crypto_dir(office)
    assert stat.S_IMODE(root.stat().st_mode) == 0o700
    services = yaml.safe_load(plan.office_compose_file(office).read_text())["services"]
    assert set(services) == {"ca.ep.ipledger.test", "orderer0.ep.ipledger.test", "peer0.ep.ipledger.test",
                             "library.ep.ipledger.test"}
    assert {s["labels"]["io.ipledger.office"] for s in services.values()} == {"EP"}
    # Every path an EP node mounts lies in EP's own directory, or is the public TLS roots or a tool.
    for service in services.values():
        for volume in service["volumes"]:
            source = volume.split(":")[0]
            if source.startswith("./"):
                assert source.startswith(("./network/generated/offices/ep/", "./network/generated/tlsca")), volume


def test_the_consortium_file_lists_exactly_the_offices_own_services(plan: ConsortiumPlan) -> None:
    union: dict[str, object] = {}
    for office in plan.offices:
        union.update(compose.office_compose(plan, office)["services"])
    assert compose.compose(plan)["services"] == union


def test_a_bundle_carries_certificates_and_endpoints_but_no_key(plan: ConsortiumPlan) -> None:
    office = plan.office("KR")
    init_office(plan, office)
    bundle = export_bundle(plan, office)
    text = bundle.dumps()
    assert "PRIVATE KEY" not in text
    assert parse_bundle(json.loads(text)) == bundle
    assert bundle.orderer.address == "orderer0.kr.ipledger.test:10050"
    assert bundle.anchor_peer.address == "peer0.kr.ipledger.test:10051"
    assert bundle.fingerprint == parse_bundle(json.loads(text)).fingerprint and len(bundle.fingerprint) == 64


def _bundle_json(plan: ConsortiumPlan, code: str) -> dict[str, object]:
    office = plan.office(code)
    init_office(plan, office)
    return export_bundle(plan, office).to_json()


@pytest.mark.parametrize(("change", "message"), [
    (lambda raw, other: raw.update(ordererIdentity=other["ordererIdentity"]), "not issued by the office's own CA"),
    (lambda raw, other: raw.update(ordererTlsCert=other["ordererTlsCert"]), "not issued by the office's own CA"),
    (lambda raw, other: raw.update(rootCert="-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"),
     "carries a private key"),
    (lambda raw, other: raw.pop("orderer"), "missing orderer"),
    (lambda raw, other: raw.update(format="something/else@9"), "format"),
    (lambda raw, other: raw.update(peers=[]), "at least the anchor peer"),
    (lambda raw, other: raw.update(library={"host": "x", "port": 70000}), "out of range"),
    (lambda raw, other: raw.update(rootCert="not a certificate"), "not a PEM certificate"),
])
def test_a_bundle_that_is_not_what_it_says_is_refused(plan: ConsortiumPlan, change: object, message: str) -> None:
    raw, other = _bundle_json(plan, "JP"), _bundle_json(plan, "US")
    change(raw, other)  # type: ignore[operator]
    with pytest.raises(BundleError, match=message):
        parse_bundle(raw, "jp.json")


def test_load_bundle_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(BundleError, match="no such bundle file"):
        load_bundle(tmp_path / "cn.json")
    (tmp_path / "cn.json").write_text("{not json")
    with pytest.raises(BundleError, match="cn.json: not JSON"):
        load_bundle(tmp_path / "cn.json")


def test_private_keys_never_leave_their_office_directory(plan: ConsortiumPlan) -> None:
    generated = generate(plan, write_compose_file=False)
    assert [b.office for b in generated.bundles] == ["JP", "US", "EP", "KR"]
    offices = plan.generated / "offices"
    private_files = 0
    for path in plan.generated.rglob("*"):
        if not path.is_file():
            continue
        data = path.read_bytes()
        if b"PRIVATE KEY" in data or path.parent.name == "secrets":
            private_files += 1
            assert path.is_relative_to(offices), path
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    assert private_files >= 4 * 10
    # The channel's inputs are copies of what the bundles say.
    channel = plan.channel_dir
    for bundle in generated.bundles:
        assert (channel / "msp" / bundle.slug / "cacerts" / "ca-cert.pem").read_text() == bundle.root_cert
        assert (channel / "consenters" / bundle.slug / "tls.pem").read_text() == bundle.orderer_tls_cert
        assert (plan.tls_roots_dir / f"{bundle.slug}.pem").read_text() == bundle.tls_root_cert
    configtx = (plan.configtx_dir / "configtx.yaml").read_text()
    assert "/offices/" not in configtx  # configtxgen reads bundles' certificates, never an office directory


def test_bundle_round_trips_through_a_file(plan: ConsortiumPlan, tmp_path: Path) -> None:
    office = plan.office("US")
    init_office(plan, office)
    bundle = export_bundle(plan, office)
    assert isinstance(load_bundle(bundle.write(tmp_path / "us.json")), OfficeBundle)
