"""Who is in the channel now: the founders, plus offices that joined, minus offices that left.

The channel configuration is the truth; this file is the operator's record of it (written after each signed
membership update is applied), so that `up`, `status` and upgrades act on the current members.
"""

from __future__ import annotations

import json

from ipledger._files import write_atomically
from ipledger.consortium.plan import ConsortiumPlan


def load_members(plan: ConsortiumPlan) -> list[str] | None:
    """The recorded member codes, or None when the membership is still the founding one."""
    if not plan.members_file.exists():
        return None
    return [str(code) for code in json.loads(plan.members_file.read_text(encoding="utf-8"))["members"]]


def save_members(plan: ConsortiumPlan, codes: list[str]) -> None:
    document = {"_generated": "written by ipledger network office join/leave - do not edit", "members": codes}
    write_atomically(plan.members_file, (json.dumps(document, indent=2) + "\n").encode(), private=False)
