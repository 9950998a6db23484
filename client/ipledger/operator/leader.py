"""Which office's orderer leads BFT ordering now: the shortcut for transactions sent through one orderer.

A BFT follower that receives a transaction passes it to the leader only after RequestForwardTimeout (10 s,
configtx.py): the Gateway sends to every orderer, but the peer CLI and a config update's broadcast reach one.
Sent to the leader they are ordered at once; the callers fall back to the office's own orderer.
"""

from __future__ import annotations

from ipledger.consortium.plan import OfficePlan
from ipledger.operator import metrics
from ipledger.operator.admin import OfficeAdmin

__all__ = ["bft_leader", "leader_other_than_own"]

LEADER_METRIC = "consensus_BFT_leader_id"


def bft_leader(admin: OfficeAdmin) -> OfficePlan | None:
    """The office whose orderer leads BFT ordering, as ``admin``'s own orderer reports it on its metrics; None
    under Raft, when the metrics cannot be read, or when the leader is not a member the plan knows."""
    plan, office = admin.plan, admin.office
    if plan.spec.ordering.type != "BFT":
        return None
    read = metrics.scrape(metrics.orderer_target(plan, office))
    leader = read.metrics.value(LEADER_METRIC, channel=plan.channel) if read.metrics else None
    return next((o for o in plan.offices if leader is not None and o.orderer.consenter_id == int(leader)), None)


def leader_other_than_own(admin: OfficeAdmin) -> OfficePlan | None:
    """The BFT leader's office when it is not ``admin``'s own (else there is no shortcut to take)."""
    leader = bft_leader(admin)
    return leader if leader is not None and leader != admin.office else None
