"""Record examples from chaincode/CONTRACT.md §2-§6, placeholders filled with valid values.

Timestamps written ``"..."`` in the contract are ``TIMESTAMP``; hashes
``"<64 lowercase hex>"`` are ``DIGEST``.  Kept as JSON text so the tests
also check field order.
"""

from __future__ import annotations

import json
from typing import Any

TIMESTAMP = "2025-03-17T09:12:44Z"
DIGEST = "3b" * 32
STAMPED = "20250317T091244Z_" + "9f3c" * 16


def _load(text: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(text)
    return document


OFFICE = _load("""{
  "officeCode": "JP", "mspId": "JPMSP", "name": "Japan Patent Office", "status": "ACTIVE",
  "roles": {"depositing": ["PATENT", "UTILITY_MODEL"], "accessing": ["PATENT", "UTILITY_MODEL", "INDUSTRIAL_DESIGN"]},
  "calendar": {"closedWeekdays": ["SATURDAY", "SUNDAY"], "closedDates": ["2025-01-01", "2025-01-02"]},
  "applicationNumberPatterns": [{"ipRight": "PATENT", "patterns": ["^(?:JP ?)?(?P<num>(?:19|20)\\\\d{2}-?\\\\d{6})$"]}],
  "restorationPolicy": [
    {"ipRight": "PATENT", "allowed": true, "criteria": ["DUE_CARE", "UNINTENTIONAL"]},
    {"ipRight": "UTILITY_MODEL", "allowed": true, "criteria": ["DUE_CARE", "UNINTENTIONAL"]},
    {"ipRight": "INDUSTRIAL_DESIGN", "allowed": false, "criteria": []},
    {"ipRight": "TRADEMARK", "allowed": false, "criteria": []}],
  "createdAt": "2025-03-17T09:12:44Z", "updatedAt": "2025-03-17T09:12:44Z", "settingsVersion": 1,
  "settingsUpdatedAt": "2025-03-17T09:12:44Z"
}""")

PROPOSAL = _load(f"""{{
  "id": "{STAMPED}", "action": "ADD_OFFICE", "officeCode": "CN", "mspId": "CNMSP", "name": "CNIPA",
  "roles": {{"depositing": ["PATENT"], "accessing": ["PATENT"]}}, "reason": "",
  "proposedBy": "JP", "approvals": ["EP", "JP"], "status": "OPEN",
  "createdAt": "{TIMESTAMP}", "updatedAt": "{TIMESTAMP}", "expiresAt": "{TIMESTAMP}", "closedAt": ""
}}""")

FOUNDING = _load(f"""{{
  "registryHash": "{DIGEST}",
  "registry": [
    {{"mspId": "JPMSP", "name": "Japan Patent Office", "officeCode": "JP",
      "roles": {{"accessing": ["PATENT"], "depositing": ["PATENT"]}}}},
    {{"calendar": null, "mspId": "USMSP", "name": "USPTO", "officeCode": "US",
      "roles": {{"accessing": ["PATENT"], "depositing": []}}}}],
  "proposedBy": "JP", "confirmations": ["JP"], "awaiting": ["US"], "status": "OPEN",
  "createdAt": "{TIMESTAMP}", "updatedAt": "{TIMESTAMP}", "activatedAt": ""
}}""")

FIRST_FILING = _load(f"""{{
  "id": "JP:PATENT:2024012345", "officeCode": "JP", "ipRight": "PATENT", "applicationCategory": "NATIONAL",
  "applicationNumber": "JP 2024-012345", "applicationNumberNormalised": "2024012345",
  "filingDate": "2024-03-15", "documentSha256": "{DIGEST}", "documentFormat": "PDF",
  "version": 1, "status": "AVAILABLE", "publicationDate": "", "confidentialHash": "",
  "lastChangeReason": "", "depositedAt": "{TIMESTAMP}", "updatedAt": "{TIMESTAMP}"
}}""")

CONFIDENTIAL = _load("""{
  "filingId": "JP:PATENT:2024012345", "salt": "0123456789abcdef0123456789abcdef",
  "title": "Folding widget", "applicants": [{"name": "ACME K.K.", "countryCode": "JP"}],
  "contact": {"name": "Taro Yamada", "email": "a@b.example"}
}""")

ACCESS_RECORD = _load(f"""{{
  "filingId": "JP:PATENT:2024012345", "ownerOffice": "JP",
  "accessCodeSet": true, "accessCodeVersion": 1, "accessCodeSetAt": "{TIMESTAMP}",
  "offices": [
    {{"officeCode": "US", "grant": "ACTIVE", "route": "ACCESS_CODE", "grantedAt": "{TIMESTAMP}", "revokedAt": "",
     "revocationReason": "", "failedAttempts": 0, "locked": false, "lockedAt": "",
     "pendingAttempt": false, "pendingAttemptAt": "", "revokedCodeVersion": 0}}],
  "updatedAt": "{TIMESTAMP}"
}}""")

REDEMPTION_GRANTED = _load("""{"filingId": "JP:PATENT:2024012345", "officeCode": "US", "result": "ACCESS_GRANTED",
 "failedAttempts": 0, "remainingAttempts": 5, "locked": false}""")

REDEMPTION_MISMATCH = _load("""{"filingId": "JP:PATENT:2024012345", "officeCode": "US",
 "result": "ACCESS_CODE_MISMATCH", "failedAttempts": 2, "remainingAttempts": 3, "locked": false}""")

REDEMPTION_PENDING = _load("""{"filingId": "JP:PATENT:2024012345", "officeCode": "US",
 "result": "ATTEMPT_PENDING", "failedAttempts": 1, "remainingAttempts": 4, "locked": false}""")

RETRIEVAL = _load(f"""{{
  "id": "JP:PATENT:2024012345:{STAMPED}", "filingId": "JP:PATENT:2024012345", "ownerOffice": "JP",
  "requestingOffice": "US", "grantRoute": "ACCESS_CODE", "documentVersion": 1, "expectedSha256": "{DIGEST}",
  "status": "PENDING", "receivedSha256": "", "errorCode": "", "errorMessage": "",
  "requestedAt": "{TIMESTAMP}", "completedAt": ""
}}""")

PRIORITY_CLAIM = _load(f"""{{
  "id": "US:PATENT:18123456:1", "officeCode": "US",
  "laterApplication": {{"applicationNumber": "18/123,456", "applicationNumberNormalised": "18123456",
                       "ipRight": "PATENT", "applicationCategory": "NATIONAL", "filingDate": "2025-03-17"}},
  "sequenceNumber": 1,
  "priority": {{"officeCode": "JP", "applicationNumber": "JP 2024-012345",
               "applicationNumberNormalised": "2024012345",
               "ipRight": "PATENT", "applicationCategory": "NATIONAL", "filingDate": "2024-03-15"}},
  "firstFilingId": "JP:PATENT:2024012345",
  "periodMonths": 12, "nominalPeriodEnd": "2025-03-15", "periodEnd": "2025-03-17",
  "restorationAvailable": true, "nominalRestorationEnd": "2025-05-17", "restorationEnd": "2025-05-19",
  "timeliness": "IN_TIME", "status": "RECORDED",
  "restoration": {{"criterion": "", "requestDate": "", "requestedAt": "", "decision": "", "decidedAt": ""}},
  "warnings": [], "createdAt": "{TIMESTAMP}", "updatedAt": "{TIMESTAMP}"
}}""")

RECORDED_CLAIM = {"claim": PRIORITY_CLAIM, "earliestPriorityDate": "2024-03-15"}

LATER_APPLICATION_CLAIMS = {"officeCode": "US", "ipRight": "PATENT", "applicationNumberNormalised": "18123456",
                            "claims": [PRIORITY_CLAIM], "earliestPriorityDate": "2024-03-15"}

DEADLINE = _load("""{"officeCode": "US", "priorityIpRight": "PATENT", "laterIpRight": "PATENT",
 "priorityFilingDate": "2024-03-15", "periodMonths": 12, "nominalPeriodEnd": "2025-03-15", "periodEnd": "2025-03-17",
 "restorationAvailable": true, "restorationCriteria": ["DUE_CARE", "UNINTENTIONAL"],
 "nominalRestorationEnd": "2025-05-17", "restorationEnd": "2025-05-19"}""")

INTEGRITY = {"filingId": "JP:PATENT:2024012345", "confidentialHash": DIGEST, "privateDataHash": DIGEST,
             "match": True}

HISTORY_ENTRY = {"txId": "9f3c" * 16, "timestamp": TIMESTAMP, "isDelete": False, "record": FIRST_FILING}


def page(records: list[dict[str, Any]], bookmark: str = "", fetched: int | None = None) -> dict[str, Any]:
    return {"records": records, "fetchedCount": len(records) if fetched is None else fetched, "bookmark": bookmark}


def filing(number: str, **changes: Any) -> dict[str, Any]:
    """FIRST_FILING for another (normalised) number, with field changes (JSON names)."""
    record = dict(FIRST_FILING, id=f"JP:PATENT:{number}", applicationNumberNormalised=number,
                  applicationNumber=f"JP {number}")
    record.update(changes)
    return record
