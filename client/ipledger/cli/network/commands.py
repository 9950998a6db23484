"""``ipledger network ...``: the operator's commands, a thin click layer over :mod:`ipledger.operator`.

The group and its lifecycle commands; :mod:`ipledger.cli.network` adds the other modules' commands to it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from ipledger.cli.exit_codes import ExitCode
from ipledger.cli.output import render_table
from ipledger.cli.params import CONTEXT_SETTINGS
from ipledger.consortium.compose import render_compose
from ipledger.operator import bringup, containers
from ipledger.operator.errors import NodeNotFoundError, OutOfDateError

from ._common import _context, _guard, definition_option


# The same help options and width as the `ipledger` root: click caches a command's help option from the first
# context that asks, so the group must not depend on whether it runs standalone or mounted under `ipledger`.
@click.group("network", context_settings=CONTEXT_SETTINGS)
def network() -> None:
    """Stand up, inspect, upgrade and tear down the consortium network (operators).

    \b
    Example:
      ipledger network up          # build what is missing, start, deploy the chaincode
      ipledger network status      # per-node health, height, ordering role, chaincode
      ipledger network down        # remove every container, volume and generated file
    """


@network.command()
@definition_option
@click.option("--check", is_flag=True, help="Only check that docker-compose-fabric.yaml matches the definition.")
def generate(definition: str | None, check: bool) -> None:
    """Validate the definition and write everything generated from it.

    \b
    Example:
      ipledger network generate --check
    """
    def act() -> None:
        ctx = _context(definition)
        if check:
            current = ctx.plan.compose_file.read_text() if ctx.plan.compose_file.exists() else ""
            if current != render_compose(ctx.plan):
                raise OutOfDateError(f"{ctx.plan.compose_file.name} is out of date: run `ipledger network generate`")
            click.echo(f"{ctx.plan.compose_file.name} matches {ctx.plan.source}")
            return
        from ipledger.consortium.generate import generate as gen

        gen(ctx.plan)
        click.echo(f"generated {ctx.plan.generated} and {ctx.plan.compose_file.name}")
    _guard(act)


@network.command("plan")
@definition_option
@click.option("--json", "as_json", is_flag=True, help="Print the plan as JSON.")
def plan_command(definition: str | None, as_json: bool) -> None:
    """Print what the definition resolves to (names, ports, endpoints, policies, members); start nothing.

    \b
    Example:
      ipledger network plan --definition network/examples/raft-3-offices.yaml
      ipledger network plan --json | jq '.offices[] | {code, gateway: .peers[0].endpoint}'
    """
    def act() -> None:
        from ipledger.consortium.describe import describe_plan

        described = describe_plan(_context(definition, quiet=True).plan)
        click.echo(json.dumps(described, indent=2) if as_json else _render_plan(described))
    _guard(act)


def _render_plan(plan: dict[str, Any]) -> str:
    ordering, policies, chaincode = plan["ordering"], plan["policies"], plan["chaincode"]
    lines = [
        f"consortium   {plan['consortium']} (from {plan['definition']}; compose project {plan['project']})",
        f"channel      {plan['channel']} on {plan['domain']}, published on {plan['host']}",
        f"ordering     {ordering['type']}: {ordering['orderers']} orderer(s), tolerates {ordering['toleratedFaults']} "
        f"fault(s); blocks every {ordering['batchTimeout']} or {ordering['maxMessageCount']} transactions",
        f"policies     endorsement {policies['endorsement']}, lifecycle {policies['lifecycleEndorsement']}, "
        f"admins {policies['admins']}",
        f"chaincode    {chaincode['name']} {chaincode['version']} (sequence {chaincode['sequence']}, "
        f"endorsement {chaincode['endorsementPolicy']})",
        f"tls          {'mutual' if plan['tls']['mutual'] else 'server-side'}",
        f"members      {', '.join(plan['members'])} (founding: {', '.join(plan['founding'])})",
        f"generated    {plan['generated']}, compose file {plan['composeFile']}",
        "",
    ]
    rows = []
    for office in plan["offices"]:
        status = "member" if office["member"] else "to join"
        if office["member"] and not office["founding"]:
            status = "joined"
        rows.append([office["code"], office["mspId"], status, "orderer", office["orderer"]["host"],
                     office["orderer"]["endpoint"], f"admin {office['orderer']['adminEndpoint']}, "
                     f"operations {office['orderer']['operationsEndpoint']}, consenter {office['orderer']['consenterId']}"])
        for peer in office["peers"]:
            rows.append(["", "", "", "peer", peer["host"], peer["endpoint"], f"operations {peer['operationsEndpoint']}"])
        rows.append(["", "", "", "ca", office["ca"]["host"], office["ca"]["endpoint"],
                     f"operations {office['ca']['operationsEndpoint']}"])
        rows.append(["", "", "", "library", office["library"]["host"], office["library"]["endpoint"], ""])
    lines.append(render_table(["office", "msp", "status", "node", "host", "endpoint", "also"], rows))
    return "\n".join(lines)


@network.command()
@definition_option
def bootstrap(definition: str | None) -> None:
    """Install the container engine if needed, build Fabric, the node images and the chaincode's (no network start).

    \b
    Example:
      ipledger network bootstrap
    """
    def act() -> None:
        from ipledger.operator.bringup import prepare_images

        prepare_images(_context(definition), deploy=True)
    _guard(act)


@network.command()
@definition_option
@click.option("--no-deploy", is_flag=True, help="Start nodes and the channel only; do not deploy the chaincode.")
def up(definition: str | None, no_deploy: bool) -> None:
    """Start the network and deploy the chaincode (idempotent: resumes a kept ledger).

    \b
    Example:
      ipledger network up
    """
    def act() -> None:
        result = bringup.up(_context(definition), deploy=not no_deploy)
        total = sum(result.timings.values())
        click.echo(f"network is up ({total:.1f}s); chaincode package {result.package_id}")
    _guard(act)


@network.command()
@definition_option
@click.option("--keep-data", is_flag=True, help="Keep ledgers and generated files so `up` restarts the same ledger.")
def down(definition: str | None, keep_data: bool) -> None:
    """Stop the network and remove its containers (and, without --keep-data, all its data).

    \b
    Example:
      ipledger network down --keep-data
    """
    def act() -> None:
        removed = bringup.down(_context(definition), keep_data=keep_data)
        click.echo(f"removed {len(removed)} container(s)" + (" (ledger data kept)" if keep_data else ""))
    _guard(act)


@network.command()
@definition_option
def restart(definition: str | None) -> None:
    """Stop and start every node, keeping the ledger.

    \b
    Example:
      ipledger network restart
    """
    def act() -> None:
        ctx = _context(definition)
        bringup.down(ctx, keep_data=True)
        bringup.up(ctx)
        click.echo("network restarted")
    _guard(act)


@network.command()
@definition_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.option("--versions", "versions", is_flag=True,
              help="Show what the running containers were built from (their binaries' Go build info) and this client.")
def status(definition: str | None, as_json: bool, versions: bool) -> None:
    """Show every node: container state, health, block height, ordering role, committed chaincode.

    \b
    Example:
      ipledger network status --json | jq '.[] | select(.role=="peer") | .height'
    """
    def act() -> None:
        from ipledger.operator.status import collect

        if versions:
            _versions(definition, as_json)
            return
        rows = [r.as_dict() for r in collect(_context(definition, quiet=True))]
        if as_json:
            click.echo(json.dumps(rows, indent=2))
        else:
            columns = ["office", "node", "role", "container", "healthy", "ports", "height", "ordering_role",
                       "chaincode"]
            click.echo(render_table([c.replace("_", " ") for c in columns],
                                    [[_cell(row.get(c)) for c in columns] for row in rows]))
    _guard(act)


def _versions(definition: str | None, as_json: bool) -> None:
    from ipledger.operator.supply.versions import client_versions, running_versions

    ctx = _context(definition, quiet=True)
    rows = [r.as_dict() for r in running_versions(ctx.need_engine(install=False), ctx.plan)]
    if as_json:
        click.echo(json.dumps({"containers": rows, "client": client_versions()}, indent=2))
        return
    columns = ["role", "release", "image", "containers", "module_version", "go", "grpc"]
    click.echo(render_table([c.replace("_", " ") for c in columns], [[row.get(c) for c in columns] for row in rows]))
    click.echo("client: " + ", ".join(f"{k} {v}" for k, v in client_versions().items()))


def _cell(value: object) -> object:
    # Lists (published ports) read better as "27051, 27443" than as a Python repr.
    return ", ".join(str(v) for v in value) if isinstance(value, list) else value


@network.command()
@definition_option
@click.argument("node")
@click.option("--tail", default=50, show_default=True, type=click.IntRange(min=1), help="Number of lines.")
@click.option("--follow", "-f", is_flag=True, help="Keep printing new lines until the node stops (or Ctrl-C).")
def logs(definition: str | None, node: str, tail: int, follow: bool) -> None:
    """Print the last log lines of one node (container name, e.g. peer0.jp.ipledger.test).

    \b
    Example:
      ipledger network logs orderer0.jp.ipledger.test --tail 20
      ipledger network logs peer0.jp.ipledger.test --follow
    """
    def act() -> None:
        ctx = _context(definition, quiet=True)
        engine = ctx.need_engine(install=False)
        names = [c.name for c in containers.containers(engine, ctx.plan)]
        if node not in names:
            raise NodeNotFoundError(f"no such node {node!r}; nodes: {', '.join(names) or 'none running'}")
        if not follow:
            click.echo(containers.logs_tail(engine, node, tail), nl=False)
            return
        try:
            for chunk in containers.follow_logs(engine, node, tail):
                click.echo(chunk, nl=False)
        except KeyboardInterrupt:
            pass  # Ctrl-C is how a follower ends: not an error
    _guard(act)


@network.command()
@definition_option
@click.option("--interval", default=2.0, show_default=True, type=click.FloatRange(min=0.2),
              help="Seconds between scrapes (rates are taken over it).")
@click.option("--once", is_flag=True, help="Print one frame (two scrapes, --interval apart) and exit.")
@click.option("--json", "as_json", is_flag=True, help="One JSON document per frame (implies no screen clearing).")
def top(definition: str | None, interval: float, once: bool, as_json: bool) -> None:
    """Watch every node: height, BFT leader, view changes, transactions per second, endorsement latency.

    Read from each node's Prometheus metrics (the operations endpoint, with the office's operations client
    certificate); rates are over the refresh interval. Ctrl-C stops it.

    \b
    Example:
      ipledger network top
      ipledger network top --once --json | jq '.nodes[] | {node, height}'
    """
    def act() -> None:
        from ipledger.operator import top as top_view

        ctx = _context(definition, quiet=True)
        color = sys.stdout.isatty() and not as_json
        try:
            for frame in top_view.frames(ctx.plan, interval, count=1 if once else None):
                if as_json:
                    click.echo(json.dumps(frame.as_dict()))
                elif once or not color:
                    click.echo(top_view.render(frame, color=color))
                else:
                    click.echo(top_view.CLEAR + top_view.render(frame, color=True), nl=True)
        except KeyboardInterrupt:
            pass  # Ctrl-C is how watching ends: not an error
    _guard(act)


@network.command()
@definition_option
@click.option("--max-lag", default=5, show_default=True, type=click.IntRange(min=0),
              help="Blocks a node may be behind the highest before it counts as diverging.")
@click.option("--expiry-days", default=30, show_default=True, type=click.IntRange(min=0),
              help="Name certificates that expire within this many days.")
@click.option("--max-skew", default=5.0, show_default=True, type=click.FloatRange(min=1.0),
              help="Seconds a node's clock may differ from this host's.")
@click.option("--settle", default=3.0, show_default=True, type=click.FloatRange(min=0.5),
              help="Seconds between the two looks at every node (a lag must outlast it).")
@click.option("--json", "as_json", is_flag=True, help="Print the findings as JSON.")
def doctor(definition: str | None, max_lag: int, expiry_days: int, max_skew: float, settle: float,
           as_json: bool) -> None:
    """Check the running network and name what is wrong: nodes down, heights diverging, leader flapping,
    certificates expiring, chaincode servers missing, clock skew.

    Exits 0 when healthy, 1 with findings (each with a stable code).

    \b
    Example:
      ipledger network doctor
      ipledger network doctor --json | jq -r '.findings[].code'
    """
    from ipledger.operator import doctor as checks

    findings: list[checks.Finding] = []

    def act() -> None:
        limits = checks.Limits(max_lag=max_lag, expiry_days=expiry_days, max_skew=max_skew, settle=settle)
        findings.extend(checks.diagnose(checks.observe(_context(definition, quiet=True), limits), limits))
        if as_json:
            click.echo(json.dumps({"healthy": not findings, "findings": [f.as_dict() for f in findings]}, indent=2))
        else:
            click.echo(checks.render(findings))
    _guard(act)
    if findings:
        sys.exit(ExitCode.FAILURE)


@network.command("prometheus-config")
@definition_option
@click.option("--scrape-interval", default="5s", show_default=True, help="Prometheus duration, e.g. 15s.")
@click.option("--out", "out", type=click.Path(dir_okay=False), help="Write here instead of standard output.")
def prometheus_config(definition: str | None, scrape_interval: str, out: str | None) -> None:
    """Print a Prometheus configuration that scrapes every peer, orderer and CA of the network.

    One job per office, over TLS with that office's operations client certificate (the operations endpoints
    answer /metrics only to it); targets are labelled office, node and role.

    \b
    Example:
      ipledger network prometheus-config --out prometheus.yml && prometheus --config.file prometheus.yml
    """
    def act() -> None:
        from ipledger.operator.prometheus import render_config

        text = render_config(_context(definition, quiet=True).plan, scrape_interval)
        if out:
            Path(out).write_text(text, encoding="utf-8")
            click.echo(f"wrote {out}")
        else:
            click.echo(text, nl=False)
    _guard(act)


@network.command("upgrade-chaincode")
@definition_option
@click.argument("version")
def upgrade_chaincode(definition: str | None, version: str) -> None:
    """Deploy the chaincode as VERSION with the next sequence, approved by every office.

    The servers of the current version keep answering until the new definition is committed, so readers
    see no downtime.

    \b
    Example:
      ipledger network upgrade-chaincode 1.1
    """
    def act() -> None:
        package_id = bringup.upgrade_chaincode(_context(definition), version)
        click.echo(f"chaincode upgraded: {package_id}")
    _guard(act)
