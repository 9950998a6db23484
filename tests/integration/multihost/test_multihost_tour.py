"""Four offices on four hosts run the README tour end to end: deposit, grant, fetch the document, claim.

The tour runs as written in the README, from the root namespace (the operator's seat), against connection
profiles whose endpoints are each office's own host address on the testbed bridge; every node reaches the
others under their TLS names, through the ports their hosts publish.
"""

from __future__ import annotations

from pathlib import Path

from conftest import MultihostNetwork
from ipledger.operator.tour import run_tour


def test_each_office_runs_on_its_own_host(multihost_network: MultihostNetwork) -> None:
    plan = multihost_network.ctx.plan
    addresses = {o.code: o.host_ip for o in plan.offices}
    assert len(set(addresses.values())) == 4
    for office in plan.offices:
        client = multihost_network.hosts.of(office).client
        swarm = client.info()["Swarm"]
        assert swarm["LocalNodeState"] == "active" and swarm["NodeAddr"] == office.host_ip
        services = {s.name for s in client.services.list(filters={"label": plan.project_label})}
        offices = {s.attrs["Spec"]["Labels"].get("io.ipledger.office")
                   for s in client.services.list(filters={"label": plan.project_label})}
        assert offices == {office.code}, services  # an office's swarm holds its own nodes only
        # Keys reach the nodes as Swarm secrets, never as bind mounts.
        for container in client.containers.list(filters={"label": plan.project_label}):
            mounts = container.attrs["Mounts"]
            binds = [m["Source"] for m in mounts if m["Type"] == "bind" and "/secrets/" not in m["Source"]
                     and "/configs/" not in m["Source"]]
            assert not [b for b in binds if str(plan.generated) in b], (container.name, binds)
        assert client.secrets.list(filters={"label": plan.project_label})


def test_the_readme_tour_across_four_hosts(multihost_network: MultihostNetwork) -> None:
    repo = Path(multihost_network.ctx.plan.root)
    result = run_tour(repo, echo=True, profiles=multihost_network.ctx.plan.profiles_dir)
    assert result.returncode == 0, result.stdout[-4000:]
    assert "the USPTO holds JP's priority document" in result.stdout
