"""A cache of the office registry: office code <-> MSP ID.

Endorsement targets are MSP IDs, while the contract speaks office codes
(CONTRACT.md §1).  The binding only changes by governance (ADD_OFFICE), so
the ledgers keep what they learnt from the registry for their lifetime and
ask again only for a code they have not seen.  The connection profile seeds
the caller's own office, which saves a query for the commonest case.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

from .models import Office

__all__ = ["OfficeDirectory"]


class OfficeDirectory:
    """Thread-safe map of office codes to MSP IDs, plus the caller's own office."""

    def __init__(self, *, caller_office: str | None = None, caller_msp: str | None = None) -> None:
        self._lock = threading.Lock()
        self._msp_by_office: dict[str, str] = {}
        self.caller_office = caller_office
        self.caller_msp = caller_msp
        if caller_office and caller_msp:
            self._msp_by_office[caller_office] = caller_msp

    def msp_of(self, office_code: str) -> str | None:
        with self._lock:
            return self._msp_by_office.get(office_code)

    def learn(self, offices: Iterable[Office]) -> None:
        with self._lock:
            for office in offices:
                self._msp_by_office[office.office_code] = office.msp_id

    def learn_caller(self, office: Office) -> None:
        self.learn([office])
        with self._lock:
            self.caller_office, self.caller_msp = office.office_code, office.msp_id

    def known(self) -> dict[str, str]:
        with self._lock:
            return dict(self._msp_by_office)
