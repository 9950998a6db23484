"""The resolved plan as plain data (``ipledger network plan``): what a definition turns into, nothing started.

Every value comes from :class:`~ipledger.consortium.plan.ConsortiumPlan`, the same object the generators and
the operator commands use, so what this prints is what ``generate`` and ``up`` would do.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ipledger.consortium.plan import ConsortiumPlan, OfficePlan


def fault_tolerance(ordering_type: str, orderers: int) -> int:
    """How many orderers may fail (BFT: arbitrarily, 3f+1 nodes; Raft: by crashing, 2f+1) with the channel up."""
    if orderers < 1:
        return 0
    return (orderers - 1) // 3 if ordering_type == "BFT" else (orderers - 1) // 2


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def describe_office(plan: ConsortiumPlan, office: OfficePlan, members: set[str]) -> dict[str, Any]:
    host = plan.host_ip
    return {
        "code": office.code,
        "mspId": office.msp_id,
        "name": office.spec.name,
        "founding": office.spec.founding,
        "member": office.code in members,
        "portBase": office.port_base,
        "orderer": {
            "host": office.orderer.host,
            "consenterId": office.orderer.consenter_id,
            "endpoint": f"{host}:{office.orderer.port}",
            "adminEndpoint": f"{host}:{office.orderer.admin_port}",
            "operationsEndpoint": f"{host}:{office.orderer.operations_port}",
        },
        "peers": [
            {"host": peer.host, "endpoint": f"{host}:{peer.port}",
             "operationsEndpoint": f"{host}:{peer.operations_port}"}
            for peer in office.peers
        ],
        "ca": {
            "name": office.ca.name,
            "host": office.ca.host,
            "endpoint": f"{host}:{office.ca.port}",
            "operationsEndpoint": f"{host}:{office.ca.operations_port}",
        },
        "library": {"host": office.library.host, "endpoint": f"{host}:{office.library.port}"},
        "directory": _relative(plan.crypto_dir(office), plan.root),
    }


def describe_plan(plan: ConsortiumPlan) -> dict[str, Any]:
    """The plan of a consortium: names, ports, endpoints, policies and who is (or will be) a member."""
    spec = plan.spec
    members = {office.code for office in plan.offices}
    orderers = len(plan.offices)
    return {
        "consortium": spec.name,
        "definition": plan.source,
        "project": plan.project,
        "domain": spec.domain,
        "channel": plan.channel,
        "generated": _relative(plan.generated, plan.root),
        "composeFile": _relative(plan.compose_file, plan.root),
        "ordering": {
            "type": spec.ordering.type,
            "batchTimeout": spec.ordering.batch_timeout,
            "maxMessageCount": spec.ordering.max_message_count,
            "orderers": orderers,
            "toleratedFaults": fault_tolerance(spec.ordering.type, orderers),
        },
        "policies": {
            "endorsement": spec.policies.endorsement,
            "lifecycleEndorsement": spec.policies.lifecycle_endorsement,
            "admins": spec.policies.admins,
        },
        "chaincode": {
            "name": spec.chaincode.name,
            "version": spec.chaincode.version,
            "sequence": spec.chaincode.sequence,
            "endorsementPolicy": spec.chaincode.endorsement_policy,
        },
        "tls": {"mutual": spec.mutual_tls},
        "host": plan.host_ip,
        "members": [office.code for office in plan.offices],
        "founding": [office.code for office in plan.founding],
        "offices": [describe_office(plan, office, members) for office in plan.defined],
    }
