"""The certificate inventory and renewal, on generated material with short-lived and expired certificates."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import load_pem_private_key

from ipledger.cli.exit_codes import ExitCode
from ipledger.consortium import crypto
from ipledger.consortium.definition import load_definition
from ipledger.consortium.plan import ConsortiumPlan, OfficePlan, build_plan
from ipledger.credentials.wallet import FileWallet, WalletEntry
from ipledger.operator import bringup, certs, renewal
from ipledger.cli.network import network as network_group
from ipledger.operator.errors import NodeNotFoundError, OperatorError

REPO = Path(__file__).resolve().parents[3]
NOW = dt.datetime(2026, 1, 15, 12, 0, tzinfo=dt.timezone.utc)


@pytest.mark.parametrize(("not_after", "warn_days", "expected"), [
    (NOW + dt.timedelta(days=400), 30, certs.Expiry.OK),
    (NOW + dt.timedelta(days=30, seconds=1), 30, certs.Expiry.OK),
    (NOW + dt.timedelta(days=30), 30, certs.Expiry.WARN),
    (NOW + dt.timedelta(seconds=1), 30, certs.Expiry.WARN),
    (NOW, 30, certs.Expiry.EXPIRED),
    (NOW - dt.timedelta(days=2), 30, certs.Expiry.EXPIRED),
    (NOW + dt.timedelta(days=5), 0, certs.Expiry.OK),
    (NOW + dt.timedelta(days=5), 7, certs.Expiry.WARN),
])
def test_classify_marks_the_warning_window_and_expiry(not_after: dt.datetime, warn_days: int,
                                                      expected: certs.Expiry) -> None:
    assert certs.classify(not_after, NOW, warn_days) is expected


def test_days_left_counts_whole_days_and_goes_negative_once_expired() -> None:
    assert certs.days_left(NOW + dt.timedelta(days=10, hours=23), NOW) == 10
    assert certs.days_left(NOW + dt.timedelta(hours=1), NOW) == 0
    assert certs.days_left(NOW - dt.timedelta(hours=1), NOW) == 0
    assert certs.days_left(NOW - dt.timedelta(days=3, hours=1), NOW) == -3


def _definition(root: Path) -> Path:
    """The repository's definition as the default definition of a checkout rooted at ``root``."""
    path = root / "network" / "consortium.yaml"
    path.parent.mkdir(parents=True)
    shutil.copy(REPO / "network" / "consortium.yaml", path)
    return path


@pytest.fixture()
def plan(tmp_path: Path) -> ConsortiumPlan:
    plan = build_plan(load_definition(_definition(tmp_path)), tmp_path)
    office = plan.office("JP")
    crypto.generate_office(plan, office)
    crypto.generate_library(plan, office)
    crypto.generate_admin_tls(plan, office)
    return plan


def _authority(plan: ConsortiumPlan, office: OfficePlan, name: str) -> crypto.Authority:
    return next(a for a in crypto.office_authorities(plan, office)
                if a.cert.subject.rfc4514_string().startswith(f"CN={name}."))


def _short_lived(ca: crypto.Authority, common_name: str, not_before: dt.datetime,
                 not_after: dt.datetime) -> x509.Certificate:
    key = ec.generate_private_key(ec.SECP256R1())
    return (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(x509.NameOID.COMMON_NAME, common_name)]))
            .issuer_name(ca.cert.subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(not_before).not_valid_after(not_after)
            .sign(ca.key, hashes.SHA256()))


def test_inventory_lists_every_certificate_of_the_office_with_its_expiry(plan: ConsortiumPlan) -> None:
    jp = plan.office("JP")
    root = plan.crypto_dir(jp)
    now = dt.datetime.now(dt.timezone.utc)
    signing = _authority(plan, jp, "ca")
    # User1's certificate expires in 10 days, the library's TLS certificate expired yesterday.
    soon = _short_lived(signing, "User1@jp", now - dt.timedelta(days=80), now + dt.timedelta(days=10))
    (root / "users" / f"User1@{jp.domain}" / "msp" / "signcerts" / "cert.pem").write_bytes(crypto.cert_pem(soon))
    gone = _short_lived(_authority(plan, jp, "tlsca"), "library", now - dt.timedelta(days=90),
                        now - dt.timedelta(days=1))
    (root / "library" / "tls" / "server.crt").write_bytes(crypto.cert_pem(gone))
    enrolled = _short_lived(signing, "clerk", now - dt.timedelta(days=1), now + dt.timedelta(days=300))
    FileWallet(plan.wallet_dir(plan.office("JP"))).put("clerk", WalletEntry("JPMSP", crypto.cert_pem(enrolled), b"key"))

    rows = certs.inventory(plan, [jp], warn_days=30, now=now)
    kinds = [(r.kind, r.owner) for r in rows]
    assert kinds == [
        ("ca", f"ca.{jp.domain}"), ("tls-ca", f"tlsca.{jp.domain}"), ("admin-tls-ca", f"admin-tlsca.{jp.domain}"),
        ("node-signing", jp.orderer.host), ("node-tls", jp.orderer.host),
        ("node-signing", jp.peers[0].host), ("node-tls", jp.peers[0].host),
        ("user-signing", f"Admin@{jp.domain}"), ("user-tls", f"Admin@{jp.domain}"),
        ("user-admin-tls", f"Admin@{jp.domain}"),
        ("user-signing", f"User1@{jp.domain}"), ("user-tls", f"User1@{jp.domain}"),
        ("library-identity", jp.library.host), ("library-tls", jp.library.host),
        ("ca-server-tls", jp.ca.host), ("chaincode-server-tls", f"cc.{jp.domain}"),
        ("wallet", "clerk"),
    ]
    status = {(r.kind, r.owner): r for r in rows}
    user = status[("user-signing", f"User1@{jp.domain}")]
    assert user.status is certs.Expiry.WARN and user.days_left == 9 and user.serial == certs.serial_hex(soon)
    assert status[("library-tls", jp.library.host)].status is certs.Expiry.EXPIRED
    assert status[("library-tls", jp.library.host)].days_left == -1
    wallet = status[("wallet", "clerk")]
    assert wallet.status is certs.Expiry.OK and wallet.path.endswith("clerk.id#clerk")
    ok = [r for r in rows if r.status is certs.Expiry.OK]
    assert len(ok) == len(rows) - 2 and all(r.days_left > 3000 for r in ok if r.kind != "wallet")
    ca = status[("ca", f"ca.{jp.domain}")]
    assert ca.subject == ca.issuer == signing.cert.subject.rfc4514_string()
    assert not Path(user.path).is_absolute()  # paths relative to the checkout
    # A narrower warning window no longer warns about User1.
    narrow = {(r.kind, r.owner): r.status for r in certs.inventory(plan, [jp], warn_days=5, now=now)}
    assert narrow[("user-signing", f"User1@{jp.domain}")] is certs.Expiry.OK


def test_inventory_refuses_a_negative_window_and_an_office_without_material(plan: ConsortiumPlan) -> None:
    with pytest.raises(OperatorError, match="--warn-days"):
        certs.inventory(plan, [plan.office("JP")], warn_days=-1)
    with pytest.raises(OperatorError, match="US has no crypto material"):
        certs.inventory(plan, [plan.office("US")])


def test_certs_command_exits_with_the_conflict_code_when_a_certificate_expired(
        plan: ConsortiumPlan, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bringup, "repo_root", lambda: plan.root)
    definition = str(plan.root / "network" / "consortium.yaml")
    runner = CliRunner()
    fine = runner.invoke(network_group, ["certs", "--office", "JP", "--json", "--definition", definition])
    assert fine.exit_code == 0, fine.output
    assert {r["status"] for r in json.loads(fine.output)} == {"ok"}

    jp = plan.office("JP")
    now = dt.datetime.now(dt.timezone.utc)
    gone = _short_lived(_authority(plan, jp, "tlsca"), "cc", now - dt.timedelta(days=9), now - dt.timedelta(hours=2))
    (plan.crypto_dir(jp) / "chaincode-server" / "server.crt").write_bytes(crypto.cert_pem(gone))
    expired = runner.invoke(network_group, ["certs", "--office", "JP", "--definition", definition])
    assert expired.exit_code == ExitCode.CONFLICT
    assert "CERTIFICATE_EXPIRED" in expired.output and "chaincode-server-tls" in expired.output
    assert "1 expired" in expired.output


def test_reissue_keeps_subject_unit_and_host_names_from_the_same_ca(plan: ConsortiumPlan) -> None:
    jp = plan.office("JP")
    target = renewal.node_target(plan, jp, "peer0")
    assert target.role == "peer" and target.name == jp.peers[0].host
    authorities = crypto.office_authorities(plan, jp)
    for pair in target.pairs:
        old = x509.load_pem_x509_certificate(pair.cert.read_bytes())
        new, key = renewal.reissue(old, authorities)
        assert new.subject == old.subject and new.issuer == old.issuer
        assert new.serial_number != old.serial_number
        assert new.public_key() != old.public_key() and key.public_key().public_numbers() == \
            new.public_key().public_numbers()  # type: ignore[union-attr]
        for ext in (x509.SubjectAlternativeName, x509.ExtendedKeyUsage):
            try:
                assert new.extensions.get_extension_for_class(ext).value == \
                    old.extensions.get_extension_for_class(ext).value
            except x509.ExtensionNotFound:
                with pytest.raises(x509.ExtensionNotFound):
                    new.extensions.get_extension_for_class(ext)
        issuer = next(a for a in authorities if a.cert.subject == old.issuer)
        new.verify_directly_issued_by(issuer.cert)


def test_renewing_a_user_replaces_certificates_and_keys_in_place(plan: ConsortiumPlan) -> None:
    jp = plan.office("JP")
    target = renewal.user_target(plan, jp, "Admin")
    assert [p.cert.parent.name for p in target.pairs] == ["signcerts", "tls", "admin-tls"]
    before = {p.cert: p.cert.read_bytes() for p in target.pairs}
    result = renewal.renew(plan, target, engine=None)
    assert not result.restarted and len(result.certificates) == 3
    for pair, renewed in zip(target.pairs, result.certificates):
        cert = x509.load_pem_x509_certificate(pair.cert.read_bytes())
        assert pair.cert.read_bytes() != before[pair.cert] and certs.serial_hex(cert) == renewed.new_serial
        assert pair.key.stat().st_mode & 0o777 == 0o600
        key = load_pem_private_key(pair.key.read_bytes(), password=None)
        assert key.public_key() == cert.public_key()


def test_renew_refuses_orderers_and_unknown_names(plan: ConsortiumPlan) -> None:
    jp = plan.office("JP")
    with pytest.raises(renewal.ConfigUpdateRequiredError, match="channel configuration update"):
        renewal.node_target(plan, jp, "orderer0")
    with pytest.raises(renewal.ConfigUpdateRequiredError):
        renewal.node_target(plan, jp, jp.orderer.host)
    with pytest.raises(NodeNotFoundError, match="peer0"):
        renewal.node_target(plan, jp, "peer7")
    with pytest.raises(NodeNotFoundError, match="User1@"):
        renewal.user_target(plan, jp, "Nobody")
    assert renewal.node_target(plan, jp, "library").role == "library"
