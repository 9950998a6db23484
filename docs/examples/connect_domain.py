"""Connect as an office with the domain API: by office code, or by profile path and user.

docs-example: live
"""

from __future__ import annotations

import os
from pathlib import Path

from ipledger.domain import PriorityLedger

# Where `ipledger network generate` wrote the profiles; PriorityLedger.connect("JP") searches the same way.
PROFILES = Path(os.environ.get("IPLEDGER_PROFILES", "network/generated/profiles"))

with PriorityLedger.connect("JP") as ledger:  # User1 of the Japan Patent Office
    office = ledger.get_caller_office()
    print(office.office_code, office.msp_id, office.status.value)

with PriorityLedger.connect(PROFILES / "US.json", user="Admin") as us:
    print(us.office_code, us.msp_id)
