"""Bring up a consortium whose offices each run on hosts of their own, one swarm per office.

The same steps as ``network up`` (:mod:`ipledger.operator.bringup`), with each office's nodes started as a
Swarm stack on its own swarm instead of compose on one engine. The operator's tools (``peer``, ``osnadmin``,
the Python client) run where the caller is and reach each node at its host's address (``offices[].host``, or
``peerHosts`` for a peer on another host of its office) on its published ports, under the names its TLS
certificates carry; the channel configuration names the nodes by those same names, which every container
resolves to the publishing host's address.

An office's own steps are public (``deploy_nodes``, ``serve_chaincode``): ``ipledger network swarm deploy`` and
``swarm chaincode`` run them for one office against its own engine, and ``up`` runs them for every office from
one seat (or lets ``own_seat`` run them, as the office's operator would, by hand).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from ipledger.consortium.generate import generate
from ipledger.consortium.office import registrar_secret
from ipledger.consortium.package import ChaincodePackage, build_package
from ipledger.consortium.plan import ConsortiumPlan, OfficePlan
from ipledger.credentials import CAClient, ConnectionProfile
from ipledger.operator import health, lifecycle, registry, swarm_deploy, swarm_stack
from ipledger.operator.admin import OfficeAdmin
from ipledger.operator.bringup import (
    Context,
    UpResult,
    create_genesis_block,
    join_channel,
    load_state,
    save_state,
)
from ipledger.operator.engine import Engine
from ipledger.operator.errors import NodeUnhealthyError, OperatorError

#: The phases in which an office's own operator acts during ``up``: its nodes (stack, registrar, channel join),
#: then its chaincode (install, server, approval).
NODES, CHAINCODE = "nodes", "chaincode"
OwnSeat = Callable[[str], None]


@dataclass(frozen=True)
class OfficeHosts:
    """The engines of the offices' hosts: office code -> the engine of the office's own host (its swarm's
    manager), and address -> engine for further hosts of an office (``peerHosts``), which join its swarm."""

    engines: Mapping[str, Engine]
    others: Mapping[str, Engine] = field(default_factory=dict)

    def of(self, office: OfficePlan) -> Engine:
        try:
            return self.engines[office.code]
        except KeyError:
            raise OperatorError(f"no host engine given for office {office.code}") from None

    def at(self, address: str) -> Engine:
        try:
            return self.others[address]
        except KeyError:
            raise OperatorError(f"no engine given for host {address}") from None


def check_hosts(plan: ConsortiumPlan, hosts: OfficeHosts, offices: list[OfficePlan]) -> None:
    problems = [f"{o.code} has no host address (offices[].host)" for o in offices if o.host_ip == plan.host_ip]
    problems += [f"no engine for {o.code}" for o in offices if o.code not in hosts.engines]
    problems += [f"no engine for {o.code}'s host {a}" for o in offices
                 for a in swarm_stack.office_addresses(o)[1:] if a not in hosts.others]
    if problems:
        raise OperatorError("cannot deploy the offices on their own hosts: " + "; ".join(problems))


def form_swarm(hosts: OfficeHosts, office: OfficePlan) -> None:
    """The office's own swarm: initialised on its host, its other hosts joined as workers, every node labelled
    with its address (services are placed by it)."""
    manager = hosts.of(office)
    swarm_deploy.ensure_swarm(manager, office.host_ip)
    addresses = swarm_stack.office_addresses(office)
    for address in addresses[1:]:
        swarm_deploy.join_host(manager, hosts.at(address), office.host_ip, address)
    swarm_deploy.label_nodes(manager, addresses)


def enroll_registrar(plan: ConsortiumPlan, office: OfficePlan) -> bool:
    """The office CA's bootstrap registrar into the office's wallet, once (its secret stays in its directory)."""
    profile = ConnectionProfile.load(plan.profiles_dir / f"{office.code}.json")
    wallet = profile.wallet()
    if profile.ca is None or wallet is None or registry.REGISTRAR_LABEL in wallet.list():
        return False
    CAClient.from_profile(profile.ca).enroll("admin", registrar_secret(plan, office)).store(
        wallet, registry.REGISTRAR_LABEL, office.msp_id)
    return True


def chaincode_package(plan: ConsortiumPlan) -> tuple[ChaincodePackage, Path]:
    """The definition's chaincode package, as every office builds it (the same bytes, the same package ID);
    written only when the file differs, so offices deploying at once never rewrite it under a reader."""
    package = build_package(plan.spec.chaincode.name, plan.spec.chaincode.version)
    path = plan.packages_dir / f"{package.label}.tar.gz"
    if path.exists() and path.read_bytes() == package.data:
        return package, path
    return package, package.write(plan.packages_dir)


def deploy_nodes(ctx: Context, hosts: OfficeHosts, office: OfficePlan) -> list[str]:
    """One office's own steps for its nodes: its swarm, its stack (waited for until every task runs and every
    node answers /healthz), its registrar enrolled, its orderer and peers joined to the channel's genesis block."""
    plan, progress = ctx.plan, ctx.progress
    check_hosts(plan, hosts, [office])
    label = build_package(plan.spec.chaincode.name, plan.spec.chaincode.version).label
    with progress.step(f"{office.code}: swarm on {', '.join(swarm_stack.office_addresses(office))}, its stack"):
        form_swarm(hosts, office)
        services = swarm_stack.stack_services(plan, office, {}, label)
        names = swarm_deploy.deploy(hosts.of(office), plan, services)
        swarm_deploy.wait_running(hosts.of(office), names, timeout=ctx.health_timeout)
    with progress.step(f"{office.code}: wait for /healthz of its nodes"):
        endpoints = health.office_endpoints(plan, office, health.ALL_ROLES)
        failures = health.wait_healthy(endpoints, timeout=ctx.health_timeout)
        if failures:
            raise NodeUnhealthyError("nodes did not become healthy: " +
                                     "; ".join(f"{n}: {r}" for n, r in sorted(failures.items())))
    with progress.step(f"{office.code}: registrar enrolled, orderer and peers joined to {plan.channel}"):
        if enroll_registrar(plan, office):
            progress.note(f"{office.code}: registrar enrolled")
        join_channel(ctx, frozenset({office.code}))
    return names


def definition_of(plan: ConsortiumPlan, package: ChaincodePackage) -> lifecycle.ChaincodeDefinition:
    return lifecycle.ChaincodeDefinition(
        name=plan.spec.chaincode.name, version=plan.spec.chaincode.version, sequence=plan.spec.chaincode.sequence,
        package_id=package.package_id, policy_args=lifecycle.endorsement_policy_args(plan))


def serve_chaincode(ctx: Context, hosts: OfficeHosts, office: OfficePlan, image: str) -> str:
    """One office's own steps for the chaincode: the package installed on its peers, its chaincode server as a
    service on its host, the definition approved for its organisation. Returns the server's service name."""
    plan, progress = ctx.plan, ctx.progress
    package, path = chaincode_package(plan)
    admin = OfficeAdmin(plan, office, ctx.need_toolchain())
    with progress.step(f"{office.code}: chaincode {package.label} installed, served and approved"):
        lifecycle.install_everywhere([admin], package, path, progress)
        service = swarm_stack.chaincode_service(plan, office, package.label, package.package_id, image)
        swarm_deploy.create_service(hosts.of(office), service, plan.labels)
        swarm_deploy.wait_running(hosts.of(office), [service.name], timeout=ctx.health_timeout)
        definition = definition_of(plan, package)
        current = lifecycle.committed(admin, definition.name)
        if current is not None and int(str(current.get("sequence", 0))) >= definition.sequence:
            lifecycle.approve_committed(admin, definition, progress)
        else:
            lifecycle.approve_everywhere([admin], definition, progress)
    return service.name


def up(ctx: Context, hosts: OfficeHosts, chaincode_image: str,
       own_seat: Mapping[str, OwnSeat] | None = None) -> UpResult:
    """From the definition to a deployed chaincode and a founded registry, every office on its own hosts.

    ``own_seat``: offices whose operator runs their own steps (called with NODES, then CHAINCODE), as
    ``ipledger network swarm deploy`` / ``swarm chaincode`` do; the others are deployed from this seat. The
    images (nodes' and ``chaincode_image``) must already be in every host's engine."""
    plan, progress = ctx.plan, ctx.progress
    own = dict(own_seat or {})
    check_hosts(plan, hosts, [o for o in plan.offices if o.code not in own])
    tc = ctx.need_toolchain()
    with progress.step("each office makes its own directory and bundle; the channel is built from the bundles"):
        generated = generate(plan, write_compose_file=False)
        create_genesis_block(plan, tc, generated)
    admins = ctx.admins()  # made once, before the offices' threads use them

    def nodes(office: OfficePlan) -> str | None:
        if office.code in own:
            with progress.step(f"{office.code}'s operator deploys its nodes on its own swarm"):
                own[office.code](NODES)
        else:
            deploy_nodes(ctx, hosts, office)
        return None

    def chaincode(office: OfficePlan) -> str | None:
        if office.code in own:
            with progress.step(f"{office.code}'s operator serves and approves the chaincode"):
                own[office.code](CHAINCODE)
            return None
        return serve_chaincode(ctx, hosts, office, chaincode_image)

    with progress.step("each office deploys its nodes on its own swarm (all at once, as independent offices)"):
        _each_office(plan, nodes)
    package = generated.package
    with progress.step(f"deploy chaincode {plan.spec.chaincode.name} {plan.spec.chaincode.version}"):
        names = [n for n in _each_office(plan, chaincode) if n]
        definition = definition_of(plan, package)
        current = lifecycle.committed(admins[0], definition.name)
        if current is None or int(str(current.get("sequence", 0))) < definition.sequence:
            lifecycle.commit(admins, definition, progress)
        save_state(plan, {**load_state(plan), "packageId": package.package_id, "label": package.label,
                          "chaincodeImage": chaincode_image, "sequence": definition.sequence})
    with progress.step("found the office registry from the definition (every office confirms)"):
        registry.found(plan)
    return UpResult(package_id=package.package_id, chaincode_containers=names, timings=dict(progress.timings))


def _each_office(plan: ConsortiumPlan, step: Callable[[OfficePlan], str | None]) -> list[str | None]:
    """``step`` for every office at once (each acts on its own hosts); the first failure is raised once all
    have ended."""
    with ThreadPoolExecutor(max_workers=len(plan.offices)) as pool:
        futures = [pool.submit(step, office) for office in plan.offices]
    return [future.result() for future in futures]


def down(ctx: Context, hosts: OfficeHosts) -> dict[str, list[str]]:
    """Remove every office's stack from its host (the swarms themselves stay; the testbed removes those)."""
    return {office.code: swarm_deploy.remove_stack(hosts.of(office), ctx.plan) for office in ctx.plan.offices}
