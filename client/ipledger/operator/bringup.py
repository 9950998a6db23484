"""``up``, ``down`` and ``restart``: the consortium from definition to a deployed chaincode, and back.

``up`` is idempotent: each step checks what already exists (joined channels, installed and approved
chaincode), so ``down --keep-data`` followed by ``up`` resumes the same ledger. When a step fails, ``up``
removes what it started in this run and names the node and the cause.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
from dataclasses import dataclass, field
from pathlib import Path

from ipledger.consortium import compose as compose_gen
from ipledger.consortium.definition import VERSION, load_definition
from ipledger.consortium.generate import Generated, generate
from ipledger.consortium.package import ChaincodePackage, build_package
from ipledger.consortium.plan import ConsortiumPlan, OfficePlan, build_plan, source_name
from ipledger.operator import containers, health, lifecycle, membership, registry
from ipledger.operator.admin import OfficeAdmin
from ipledger.operator.engine import Engine, ensure_engine
from ipledger.operator.errors import NodeUnhealthyError, OperatorError, PortInUseError
from ipledger.operator.images import chaincode_image, ensure_image, ensure_network_images
from ipledger.operator.progress import Progress
from ipledger.operator.run import run
from ipledger.operator.toolchain import Toolchain, cache_root, chaincode_key, ensure_chaincode, ensure_toolchain


def repo_root() -> Path:
    """The checkout this package runs from (client/ipledger/operator -> repo)."""
    return Path(__file__).resolve().parents[3]


def default_definition() -> Path:
    return repo_root() / "network" / "consortium.yaml"


def _seconds_from_env(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise OperatorError(f"{name}={raw!r} must be a number of seconds") from None
    if value <= 0:
        raise OperatorError(f"{name}={raw!r} must be more than 0 seconds")
    return value


@dataclass
class Context:
    """What every operator command needs: the plan, the engine and the built tools."""

    plan: ConsortiumPlan
    progress: Progress
    engine: Engine | None = None
    toolchain: Toolchain | None = None
    # How long `up` waits for every node's /healthz before giving up and cleaning up.
    health_timeout: float = field(default_factory=lambda: _seconds_from_env("IPLEDGER_HEALTH_TIMEOUT", 120.0))
    _admins: list[OfficeAdmin] = field(default_factory=list)

    @classmethod
    def load(cls, definition: Path | None = None, progress: Progress | None = None) -> "Context":
        path = definition or default_definition()
        spec = load_definition(path)
        source = source_name(path, repo_root())
        plan = build_plan(spec, repo_root(), source)
        members = membership.load_members(plan)
        if members is not None:
            plan = build_plan(spec, repo_root(), source, members)
        return cls(plan=plan, progress=progress or Progress())

    def reload(self) -> None:
        """Take a membership change into the plan (and forget the admins of the old membership)."""
        members = membership.load_members(self.plan)
        self.plan = build_plan(self.plan.spec, self.plan.root, self.plan.source, members)
        self._admins = []

    def need_engine(self, install: bool = True) -> Engine:
        if self.engine is None:
            self.engine = ensure_engine(self.progress, cache_root(), install=install)
        return self.engine

    def need_toolchain(self) -> Toolchain:
        if self.toolchain is None:
            self.toolchain = ensure_toolchain(self.plan.root, self.progress)
        return self.toolchain

    def admins(self) -> list[OfficeAdmin]:
        if not self._admins:
            tc = self.need_toolchain()
            self._admins = [OfficeAdmin(self.plan, office, tc) for office in self.plan.offices]
        return self._admins


def _endpoints(plan: ConsortiumPlan, roles: tuple[str, ...]) -> list[health.Endpoint]:
    return [endpoint for office in plan.offices for endpoint in health.office_endpoints(plan, office, roles)]


def check_ports_free(plan: ConsortiumPlan, ours: set[int]) -> None:
    """Refuse to start when a port is taken by something other than this consortium's own running nodes."""
    busy = []
    for port, node in sorted(plan.host_ports().items()):
        if port in ours:
            continue
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind((plan.host_ip, port))
            except OSError:
                busy.append(f"{plan.host_ip}:{port} (needed by {node}) is already in use")
    if busy:
        raise PortInUseError("cannot start the network: " + "; ".join(busy) +
                             " - stop whatever listens there or change ports.base / portBase in the definition")


def compose_env(toolchain: Toolchain) -> dict[str, str]:
    """What the compose file takes from the environment: where the image tools are (no secrets)."""
    return {"IPLEDGER_TOOLS_BIN": str(toolchain.tools_bin)}


def _fail_unhealthy(ctx: Context, failures: dict[str, str]) -> None:
    engine = ctx.need_engine()
    lines = []
    for node, reason in sorted(failures.items()):
        tail = containers.logs_tail(engine, node, 8).strip().splitlines()[-4:]
        lines.append(f"{node}: not healthy ({reason})" + ("".join(f"\n      {t}" for t in tail) if tail else ""))
    raise NodeUnhealthyError("nodes did not become healthy:\n  " + "\n  ".join(lines))


@dataclass
class UpResult:
    package_id: str
    chaincode_containers: list[str]
    timings: dict[str, float]


def up(ctx: Context, deploy: bool = True) -> UpResult:
    plan, progress = ctx.plan, ctx.progress
    engine = ctx.need_engine()
    before = {c.name for c in containers.containers(engine, plan)}
    had_volumes = bool(containers.volumes(engine, plan))
    check_ports_free(plan, containers.published_ports(engine, plan))
    tc = ctx.need_toolchain()
    cc_tag = prepare_images(ctx, deploy)
    with progress.step("each office makes its own directory and bundle; the channel is built from the bundles"):
        generated = generate(plan)
        create_genesis_block(plan, tc, generated)
    try:
        with progress.step("each office starts its own CA, orderer, peers and library"):
            for office in plan.offices:
                start_office(ctx, office)
        with progress.step("wait for /healthz of every node"):
            failures = health.wait_healthy(_endpoints(plan, health.ALL_ROLES), timeout=ctx.health_timeout)
            if failures:
                _fail_unhealthy(ctx, failures)
        with progress.step("enroll each office's CA registrar into its wallet"):
            for code in registry.enroll_registrars(plan, generated.secrets):
                progress.note(f"{code}: registrar enrolled")
        with progress.step(f"join orderers and peers to channel {plan.channel}"):
            join_channel(ctx)
        result = UpResult(package_id=generated.package.package_id, chaincode_containers=[], timings={})
        if deploy:
            with progress.step(f"deploy chaincode {plan.spec.chaincode.name} {plan.spec.chaincode.version}"):
                result.chaincode_containers = deploy_chaincode(ctx, generated, cc_tag)
            with progress.step("found the office registry from the definition (every office confirms)"):
                founding = registry.found(plan)
                if founding.proposed_by:
                    progress.note(f"{founding.proposed_by} proposed registry {founding.registry_hash}")
                if founding.confirmed_by:
                    progress.note(f"confirmed by {', '.join(founding.confirmed_by)}")
                for note in founding.notes:
                    progress.note(note)
    except BaseException:
        _cleanup_failed_up(ctx, before, had_volumes)
        raise
    result.timings = dict(progress.timings)
    return result


def start_office(ctx: Context, office: OfficePlan) -> None:
    """Start one office's nodes from the compose file in its own directory (nothing of any other office)."""
    containers.compose(ctx.need_engine(), ctx.plan, "up", "-d", "--no-build", env=compose_env(ctx.need_toolchain()),
                       office=office)


def prepare_images(ctx: Context, deploy: bool) -> str:
    """Build what is missing of the node images and (when deploying) the chaincode image; returns its tag."""
    engine, tc, progress = ctx.need_engine(), ctx.need_toolchain(), ctx.progress
    binary = ensure_chaincode(ctx.plan.root, cache_root(), progress) if deploy else None
    with progress.step("images"):
        ensure_network_images(engine, tc, progress)
        if binary is None:
            return ""
        spec = chaincode_image(binary, chaincode_key(ctx.plan.root))
        ensure_image(engine, spec, progress)
        return spec.tag


def create_genesis_block(plan: ConsortiumPlan, tc: Toolchain, generated: Generated) -> None:
    """The channel's first block, made once: every orderer and peer joins with these same bytes."""
    if plan.channel_block.exists():
        return
    plan.channel_block.parent.mkdir(parents=True, exist_ok=True)
    run([str(tc.fabric("configtxgen")), "-configPath", str(generated.configtx_path.parent),
         "-profile", "IpledgerChannel", "-outputBlock", str(plan.channel_block), "-channelID", plan.channel],
        env={"FABRIC_LOGGING_SPEC": "WARNING"})


def join_channel(ctx: Context, offices: frozenset[str] | None = None) -> None:
    """Each office's admin joins its own orderer (channel participation API), then the offices' peers join;
    nodes already in are left alone. ``offices``: only these (an office joining its own nodes), else all."""
    plan = ctx.plan
    admins = [a for a in ctx.admins() if offices is None or a.office.code in offices]
    for admin in admins:
        if admin.join_orderer(plan.channel_block):
            ctx.progress.note(f"{admin.office.orderer.host} joined {plan.channel}")
    for admin in admins:
        for peer in admin.office.peers:
            if admin.join_peer(peer, plan.channel_block):
                ctx.progress.note(f"{peer.host} joined {plan.channel}")


def _cleanup_failed_up(ctx: Context, before: set[str], had_volumes: bool) -> None:
    """Leave nothing half-running: remove the containers this run started (and new volumes/networks)."""
    engine = ctx.need_engine()
    started = [c.name for c in containers.containers(engine, ctx.plan) if c.name not in before]
    ctx.progress.note(f"cleaning up after the failure: removing {len(started)} container(s)")
    if not before:
        containers.remove_everything(engine, ctx.plan, keep_volumes=had_volumes)
    else:
        containers.remove_containers(engine, started)


def deploy_chaincode(ctx: Context, generated: Generated, image: str) -> list[str]:
    """Roll out the definition's chaincode - or, when ``upgrade-chaincode`` deployed a later version, just
    start the servers of that committed version again."""
    plan = ctx.plan
    state = load_state(plan)
    if int(str(state.get("sequence", 0))) > plan.spec.chaincode.sequence:
        label, package_id = str(state["label"]), str(state["packageId"])
        image = str(state.get("chaincodeImage") or image)
        ctx.progress.note(f"{label} (sequence {state['sequence']}) was deployed by an upgrade: restarting its servers")
        return [containers.start_chaincode(ctx.need_engine(), plan, office, label, package_id, image)
                for office in plan.offices]
    return _roll_out(ctx, generated.package, generated.package_path, image, plan.spec.chaincode.version,
                     plan.spec.chaincode.sequence)


def _roll_out(ctx: Context, package: ChaincodePackage, package_path: Path, image: str, version: str,
              sequence: int) -> list[str]:
    """Install everywhere, start each office's server, approve by every office, commit; each step skipped
    when already done. Servers start before the commit, so the new definition is served the moment it lands."""
    plan, progress, engine, admins = ctx.plan, ctx.progress, ctx.need_engine(), ctx.admins()
    lifecycle.install_everywhere(admins, package, package_path, progress)
    names = [containers.start_chaincode(engine, plan, office, package.label, package.package_id, image)
             for office in plan.offices]
    definition = lifecycle.ChaincodeDefinition(name=plan.spec.chaincode.name, version=version, sequence=sequence,
                                      package_id=package.package_id,
                                      policy_args=lifecycle.endorsement_policy_args(plan))
    current = lifecycle.committed(admins[0], definition.name)
    if current is not None and int(str(current.get("sequence", 0))) >= sequence:
        progress.note(f"{definition.name} sequence {current.get('sequence')} already committed")
    else:
        lifecycle.approve_everywhere(admins, definition, progress)
        lifecycle.commit(admins, definition, progress)
    save_state(plan, {"packageId": package.package_id, "label": package.label, "chaincodeImage": image,
                      "sequence": sequence})
    return names


def save_state(plan: ConsortiumPlan, state: dict[str, object]) -> None:
    state = {"_generated": "written by ipledger network up / upgrade-chaincode - do not edit", **state}
    plan.state_file.parent.mkdir(parents=True, exist_ok=True)
    plan.state_file.write_text(json.dumps(state, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def load_state(plan: ConsortiumPlan) -> dict[str, object]:
    return dict(json.loads(plan.state_file.read_text())) if plan.state_file.exists() else {}


def down(ctx: Context, keep_data: bool = False) -> list[str]:
    """Remove every container (and, unless keep_data, every volume, network and generated file)."""
    engine = ctx.need_engine(install=False)
    removed = [c.name for c in containers.containers(engine, ctx.plan)]
    with ctx.progress.step("stop and remove containers" + ("" if keep_data else ", volumes and generated files")):
        containers.remove_everything(engine, ctx.plan, keep_volumes=keep_data)
        if not keep_data and ctx.plan.generated.exists():
            shutil.rmtree(ctx.plan.generated)
    return removed


def upgrade_chaincode(ctx: Context, version: str) -> str:
    """Deploy a new chaincode version as the next sequence; the old servers keep answering until commit."""
    plan = ctx.plan
    current = lifecycle.committed(ctx.admins()[0], plan.spec.chaincode.name)
    if current is None:
        raise OperatorError(f"chaincode {plan.spec.chaincode.name} is not committed yet: run `up` first")
    if not VERSION.match(version):
        raise OperatorError(f"chaincode version {version!r} must be 1-64 letters, digits or _.+-")
    if current.get("version") == version:
        raise OperatorError(f"{plan.spec.chaincode.name} {version} is already the committed version "
                            f"(sequence {current.get('sequence')}); choose a new version")
    sequence = int(str(current.get("sequence", 0))) + 1
    package = build_package(plan.spec.chaincode.name, version)
    package_path = package.write(plan.packages_dir)
    image = prepare_images(ctx, deploy=True)
    with ctx.progress.step(f"upgrade {plan.spec.chaincode.name} to {version} (sequence {sequence})"):
        _roll_out(ctx, package, package_path, image, version, sequence)
        containers.stop_chaincode_except(ctx.need_engine(), plan, package.label)
    return package.package_id
