"""Chaincode lifecycle across the consortium: install everywhere, approve per office, commit once.

Every step first asks the ledger whether it is already done, so a deployment that was interrupted is
finished by running ``up`` again rather than left half-deployed.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from ipledger.consortium.package import ChaincodePackage
from ipledger.consortium.plan import ConsortiumPlan
from ipledger.operator.admin import OfficeAdmin
from ipledger.operator.leader import leader_other_than_own
from ipledger.operator.errors import CommandFailedError
from ipledger.operator.progress import Progress


@dataclass(frozen=True)
class ChaincodeDefinition:
    """A chaincode definition to approve and commit."""

    name: str
    version: str
    sequence: int
    package_id: str
    policy_args: tuple[str, ...]


def endorsement_policy_args(plan: ConsortiumPlan) -> tuple[str, ...]:
    """MAJORITY uses the channel's Endorsement policy; ANY/ALL become signature policies over office peers."""
    rule = plan.spec.chaincode.endorsement_policy.split(" ")[0]
    if rule == "MAJORITY":
        return ("--channel-config-policy", "/Channel/Application/Endorsement")
    members = ", ".join(f"'{o.msp_id}.peer'" for o in plan.offices)
    return ("--signature-policy", f"{'OR' if rule == 'ANY' else 'AND'}({members})")


def installed_package_ids(admin: OfficeAdmin, peer_index: int) -> set[str]:
    peer = admin.office.peers[peer_index]
    out = admin.peer("lifecycle", "chaincode", "queryinstalled", "--output", "json", peer=peer)
    data = json.loads(out) if out.strip() else {}
    return {item["package_id"] for item in data.get("installed_chaincodes", [])}


def install_everywhere(admins: list[OfficeAdmin], package: ChaincodePackage, package_path: Path,
                       progress: Progress) -> None:
    for admin in admins:
        for peer in admin.office.peers:
            if package.package_id in installed_package_ids(admin, peer.index):
                continue
            admin.peer("lifecycle", "chaincode", "install", str(package_path), peer=peer, timeout=300)
            progress.note(f"installed {package.label} on {peer.host}")


def committed(admin: OfficeAdmin, name: str) -> dict[str, object] | None:
    """The committed definition as the office's peer sees it, or None."""
    try:
        out = admin.peer("lifecycle", "chaincode", "querycommitted", "--channelID", admin.plan.channel,
                         "--name", name, "--output", "json")
    except CommandFailedError as exc:
        # The peer's answer for a chaincode never committed on the channel.
        if "namespace " in exc.output and " is not defined" in exc.output:
            return None
        raise
    return dict(json.loads(out))


def approvals(admin: OfficeAdmin, d: ChaincodeDefinition) -> dict[str, bool]:
    out = admin.peer("lifecycle", "chaincode", "checkcommitreadiness", "--channelID", admin.plan.channel,
                     "--name", d.name, "--version", d.version, "--sequence", str(d.sequence), *d.policy_args,
                     "--output", "json")
    return {k: bool(v) for k, v in json.loads(out).get("approvals", {}).items()}


def submit_through_leader(admin: OfficeAdmin, *args: str) -> None:
    """Run a peer CLI transaction (``args`` without the orderer options; it must ``--waitForEvent``) through
    the BFT leader's orderer (see :mod:`ipledger.operator.leader`), then through the office's own if that
    failed: a leader that does not order it costs the CLI's wait (30 s), not the transaction."""
    leader = leader_other_than_own(admin)
    if leader is not None:
        try:
            admin.peer(*args, *admin.orderer_args(via=leader), timeout=180)
            return
        except CommandFailedError:
            pass  # below: its own orderer
    admin.peer(*args, *admin.orderer_args(), timeout=180)


def approve_everywhere(admins: list[OfficeAdmin], d: ChaincodeDefinition, progress: Progress) -> None:
    """Each office approves ``d`` for itself, all at once (approvals of different offices touch different
    keys), through the BFT leader (:func:`submit_through_leader`)."""
    pending = [a for a in admins if not approvals(a, d).get(a.office.msp_id)]

    def approve(admin: OfficeAdmin) -> None:
        submit_through_leader(admin, "lifecycle", "chaincode", "approveformyorg",
                              "--channelID", admin.plan.channel, "--name", d.name, "--version", d.version,
                              "--package-id", d.package_id, "--sequence", str(d.sequence), *d.policy_args,
                              "--waitForEvent")
        progress.note(f"{admin.office.code} approved {d.name} {d.version} (sequence {d.sequence})")

    if pending:
        with ThreadPoolExecutor(max_workers=len(pending)) as pool:
            # list(): the first failure (a CommandFailedError naming its office) propagates once all have ended.
            list(pool.map(approve, pending))


def commit(admins: list[OfficeAdmin], d: ChaincodeDefinition, progress: Progress) -> None:
    """Commit with one endorsing peer per office (callers check first that the sequence is not committed)."""
    peer_args: list[str] = []
    for admin in admins:
        peer = admin.office.peers[0]
        peer_args += ["--peerAddresses", f"{peer.host_ip}:{peer.port}", "--tlsRootCertFiles", str(admin.tls_ca)]
    first = admins[0]
    submit_through_leader(first, "lifecycle", "chaincode", "commit", "--channelID", first.plan.channel,
                          "--name", d.name, "--version", d.version, "--sequence", str(d.sequence), *d.policy_args,
                          *peer_args, "--waitForEvent")
    progress.note(f"committed {d.name} {d.version} (sequence {d.sequence}) on {first.plan.channel}")


def approved_by_own_org(admin: OfficeAdmin, d: ChaincodeDefinition) -> bool:
    """Whether the office approved ``d`` (its sequence may be committed already: an office that joins later
    approves the committed definition for its organisation, which checkcommitreadiness no longer answers)."""
    try:
        out = admin.peer("lifecycle", "chaincode", "queryapproved", "--channelID", admin.plan.channel,
                         "--name", d.name, "--sequence", str(d.sequence), "--output", "json")
    except CommandFailedError as exc:
        if "could not fetch approved chaincode definition" in exc.output or "not found" in exc.output.lower():
            return False
        raise
    approved = json.loads(out) if out.strip() else {}
    return bool(approved.get("sequence") == d.sequence)


def approve_committed(admin: OfficeAdmin, d: ChaincodeDefinition, progress: Progress) -> bool:
    """The office approves the already committed definition ``d`` for its own organisation, once; True when
    it approved now."""
    if approved_by_own_org(admin, d):
        return False
    submit_through_leader(admin, "lifecycle", "chaincode", "approveformyorg",
                          "--channelID", admin.plan.channel, "--name", d.name, "--version", d.version,
                          "--package-id", d.package_id, "--sequence", str(d.sequence), *d.policy_args,
                          "--waitForEvent")
    progress.note(f"{admin.office.code} approved the committed {d.name} {d.version} (sequence {d.sequence})")
    return True
