"""Updating, not recreating, an office's Swarm services under steady load: KR's peer gets a new image (the
office operator's `ipledger network swarm update --image`), then KR's orderer a rolling restart (the same
specification, new tasks: ``service.update(force_update=...)`` through the SDK). One task at a time, the old
one stopped first (ports are published in host mode); each service's tasks are replaced while the other
offices keep ordering, and nothing acknowledged is lost or duplicated."""

from __future__ import annotations

import asyncio
import subprocess

from _load import assert_safe, committed_by_others_during_fault, orderer_caught_up, under_load
from conftest import MultihostNetwork, cli
from _live_network import definition_of
from ipledger.consortium.plan import PEER_IMAGE
from ipledger.loadgen import Driver
from ipledger.operator import swarm_deploy, swarm_stack

VICTIM = "KR"
NEW_TAG = PEER_IMAGE + "-rolled"  # the same image under a new tag: what a patched image looks like to Swarm


def _tasks(net: MultihostNetwork, name: str) -> dict[str, str]:
    service = net.hosts.of(net.ctx.plan.office(VICTIM)).client.services.get(name)
    return {str(t["ID"]): str(t["Status"]["State"]) for t in service.tasks()}


async def test_services_updated_in_place_under_load(multihost_network: MultihostNetwork) -> None:
    net = multihost_network
    plan, office = net.ctx.plan, net.ctx.plan.office(VICTIM)
    engine = net.hosts.of(office)
    peer = swarm_stack.service_name(plan, office.peers[0].host)
    orderer = swarm_stack.service_name(plan, office.orderer.host)
    engine.client.images.get(PEER_IMAGE).tag(NEW_TAG)
    before = {peer: _tasks(net, peer), orderer: _tasks(net, orderer)}
    ids = {peer: engine.client.services.get(peer).id, orderer: engine.client.services.get(orderer).id}
    outcome: dict[str, object] = {}

    async def inject(driver: Driver) -> None:
        driver.mark("fault")
        argv = cli("swarm", "update", "--definition", definition_of(net.ctx), "--office", VICTIM, "--node", "peer0",
                   "--engine", engine.base_url, "--image", NEW_TAG)
        done = await asyncio.to_thread(subprocess.run, argv, capture_output=True, text=True, timeout=300)
        print("\n$ ipledger network " + " ".join(argv[3:]) + "\n" + done.stdout + done.stderr)
        outcome["cli"] = done.returncode
        outcome["restart"] = await asyncio.to_thread(swarm_deploy.update_service, engine, orderer)
        # Done once the new orderer is back in step: the next scenario takes another orderer away.
        outcome["caught up"] = await asyncio.to_thread(orderer_caught_up, net, VICTIM)
        driver.mark("healed")

    report, driver = await under_load(net, f"{VICTIM}'s peer updated to a new image, then its orderer restarted "
                                           "(rolling, stop-first)", inject)
    restart = outcome["restart"]
    assert isinstance(restart, swarm_deploy.ServiceUpdate)
    net.results.scenario(f"{VICTIM}: peer0 service updated to a new image, orderer0 rolling restart", report,
                         f"peer0's task replaced by the CLI, orderer0's in {restart.seconds:.0f} s, its orderer "
                         f"in step {outcome['caught up']:.0f} s later")
    assert outcome["cli"] == 0
    after = {peer: _tasks(net, peer), orderer: _tasks(net, orderer)}
    for name in (peer, orderer):
        assert engine.client.services.get(name).id == ids[name]  # updated, not recreated
        running = {t for t, state in after[name].items() if state == "running"}
        assert running and not running & set(before[name]), (name, before[name], after[name])
        assert all(after[name][t] in ("shutdown", "complete") for t in before[name] if before[name][t] == "running")
    spec = engine.client.services.get(peer).attrs["Spec"]
    assert spec["TaskTemplate"]["ContainerSpec"]["Image"].startswith(NEW_TAG)
    assert spec["UpdateConfig"]["Order"] == "stop-first" and spec["UpdateConfig"]["Parallelism"] == 1
    assert_safe(report)
    assert committed_by_others_during_fault(report, driver, VICTIM) > 0, \
        "the other offices should keep ordering while KR's services are updated"
