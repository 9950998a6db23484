"""Four offices on four hosts run the README tour end to end: deposit, grant, fetch the document, claim; JP's
swarm spans two hosts, and a deposit goes through the gateway of its peer on the second one.

The tour runs as written in the README, from the root namespace (the operator's seat), against connection
profiles whose endpoints are each node's own host address on the testbed bridge; every node reaches the
others under their TLS names, through the ports their hosts publish.
"""

from __future__ import annotations

import dataclasses
import datetime
import json
import subprocess
import time
import uuid
from pathlib import Path

from _testbed import BY_HAND, SECOND_HOST, SPREAD_OFFICE
from _live_network import definition_of
from conftest import MultihostNetwork, cli
from ipledger import PriorityLedger
from ipledger.credentials import ConnectionProfile
from ipledger.domain.errors import NotFoundError
from ipledger.operator import swarm_deploy, swarm_stack
from ipledger.operator.tour import run_tour


def test_each_office_runs_on_its_own_hosts(multihost_network: MultihostNetwork) -> None:
    plan = multihost_network.ctx.plan
    addresses = {o.code: o.host_ip for o in plan.offices}
    assert len(set(addresses.values())) == 4
    for office in plan.offices:
        client = multihost_network.hosts.of(office).client
        swarm = client.info()["Swarm"]
        assert swarm["LocalNodeState"] == "active" and swarm["NodeAddr"] == office.host_ip
        nodes = {n.attrs["Status"]["Addr"] for n in client.nodes.list()}
        assert nodes == set(swarm_stack.office_addresses(office))  # its own hosts, nobody else's
        offices = {s.attrs["Spec"]["Labels"].get("io.ipledger.office")
                   for s in client.services.list(filters={"label": plan.project_label})}
        assert offices == {office.code}  # an office's swarm holds its own nodes only
        # Keys reach the nodes as Swarm secrets, never as bind mounts.
        for container in client.containers.list(filters={"label": plan.project_label}):
            mounts = container.attrs["Mounts"]
            binds = [m["Source"] for m in mounts if m["Type"] == "bind" and "/secrets/" not in m["Source"]
                     and "/configs/" not in m["Source"]]
            assert not [b for b in binds if str(plan.generated) in b], (container.name, binds)
        assert client.secrets.list(filters={"label": plan.project_label})


def test_offices_deployed_by_their_own_operators_commands(multihost_network: MultihostNetwork) -> None:
    ran = [(argv[3:5], argv[argv.index("--office") + 1]) for argv in multihost_network.by_hand]
    assert sorted(ran) == sorted((["swarm", step], code) for code in BY_HAND for step in ("deploy", "chaincode"))
    plan = multihost_network.ctx.plan
    for code in BY_HAND:
        office = plan.office(code)
        client = multihost_network.hosts.of(office).client
        services = {s.name for s in client.services.list(filters={"label": f"io.ipledger.office={code}"})}
        assert {swarm_stack.service_name(plan, p.host) for p in office.peers} <= services
        states = swarm_deploy.task_states(multihost_network.hosts.of(office), sorted(services))
        assert set(states.values()) == {"running"}, states
        # The operator's own view of it: `swarm status` against the office's engine shows the same services.
        shown = subprocess.run(cli("swarm", "status", "--definition", definition_of(multihost_network.ctx),
                                   "--office", code, "--engine", multihost_network.hosts.of(office).base_url,
                                   "--json"), capture_output=True, text=True, timeout=120, check=True)
        assert json.loads(shown.stdout) == states


def test_one_office_spread_over_two_hosts_of_its_swarm(multihost_network: MultihostNetwork) -> None:
    net = multihost_network
    plan, office = net.ctx.plan, net.ctx.plan.office(SPREAD_OFFICE)
    peer0, peer1 = office.peers
    second = net.bed.layout.host(SECOND_HOST)
    assert peer1.host_ip == second.address != peer0.host_ip == office.host_ip

    def names(host: str) -> set[str]:
        return {str(c.attrs["Config"]["Hostname"]) for c in net.bed.client(host).containers.list(
            filters={"label": plan.project_label})}
    on_first, on_second = names(net.host_of(SPREAD_OFFICE)), names(SECOND_HOST)
    assert peer0.host in on_first and peer1.host not in on_first
    assert peer1.host in on_second and peer0.host not in on_second
    chaincode = [n for n in on_second if ".cc." in n]
    assert chaincode, on_second  # each host of the office runs a chaincode server for its peers

    # A deposit through peer1.jp's gateway (on the second host), read back through peer0.jp's.
    profile = ConnectionProfile.load(plan.profiles_dir / f"{office.code}.json")
    endpoint = next(p for p in profile.peers if p.name == peer1.host)
    via_peer1 = dataclasses.replace(profile, gateway=endpoint, peers=(endpoint,))  # peer1 alone
    number = f"JP 2026-{uuid.uuid4().int % 900000 + 100000}"
    with PriorityLedger.connect(via_peer1) as jp:
        filing = jp.deposit_first_filing(ip_right="PATENT", application_number=number,
                                         filing_date=datetime.date.today().isoformat(),
                                         document_sha256="ab" * 32)
    with PriorityLedger.connect(profile) as jp:
        # peer0.jp commits the block a little after peer1.jp reported it (each from the orderers on its own).
        deadline = time.monotonic() + 30
        while True:
            try:
                assert jp.get_first_filing(filing.id).application_number == number
                break
            except NotFoundError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
    net.results.note(f"{office.code}'s swarm spans {office.host_ip} and {second.address}; a deposit through "
                     f"{peer1.host}'s gateway on the second host committed and read back through {peer0.host}")


def test_the_readme_tour_across_four_hosts(multihost_network: MultihostNetwork) -> None:
    repo = Path(multihost_network.ctx.plan.root)
    result = run_tour(repo, echo=True, profiles=multihost_network.ctx.plan.profiles_dir)
    assert result.returncode == 0, result.stdout[-4000:]
    assert "the USPTO holds JP's priority document" in result.stdout
