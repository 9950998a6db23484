"""After deployment, the chaincode's office registry is seeded from the definition (once, by one office).

This goes through ipledger's own Gateway client, so a fresh network proves the whole client path works.
"""

from __future__ import annotations

import json
import time

from ipledger.consortium.plan import ConsortiumPlan
from ipledger.domain.enums import IpRight
from ipledger.gateway import CAClient, ConnectionProfile, Gateway, GatewayError

IP_RIGHTS = [right.value for right in IpRight]


def offices_document(plan: ConsortiumPlan) -> list[dict[str, object]]:
    """Every office deposits and accesses every IP right until it narrows its roles by a membership change."""
    return [
        {"officeCode": o.code, "mspId": o.msp_id, "name": o.spec.name,
         "roles": {"depositing": IP_RIGHTS, "accessing": IP_RIGHTS}}
        for o in plan.offices
    ]


REGISTRAR_LABEL = "registrar"


def enroll_registrars(plan: ConsortiumPlan, secrets: dict[str, str]) -> list[str]:
    """Enroll each office CA's bootstrap registrar into that office's wallet (label ``registrar``), once.

    The secret stays in ``secrets.json`` (the operator's); staff profiles never carry it.
    """
    enrolled = []
    for office in plan.offices:
        profile = ConnectionProfile.load(plan.profiles_dir / f"{office.code}.json")
        wallet = profile.wallet()
        if profile.ca is None or wallet is None or REGISTRAR_LABEL in wallet.list():
            continue
        CAClient.from_profile(profile.ca).enroll("admin", secrets[office.code]).store(
            wallet, REGISTRAR_LABEL, office.msp_id)
        enrolled.append(office.code)
    return enrolled


def initialise(plan: ConsortiumPlan, ready_timeout: float = 90.0) -> bool:
    """Submit InitConsortium unless the registry exists already. Returns True when it was submitted."""
    profile = plan.profiles_dir / f"{plan.offices[0].code}.json"
    document = json.dumps(offices_document(plan))
    with Gateway.from_profile(profile, user="Admin") as gateway:
        contract = gateway.get_network(plan.channel).get_contract(plan.spec.chaincode.name)
        deadline = time.monotonic() + ready_timeout
        while True:
            try:
                contract.submit_transaction("InitConsortium", document)
                return True
            except GatewayError as exc:
                answer = exc.chaincode_message() or ""
                if answer.startswith("ALREADY_EXISTS"):
                    return False
                # The chaincode servers were just started: until a peer has connected to its server the
                # call fails without a chaincode answer, so only those failures are retried.
                if answer or time.monotonic() > deadline:
                    raise
                time.sleep(1.0)
