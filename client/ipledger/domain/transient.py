"""Transient data for the transactions that carry private fields (CONTRACT.md §1, §2.4, §2.6, §3.3).

Transient data is passed to the endorsing peers only; it never enters the
transaction or the block.  Every private value stored on the ledger is
salted with a random value generated here, so its public hash (e.g. the
first filing's ``confidentialHash``) cannot be brute-forced from guessable
content such as an applicant's name.
"""

from __future__ import annotations

import json
import secrets
from typing import Any

from .models import ConfidentialDetails

__all__ = [
    "ACCESS_CODE_KEY",
    "CONFIDENTIAL_KEY",
    "SALT_BYTES",
    "access_code_transient",
    "confidential_transient",
    "new_salt",
    "redemption_transient",
]

CONFIDENTIAL_KEY = "confidential"
ACCESS_CODE_KEY = "accessCode"

#: 32 random bytes = 64 hex characters (the chaincode accepts 32 to 128).
SALT_BYTES = 32


def new_salt() -> str:
    return secrets.token_hex(SALT_BYTES)


def _encode(document: dict[str, Any]) -> bytes:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def confidential_transient(details: ConfidentialDetails, salt: str | None = None) -> dict[str, bytes]:
    """``{"confidential": {"salt", "title", "applicants", "contact"}}`` for ``SetFilingConfidential``.

    ``filingId`` is not sent: the chaincode takes it from the argument.
    """
    document = {"salt": salt or new_salt(), **details.to_json()}
    return {CONFIDENTIAL_KEY: _encode(document)}


def access_code_transient(access_code: str, salt: str | None = None) -> dict[str, bytes]:
    """``{"accessCode": {"accessCode", "salt"}}`` for ``SetAccessCode``."""
    return {ACCESS_CODE_KEY: _encode({"accessCode": access_code, "salt": salt or new_salt()})}


def redemption_transient(access_code: str) -> dict[str, bytes]:
    """``{"accessCode": {"accessCode"}}`` for ``RedeemAccessCode`` (no salt: the owner's stored one is used)."""
    return {ACCESS_CODE_KEY: _encode({"accessCode": access_code})}
