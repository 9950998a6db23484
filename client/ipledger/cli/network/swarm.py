"""``ipledger network swarm ...``: what an office's operator runs on its own host to deploy the office's nodes
on its own swarm (one swarm per office), against its own Docker engine (``--engine``, else DOCKER_HOST)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Callable, TypeVar

import click

from ipledger.cli.params import CONTEXT_SETTINGS
from ._common import _context, _guard, definition_option

if TYPE_CHECKING:  # the operator modules load on use
    from ipledger.operator.multihost import OfficeHosts

F = TypeVar("F", bound=Callable[..., Any])


def _engine_option(fn: F) -> F:
    return click.option("--engine", "engine_url", default=None, metavar="URL",
                        help="The office's own engine, its swarm's manager (default: DOCKER_HOST, else the "
                             "local socket).")(fn)


def _hosts(office: str, engine_url: str | None, others: tuple[str, ...]) -> "OfficeHosts":
    from ipledger.operator.engine import Engine, connect, default_base_url
    from ipledger.operator.errors import OperatorError
    from ipledger.operator.multihost import OfficeHosts

    def engine(url: str) -> Engine:
        # Swarm services are created through the API: no compose tool is needed.
        return Engine(client=connect(url), base_url=url, compose=())

    extra = {}
    for item in others:
        address, sep, url = item.partition("=")
        if not sep or not address or not url:
            raise OperatorError(f"--host {item!r}: expected ADDRESS=ENGINE_URL (e.g. 10.0.0.15=tcp://10.0.0.15:2376)")
        extra[address] = engine(url)
    return OfficeHosts({office.upper(): engine(engine_url or default_base_url())}, extra)


@click.group("swarm", context_settings=CONTEXT_SETTINGS)
def swarm() -> None:
    """An office's nodes on its own swarm, deployed by the office's operator against its own engine.

    Run after the office's directory exists (`office init`), the bundles are exchanged and the channel's
    genesis block is in place; the other offices run the same commands on their own hosts.

    \b
    Example:
      ipledger network swarm deploy --office US --engine unix:///var/run/docker.sock
      ipledger network swarm chaincode --office US --image ipledger/chaincode:TAG
    """


@swarm.command("deploy")
@definition_option
@click.option("--office", required=True, metavar="CODE", help="The office whose nodes to deploy.")
@_engine_option
@click.option("--host", "others", multiple=True, metavar="ADDRESS=URL",
              help="Another host of the office (a `peerHosts` address) and its engine; it joins the office's "
                   "swarm as a worker. Repeat for each.")
def deploy(definition: str | None, office: str, engine_url: str | None, others: tuple[str, ...]) -> None:
    """Deploy OFFICE's nodes as a Swarm stack on its own swarm, and join them to the channel.

    Initialises the swarm on the office's host address (`offices[].host`) unless the engine manages one,
    joins the office's other hosts as workers, creates the keys as secrets and the certificates as configs,
    one service per node placed on the host that publishes it; waits until every node answers /healthz,
    enrolls the CA's registrar, and joins the office's orderer and peers to the genesis block.

    \b
    Example:
      ipledger network swarm deploy --office JP --engine unix:///run/jp-h1.sock \\
          --host 10.77.0.15=unix:///run/jp-h2.sock
    """
    def act() -> None:
        from ipledger.operator import multihost

        ctx = _context(definition)
        names = multihost.deploy_nodes(ctx, _hosts(office, engine_url, others), ctx.plan.office(office))
        click.echo(f"{office.upper()}: {len(names)} services running, joined {ctx.plan.channel}")
    _guard(act)


@swarm.command("chaincode")
@definition_option
@click.option("--office", required=True, metavar="CODE", help="The office whose chaincode server to deploy.")
@_engine_option
@click.option("--image", required=True, help="The chaincode server's image, loaded in the office's engine.")
def chaincode(definition: str | None, office: str, engine_url: str | None, image: str) -> None:
    """Install the definition's chaincode on OFFICE's peers, serve it on its swarm and approve it.

    \b
    Example:
      ipledger network swarm chaincode --office US --image ipledger/chaincode:0123abcd
    """
    def act() -> None:
        from ipledger.operator import multihost

        ctx = _context(definition)
        name = multihost.serve_chaincode(ctx, _hosts(office, engine_url, ()), ctx.plan.office(office), image)
        click.echo(f"{office.upper()}: {name} running; {ctx.plan.spec.chaincode.name} approved")
    _guard(act)


@swarm.command("update")
@definition_option
@click.option("--office", required=True, metavar="CODE", help="The office the node belongs to.")
@click.option("--node", required=True, help="The node (peer0, orderer0, ca, library, or its full name).")
@_engine_option
@click.option("--image", default=None, help="A new image; without it, a rolling restart.")
def update(definition: str | None, office: str, node: str, engine_url: str | None, image: str | None) -> None:
    """Update one node's service in place: a new image, or a rolling restart.

    One task at a time, the old one stopped first (its ports are published on the host); rolled back when
    the new task fails. Secrets, configs, volumes and ports stay.

    \b
    Example:
      ipledger network swarm update --office KR --node peer0 --image ipledger/fabric-peer:3.1.1
    """
    def act() -> None:
        from ipledger.operator import swarm_deploy, swarm_stack
        from ipledger.operator.errors import NodeNotFoundError

        ctx = _context(definition, quiet=True)
        plan_office = ctx.plan.office(office)
        nodes = [plan_office.ca.host, plan_office.orderer.host, plan_office.library.host,
                 *(p.host for p in plan_office.peers)]
        match = [n for n in nodes if node in (n, n.split(".")[0])]
        if not match:
            raise NodeNotFoundError(f"{plan_office.code} has no node {node!r} ({', '.join(nodes)})")
        engine = _hosts(office, engine_url, ()).of(plan_office)
        result = swarm_deploy.update_service(engine, swarm_stack.service_name(ctx.plan, match[0]), image)
        click.echo(f"{result.service}: {result.image}, task {', '.join(t[:12] for t in result.old_tasks)} -> "
                   f"{', '.join(t[:12] for t in result.new_tasks)} ({result.seconds:.1f}s)")
    _guard(act)


@swarm.command("status")
@definition_option
@click.option("--office", required=True, metavar="CODE", help="The office whose services to show.")
@_engine_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def status(definition: str | None, office: str, engine_url: str | None, as_json: bool) -> None:
    """The state of the newest task of each of OFFICE's services on its swarm.

    \b
    Example:
      ipledger network swarm status --office US
    """
    def act() -> None:
        from ipledger.operator import swarm_deploy

        ctx = _context(definition, quiet=True)
        engine = _hosts(office, engine_url, ()).of(ctx.plan.office(office))
        names = sorted(s.name for s in engine.client.services.list(filters={"label": ctx.plan.project_label}))
        states = swarm_deploy.task_states(engine, names)
        if as_json:
            click.echo(json.dumps(states, indent=2))
            return
        for name, state in states.items():
            click.echo(f"{name:40} {state}")
    _guard(act)


@swarm.command("remove")
@definition_option
@click.option("--office", required=True, metavar="CODE", help="The office whose stack to remove.")
@_engine_option
@click.option("--keep-data", is_flag=True, help="Keep the nodes' volumes (their ledgers).")
def remove(definition: str | None, office: str, engine_url: str | None, keep_data: bool) -> None:
    """Remove OFFICE's services, secrets and configs (and volumes) from its swarm; the swarm stays.

    \b
    Example:
      ipledger network swarm remove --office US
    """
    def act() -> None:
        from ipledger.operator import swarm_deploy

        ctx = _context(definition, quiet=True)
        engine = _hosts(office, engine_url, ()).of(ctx.plan.office(office))
        removed = swarm_deploy.remove_stack(engine, ctx.plan, volumes=not keep_data)
        click.echo(f"{office.upper()}: removed {len(removed)} services")
    _guard(act)
