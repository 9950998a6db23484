"""Bring up a consortium whose offices each run on a host of their own, one swarm per office.

The same steps as ``network up`` (:mod:`ipledger.operator.bringup`), with each office's nodes started as a
Swarm stack on its own host's engine instead of compose on one engine. The operator's tools (``peer``,
``osnadmin``, the Python client) run where the caller is and reach each office at ``offices[].host`` on its
published ports, under the names its TLS certificates carry; the channel configuration names the nodes by
those same names, which every container resolves to the publishing host's address.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ipledger.consortium.generate import generate
from ipledger.consortium.plan import OfficePlan
from ipledger.operator import health, lifecycle, registry, swarm_deploy, swarm_stack
from ipledger.operator.bringup import (
    Context,
    UpResult,
    _create_genesis_block,
    _join_channel,
    save_state,
)
from ipledger.operator.engine import Engine
from ipledger.operator.errors import NodeUnhealthyError, OperatorError


@dataclass(frozen=True)
class OfficeHosts:
    """Which engine runs each office (office code -> the engine of the office's own host)."""

    engines: Mapping[str, Engine]

    def of(self, office: OfficePlan) -> Engine:
        try:
            return self.engines[office.code]
        except KeyError:
            raise OperatorError(f"no host engine given for office {office.code}") from None


def check_hosts(ctx: Context, hosts: OfficeHosts) -> None:
    problems = [f"{o.code} has no host address (offices[].host)" for o in ctx.plan.offices
                if o.host_ip == ctx.plan.host_ip]
    problems += [f"no engine for {o.code}" for o in ctx.plan.offices if o.code not in hosts.engines]
    if problems:
        raise OperatorError("cannot deploy the offices on their own hosts: " + "; ".join(problems))


def start_office(ctx: Context, hosts: OfficeHosts, office: OfficePlan, chaincode_label: str) -> list[str]:
    """The office's own swarm on its host, and its nodes as services there."""
    engine = hosts.of(office)
    swarm_deploy.ensure_swarm(engine, office.host_ip)
    services = swarm_stack.stack_services(ctx.plan, office, {}, chaincode_label)
    return swarm_deploy.deploy(engine, ctx.plan, services)


def up(ctx: Context, hosts: OfficeHosts, chaincode_image: str) -> UpResult:
    """From the definition to a deployed chaincode and a founded registry, every office on its own host.

    The images (nodes' and ``chaincode_image``) must already be in every host's engine."""
    plan, progress = ctx.plan, ctx.progress
    check_hosts(ctx, hosts)
    tc = ctx.need_toolchain()
    with progress.step("each office makes its own directory and bundle; the channel is built from the bundles"):
        generated = generate(plan, write_compose_file=False)
        _create_genesis_block(plan, tc, generated)
    package = generated.package
    with progress.step("each office deploys its stack on its own swarm"):
        for office in plan.offices:
            names = start_office(ctx, hosts, office, package.label)
            swarm_deploy.wait_running(hosts.of(office), names, timeout=ctx.health_timeout)
            progress.note(f"{office.code} on {office.host_ip}: {len(names)} services")
    with progress.step("wait for /healthz of every node, across the hosts"):
        endpoints = [e for o in plan.offices for e in health.office_endpoints(plan, o, health.ALL_ROLES)]
        failures = health.wait_healthy(endpoints, timeout=ctx.health_timeout)
        if failures:
            raise NodeUnhealthyError("nodes did not become healthy: " +
                                     "; ".join(f"{n}: {r}" for n, r in sorted(failures.items())))
    with progress.step("enroll each office's CA registrar into its wallet"):
        registry.enroll_registrars(plan, generated.secrets)
    with progress.step(f"join orderers and peers to channel {plan.channel}"):
        _join_channel(ctx)
    with progress.step(f"deploy chaincode {plan.spec.chaincode.name} {plan.spec.chaincode.version}"):
        admins = ctx.admins()
        lifecycle.install_everywhere(admins, package, generated.package_path, progress)
        names = []
        for office in plan.offices:
            service = swarm_stack.chaincode_service(plan, office, package.label, package.package_id, chaincode_image)
            swarm_deploy.create_service(hosts.of(office), service, plan.labels)
            swarm_deploy.wait_running(hosts.of(office), [service.name], timeout=ctx.health_timeout)
            names.append(service.name)
        definition = lifecycle.ChaincodeDefinition(
            name=plan.spec.chaincode.name, version=plan.spec.chaincode.version, sequence=plan.spec.chaincode.sequence,
            package_id=package.package_id, policy_args=lifecycle.endorsement_policy_args(plan))
        current = lifecycle.committed(admins[0], definition.name)
        if current is None or int(str(current.get("sequence", 0))) < definition.sequence:
            lifecycle.approve_everywhere(admins, definition, progress)
            lifecycle.commit(admins, definition, progress)
        save_state(plan, {"packageId": package.package_id, "label": package.label,
                          "chaincodeImage": chaincode_image, "sequence": definition.sequence})
    with progress.step("found the office registry from the definition (every office confirms)"):
        registry.found(plan)
    return UpResult(package_id=package.package_id, chaincode_containers=names, timings=dict(progress.timings))


def down(ctx: Context, hosts: OfficeHosts) -> dict[str, list[str]]:
    """Remove every office's stack from its host (the swarms themselves stay; the testbed removes those)."""
    return {office.code: swarm_deploy.remove_stack(hosts.of(office), ctx.plan) for office in ctx.plan.offices}
