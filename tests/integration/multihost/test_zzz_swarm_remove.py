"""Last in the suite: US's operator removes US's stack with `ipledger network swarm remove`. Everything the
consortium put on US's engine goes (services, their containers, secrets, configs, volumes), US's swarm stays,
and nothing of another office is touched: JP's services on JP's own swarm still run.
"""

from __future__ import annotations

import subprocess

from _live_network import definition_of
from conftest import MultihostNetwork, cli
from ipledger.operator import swarm_deploy

LEAVING, STAYING = "US", "JP"


def test_an_office_removes_its_stack_from_its_swarm(multihost_network: MultihostNetwork) -> None:
    net = multihost_network
    plan = net.ctx.plan
    engine = net.hosts.of(plan.office(LEAVING))
    client, label = engine.client, {"label": plan.project_label}
    before = {s.name for s in client.services.list(filters=label)}
    assert before and client.volumes.list(filters=label) and client.secrets.list(filters=label)

    done = subprocess.run(cli("swarm", "remove", "--definition", definition_of(net.ctx), "--office", LEAVING,
                              "--engine", engine.base_url), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip() == f"{LEAVING}: removed {len(before)} services"

    assert client.services.list(filters=label) == []
    assert client.containers.list(all=True, filters=label) == []
    assert client.secrets.list(filters=label) == [] and client.configs.list(filters=label) == []
    assert client.volumes.list(filters=label) == []
    assert client.info()["Swarm"]["LocalNodeState"] == "active"  # the office's swarm itself stays

    staying = net.hosts.of(plan.office(STAYING))
    names = sorted(s.name for s in staying.client.services.list(filters=label))
    assert names and set(swarm_deploy.task_states(staying, names).values()) == {"running"}
