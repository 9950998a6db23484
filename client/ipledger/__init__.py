"""ipledger: priority-data exchange between IP offices on Hyperledger Fabric.

The everyday names are available here; everything else lives in
:mod:`ipledger.domain` (domain API), :mod:`ipledger.gateway` (Fabric Gateway
client) and :mod:`ipledger.cli` (the ``ipledger`` command)::

    from ipledger import PriorityLedger, IpRight

    with PriorityLedger.connect("JP") as ledger:
        for filing in ledger.iter_first_filings(office_code="JP", ip_right=IpRight.PATENT):
            print(filing.id, filing.status)

The names are imported on first use, so ``import ipledger.consortium`` (the
network tooling) does not load gRPC and the domain layer.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .errors import IpledgerError

if TYPE_CHECKING:
    from .domain import (
        AccessRecord,
        Applicant,
        ApplicationCategory,
        AsyncPriorityLedger,
        ConfidentialDetails,
        Contact,
        DocumentFormat,
        FirstFiling,
        IpRight,
        LedgerError,
        LedgerEvent,
        Office,
        Page,
        PriorityClaim,
        PriorityLedger,
        Retrieval,
    )

__version__ = "0.1.0"

__all__ = [
    "AccessRecord",
    "Applicant",
    "ApplicationCategory",
    "AsyncPriorityLedger",
    "ConfidentialDetails",
    "Contact",
    "DocumentFormat",
    "FirstFiling",
    "IpRight",
    "IpledgerError",
    "LedgerError",
    "LedgerEvent",
    "Office",
    "Page",
    "PriorityClaim",
    "PriorityLedger",
    "Retrieval",
    "__version__",
]

_FROM_DOMAIN = frozenset(__all__) - {"IpledgerError", "__version__"}


def __getattr__(name: str) -> Any:
    if name in _FROM_DOMAIN:
        value = getattr(importlib.import_module(".domain", __name__), name)
        globals()[name] = value  # later look-ups skip this function
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | _FROM_DOMAIN)
