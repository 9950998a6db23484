"""An office joins the running channel, or leaves it, by signed configuration updates and the ledger's governance.

Join, as Fabric's documentation orders it: (1) the members sign an update that adds the office's organisations
(its MSP from its bundle, its anchor peer, its orderer endpoint); (2) the office starts its own nodes and its
orderer joins from the latest config block as a follower, and catches up; (3) the members sign an update that
makes that orderer a BFT consenter (the quorum grows with it); (4) its peer joins, installs the chaincode and
approves the committed definition for its organisation; (5) the members register the office on the ledger
(ADD_OFFICE, approved by a majority), so the ledger's registry and the channel's membership agree. Leave runs the
other way: SUSPEND_OFFICE on the ledger, the consenter out, then the organisations out, then its nodes stop.

Every update is signed by each member's admin with the key in that member's own directory, until the channel's
policies are met; on one machine ``office join`` collects them in turn (between independent offices the same
file travels through ``network config sign``).
"""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from ipledger.consortium import configtx, connection_profiles, yamlio
from ipledger.consortium.bundle import OfficeBundle, load_bundle
from ipledger.consortium.generate import write_tls_roots
from ipledger.consortium.office import init_office, publish_bundle, registrar_secret
from ipledger.consortium.package import build_package
from ipledger.consortium.plan import OfficePlan
from ipledger.domain.enums import IpRight, MembershipAction, ProposalStatus
from ipledger.domain.errors import AlreadyExistsError, NotFoundError
from ipledger.domain.models import MembershipProposal, Roles
from ipledger.operator import channel_members, containers, health, lifecycle, membership, registry
from ipledger.operator.admin import OfficeAdmin
from ipledger.operator.bringup import Context, load_state, start_office
from ipledger.operator.channel_config import ChannelConfigs, admin_signatory
from ipledger.operator.config_errors import PolicyNotSatisfiedError
from ipledger.operator.config_update import ConfigUpdate
from ipledger.operator.deadline import Deadline
from ipledger.operator.errors import OperatorError
from ipledger.operator.run import run

T = TypeVar("T")
JSON = channel_members.JSON


@dataclass
class MembershipChange:
    """What a join or leave did, step by step, with the seconds each took."""

    office: str
    steps: list[tuple[str, float]] = field(default_factory=list)
    consenters: int = 0
    #: Endorser transactions it committed on the channel (the chaincode approval, governance proposals).
    ledger_transactions: int = 0

    @property
    def seconds(self) -> float:
        return sum(s for _, s in self.steps)


class _Steps:
    def __init__(self, ctx: Context, change: MembershipChange) -> None:
        self.ctx, self.change = ctx, change

    def run(self, name: str, action: Callable[[], T]) -> T:
        start = time.monotonic()
        with self.ctx.progress.step(name):
            result = action()
        self.change.steps.append((name, time.monotonic() - start))
        return result


def org_group(ctx: Context, bundle: OfficeBundle) -> JSON:
    """The office's organisation as configtxgen prints it from its bundle (MSP, policies, endpoints)."""
    plan = ctx.plan
    with tempfile.TemporaryDirectory(prefix="ipledger-org-") as tmp:
        document = {"Organizations": [configtx.organization(plan, bundle)]}
        (Path(tmp) / "configtx.yaml").write_text(yamlio.dump(document), encoding="utf-8")
        out = run([str(ctx.need_toolchain().fabric("configtxgen")), "-configPath", tmp, "-printOrg", bundle.msp_id],
                  env={"FABRIC_LOGGING_SPEC": "WARNING"})
    group: JSON = json.loads(out[out.index("{"):])
    return group


def sign_by_members(update: ConfigUpdate, config: JSON, admins: Sequence[OfficeAdmin]) -> ConfigUpdate:
    """Each member's admin signs in turn (from its own directory) until the update's policies are met."""
    for admin in admins:
        if not update.missing_signers(config):
            break
        update = update.sign(admin_signatory(admin))
    missing = update.missing_signers(config)
    if missing:
        raise PolicyNotSatisfiedError(missing)
    return update


def apply_signed_update(ctx: Context, admins: Sequence[OfficeAdmin], edit: Callable[[JSON], JSON], note: str) -> JSON:
    """Prepare the update ``edit`` makes to the current configuration, have the members sign it, submit it."""
    configs = ChannelConfigs(admins[0])
    base = configs.current()
    update = configs.prepare(edit(base.editable()), base=base, note=note)
    for change in update.changes():
        ctx.progress.note(str(change))
    signed = sign_by_members(update, base.config, admins)
    ctx.progress.note("signed by " + ", ".join(s.msp_id for s in signed.signers()))
    return configs.submit(signed).config


def _retry(what: str, action: Callable[[], T], timeout: float = 60.0) -> T:
    """Retry while another office's peer has not yet seen the block that the step depends on."""
    try:
        return Deadline(timeout).run(action, (NotFoundError, OperatorError))
    except (NotFoundError, OperatorError) as exc:
        raise OperatorError(f"{what}: still failing after {timeout:.0f}s: {exc}") from exc


def _govern(ctx: Context, change: MembershipChange, voters: Sequence[OfficePlan], action: MembershipAction,
            office: OfficePlan, reason: str) -> MembershipProposal:
    """A membership change on the ledger, proposed by the first voter and approved by the others in turn
    until the chaincode applies it (a majority of ACTIVE offices)."""
    from ipledger.domain.priority_ledger import PriorityLedger

    every_right = tuple(IpRight)
    profile = ctx.plan.profiles_dir

    def propose() -> MembershipProposal:
        with PriorityLedger.connect(profile / f"{voters[0].code}.json", "Admin") as ledger:
            if action is MembershipAction.ADD_OFFICE:  # only an addition names the office's MSP, name and roles
                return ledger.propose_membership_change(action, office.code, msp_id=office.msp_id,
                                                        name=office.spec.name, roles=Roles(every_right, every_right),
                                                        reason=reason)
            return ledger.propose_membership_change(action, office.code, reason=reason)
    proposal = _retry(f"{voters[0].code} proposes {action.value} {office.code}", propose)
    change.ledger_transactions += 1
    for voter in voters[1:]:
        if proposal.status is ProposalStatus.APPLIED:
            break

        def approve(voter: OfficePlan = voter) -> MembershipProposal:
            with PriorityLedger.connect(profile / f"{voter.code}.json", "Admin") as ledger:
                try:
                    approved = ledger.approve_membership_change(proposal.id)
                    change.ledger_transactions += 1
                    return approved
                except AlreadyExistsError:
                    return ledger.get_membership_proposal(proposal.id)
        proposal = _retry(f"{voter.code} approves {action.value} {office.code}", approve)
        ctx.progress.note(f"{voter.code} approved {action.value} {office.code}: {proposal.status.value}")
    if proposal.status is not ProposalStatus.APPLIED:
        raise OperatorError(f"{action.value} {office.code} is {proposal.status.value} with approvals "
                            f"{', '.join(proposal.approvals)}: a majority of ACTIVE offices must approve")
    return proposal


def wait_orderer(admin: OfficeAdmin, relation: str, reference: OfficeAdmin, timeout: float = 120.0,
                 deadline: Deadline | None = None) -> None:
    """Wait until ``admin``'s orderer is a ``relation`` ("follower", "consenter") of the channel at least as
    high as ``reference``'s; its admin endpoint may still be starting (a fresh or restarted node). ``deadline``,
    when given, replaces ``timeout`` (the tests' clock)."""
    deadline = deadline or Deadline(timeout)
    heights: list[int] = []  # the reference's, one per poll

    def poll() -> dict[str, object]:
        try:
            info = admin.orderer_channel_info() or {}
            heights.append(_orderer_height(reference))
        except OperatorError as exc:
            return {"error": str(exc)}
        return info

    def caught_up(info: dict[str, object]) -> bool:
        # Under steady load the reference's tip moves on while the orderer pulls, so it is caught up once it
        # reached the height the reference had one poll earlier (or the current one, on the first poll).
        return ("error" not in info and info.get("consensusRelation") == relation
                and int(str(info.get("height", 0))) >= min(heights[-2:]))

    info = deadline.until(poll, caught_up, retry_on=())
    if not caught_up(info):
        raise OperatorError(f"{admin.office.orderer.host} is not a caught-up {relation} after {deadline.seconds:.0f}s "
                            f"({reference.office.orderer.host} at height {heights[-1] if heights else None}): {info}")


def _orderer_height(admin: OfficeAdmin) -> int:
    info = admin.orderer_channel_info()
    return int(str(info.get("height", 0))) if info else 0


def join(ctx: Context, code: str) -> MembershipChange:
    """Add office ``code`` of the definition to the running channel (see the module's description)."""
    plan = ctx.plan
    office = plan.office(code)
    if office in plan.offices:
        raise OperatorError(f"{office.code} is already a member of channel {plan.channel}")
    change = MembershipChange(office.code)
    steps = _Steps(ctx, change)
    members = ctx.admins()
    tc = ctx.need_toolchain()
    newcomer = OfficeAdmin(plan, office, tc)

    def own_directory() -> OfficeBundle:
        init_office(plan, office)
        return load_bundle(publish_bundle(plan, office))
    bundle = steps.run(f"{office.code} makes its own directory and bundle", own_directory)
    ctx.progress.note(f"bundle fingerprint {bundle.fingerprint}")
    group = org_group(ctx, bundle)

    def add_organisation() -> None:
        if bundle.msp_id not in channel_members.member_msp_ids(ChannelConfigs(members[0]).current().config):
            apply_signed_update(ctx, members, lambda c: channel_members.with_office(c, bundle, group),
                   f"add office {office.code} ({bundle.msp_id}) - bundle {bundle.fingerprint}")
    steps.run(f"members sign and submit: {office.code}'s organisations into the channel", add_organisation)

    def start_nodes() -> None:
        write_tls_roots(plan, (*(load_bundle(plan.bundle_path(o.code)) for o in plan.offices), bundle))
        start_office(ctx, office)
        failures = health.wait_healthy(health.office_endpoints(plan, office), timeout=ctx.health_timeout)
        if failures:
            raise OperatorError(f"{office.code}'s nodes did not become healthy: {failures}")
    steps.run(f"{office.code} starts its own nodes", start_nodes)

    def follow() -> None:
        with tempfile.TemporaryDirectory(prefix="ipledger-join-") as tmp:
            block = Path(tmp) / "config.block"
            members[0].peer("channel", "fetch", "config", str(block), "-c", plan.channel, *members[0].orderer_args())
            newcomer.join_orderer(block)
        wait_orderer(newcomer, "follower", members[0])
    consenter_now = any(c.get("msp_id") == bundle.msp_id
                        for c in channel_members.consenters(ChannelConfigs(members[0]).current().config))
    if not consenter_now:
        steps.run(f"{office.orderer.host} joins as a follower and catches up", follow)

        def make_consenter() -> None:
            config = apply_signed_update(ctx, members, lambda c: channel_members.with_consenter(c, bundle),
                            f"make {office.orderer.host} a consenter")
            change.consenters = len(channel_members.consenters(config))
        steps.run(f"members sign and submit: {office.orderer.host} becomes a consenter", make_consenter)
        steps.run(f"{office.orderer.host} is a consenter",
                  lambda: wait_orderer(newcomer, "consenter", members[0]))

    def join_peers() -> None:
        for peer in office.peers:
            newcomer.join_peer(peer, plan.channel_block)
    steps.run(f"{office.code}'s peers join the channel", join_peers)

    membership.save_members(plan, [o.code for o in plan.offices] + [office.code])
    ctx.reload()
    plan = ctx.plan
    connection_profiles.write_profiles(plan)
    plan.wallet_dir(office).mkdir(parents=True, exist_ok=True, mode=0o700)
    registry.enroll_registrars(plan, {o.code: registrar_secret(plan, o) for o in plan.offices})
    approved = steps.run(f"{office.code} installs, serves and approves the committed chaincode",
                         lambda: _serve_chaincode(ctx, newcomer))
    change.ledger_transactions += int(approved)
    voters = [o for o in plan.offices if o.code != office.code]
    steps.run(f"members register {office.code} on the ledger (ADD_OFFICE)",
              lambda: _govern(ctx, change, voters, MembershipAction.ADD_OFFICE, office,
                              f"{office.code} joined channel {plan.channel}"))
    change.consenters = change.consenters or len(channel_members.consenters(
        ChannelConfigs(ctx.admins()[0]).current().config))
    return change


def _serve_chaincode(ctx: Context, admin: OfficeAdmin) -> bool:
    """Install, start the office's chaincode server, approve the committed definition; True when it approved."""
    plan, office = ctx.plan, admin.office
    state = load_state(plan)
    committed = lifecycle.committed(ctx.admins()[0], plan.spec.chaincode.name)
    if committed is None or not state:
        raise OperatorError(f"no chaincode is committed on {plan.channel}: run `network up` first")
    version, sequence = str(committed["version"]), int(str(committed["sequence"]))
    package = build_package(plan.spec.chaincode.name, version)
    if package.package_id != state.get("packageId"):
        raise OperatorError(f"the committed {plan.spec.chaincode.name} {version} is not the package this operator "
                            f"deployed ({state.get('packageId')})")
    lifecycle.install_everywhere([admin], package, package.write(plan.packages_dir), ctx.progress)
    containers.start_chaincode(ctx.need_engine(), plan, office, package.label, package.package_id,
                               str(state["chaincodeImage"]))
    definition = lifecycle.ChaincodeDefinition(name=plan.spec.chaincode.name, version=version, sequence=sequence,
                                               package_id=package.package_id,
                                               policy_args=lifecycle.endorsement_policy_args(plan))
    return lifecycle.approve_committed(admin, definition, ctx.progress)


def leave(ctx: Context, code: str, stop_nodes: bool = True) -> MembershipChange:
    """Remove office ``code`` from the running channel: suspended on the ledger, consenter out, organisations
    out (each by the other members' signatures), then (unless ``stop_nodes`` is False) its nodes stop."""
    plan = ctx.plan
    office = plan.office(code)
    if office not in plan.offices:
        raise OperatorError(f"{office.code} is not a member of channel {plan.channel}")
    change = MembershipChange(office.code)
    steps = _Steps(ctx, change)
    others = [a for a in ctx.admins() if a.office.code != office.code]
    voters = [a.office for a in others]
    steps.run(f"members suspend {office.code} on the ledger (SUSPEND_OFFICE)",
              lambda: _govern(ctx, change, voters, MembershipAction.SUSPEND_OFFICE, office,
                              f"{office.code} leaves channel {plan.channel}"))

    def remove_consenter() -> None:
        config = ChannelConfigs(others[0]).current().config
        if any(c.get("msp_id") == office.msp_id for c in channel_members.consenters(config)):
            config = apply_signed_update(ctx, others, lambda c: channel_members.without_consenter(c, office.msp_id),
                            f"remove {office.orderer.host} from the consenters")
        change.consenters = len(channel_members.consenters(config))
    steps.run(f"members sign and submit: {office.orderer.host} stops being a consenter", remove_consenter)

    def remove_organisation() -> None:
        if office.msp_id in channel_members.member_msp_ids(ChannelConfigs(others[0]).current().config):
            apply_signed_update(ctx, others, lambda c: channel_members.without_office(c, office.msp_id),
                   f"remove office {office.code} ({office.msp_id})")
    steps.run(f"members sign and submit: {office.code}'s organisations out of the channel", remove_organisation)
    membership.save_members(plan, [o.code for o in plan.offices if o.code != office.code])
    ctx.reload()
    connection_profiles.write_profiles(ctx.plan)
    if stop_nodes:
        steps.run(f"{office.code}'s nodes stop", lambda: stop_office(ctx, office))
    return change


def stop_office(ctx: Context, office: OfficePlan) -> list[str]:
    """Remove the office's containers (its ledgers stay on their volumes until `network down`)."""
    engine = ctx.need_engine(install=False)
    names = [c.name for c in containers.containers(engine, ctx.plan, f"io.ipledger.office={office.code}")]
    containers.remove_containers(engine, names)
    return names
