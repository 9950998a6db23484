"""Client-side input checks that mirror the chaincode's syntax rules (CONTRACT.md §0, §2, §5.1).

They let the domain API and the CLI refuse obviously bad input before any
network call.  They only check what can be known without the ledger: office
codes are checked for form (an unassigned code is refused by the chaincode),
application numbers for length, charset and the PCT form (each office's own
number patterns are applied by the chaincode).  Never stricter than the
chaincode: anything accepted there must pass here.

Every function raises ``ValueError`` with a message that states the rule;
callers add the field name.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from ._codec import parse_date
from .enums import ApplicationCategory, IpRight

__all__ = [
    "MAX_PAGE_SIZE",
    "check_access_code",
    "check_application_number",
    "check_claim_id",
    "check_date",
    "check_email",
    "check_filing_id",
    "check_msp_id",
    "check_office_code",
    "check_page_size",
    "check_proposal_id",
    "check_retrieval_id",
    "check_sequence_number",
    "check_sha256",
    "check_text",
    "check_transaction_id",
]

MIN_DATE = date(1900, 1, 1)
MAX_PAGE_SIZE = 100
MAX_APPLICATION_NUMBER = 40
MAX_NORMALISED_NUMBER = 32
MAX_SEQUENCE_NUMBER = 999

_OFFICE_CODE = re.compile(r"^[A-Z]{2}$")
_HEX = re.compile(r"^[0-9A-Fa-f]+$")
_NUMBER_CHARSET = re.compile(r"^[A-Z0-9 /.,-]+$")
_PCT_NUMBER = re.compile(r"^PCT/[A-Z]{2}[0-9]{4}/[0-9]{6}$")
_NORMALISED = re.compile(r"^[A-Z0-9]{1,32}$")
_MSP_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
# "<UTC yyyymmddThhmmssZ>_<txId>": ids of proposals and retrievals, unique and sorting by time.
_STAMPED_ID = re.compile(r"^[0-9]{8}T[0-9]{6}Z_[0-9a-fA-F]{1,128}$")


def check_office_code(code: str) -> str:
    """Two upper-case letters (WIPO ST.3), not ``XX``; returns the code."""
    if not _OFFICE_CODE.match(code):
        raise ValueError(f"{code!r} is not a WIPO ST.3 office code (two upper-case letters, e.g. JP)")
    if code == "XX":
        raise ValueError("XX is the ST.3 code for an unknown office and cannot be used")
    return code


def check_date(text: str) -> date:
    """A real ``YYYY-MM-DD`` Gregorian day from 1900-01-01 on."""
    day = parse_date(text)
    if day < MIN_DATE:
        raise ValueError(f"{text} is before {MIN_DATE.isoformat()}")
    return day


def check_sha256(text: str) -> str:
    """64 hexadecimal characters; returned in lower case (as the chaincode stores it)."""
    if len(text) != 64 or not _HEX.match(text):
        raise ValueError("a SHA-256 digest is 64 hexadecimal characters")
    return text.lower()


def check_access_code(code: str) -> str:
    """4 to 64 hexadecimal characters (DAS codes are 4; longer ones are recommended)."""
    if not 4 <= len(code) <= 64 or not _HEX.match(code):
        raise ValueError("an access code is 4 to 64 hexadecimal characters")
    return code


def check_application_number(number: str, category: ApplicationCategory | None = None) -> str:
    """Length, charset and (for INTERNATIONAL) PCT form; returns the number trimmed.

    The chaincode upper-cases and collapses spaces before checking, so this
    does the same, but sends the number as the user wrote it.
    """
    trimmed = number.strip()
    if not 1 <= len(trimmed) <= MAX_APPLICATION_NUMBER:
        raise ValueError(f"an application number has 1 to {MAX_APPLICATION_NUMBER} characters")
    prepared = re.sub(" +", " ", trimmed.upper())
    if not _NUMBER_CHARSET.match(prepared):
        raise ValueError("an application number may only contain letters, digits, space and / . , -")
    if category is ApplicationCategory.INTERNATIONAL:
        if not _PCT_NUMBER.match(prepared):
            raise ValueError("an international application number has the form PCT/CCYYYY/NNNNNN")
    elif not any(character.isdigit() for character in prepared):
        raise ValueError("an application number must contain a digit")
    return trimmed


def check_filing_id(filing_id: str) -> str:
    """``<office>:<ipRight>:<normalisedNumber>``, e.g. ``JP:PATENT:2024012345``."""
    parts = filing_id.split(":")
    if len(parts) != 3:
        raise ValueError(f"{filing_id!r} is not a first filing id <office>:<ipRight>:<number> "
                         "(e.g. JP:PATENT:2024012345)")
    _check_filing_parts(filing_id, *parts)
    return filing_id


def _check_filing_parts(whole: str, office: str, ip_right: str, number: str) -> None:
    if not _OFFICE_CODE.match(office):
        raise ValueError(f"{whole!r}: {office!r} is not an office code")
    if ip_right not in IpRight.values():
        raise ValueError(f"{whole!r}: {ip_right!r} is not one of {', '.join(IpRight.values())}")
    if not _NORMALISED.match(number):
        raise ValueError(f"{whole!r}: the number part must be the normalised number "
                         f"(1 to {MAX_NORMALISED_NUMBER} upper-case letters and digits)")


def check_retrieval_id(retrieval_id: str) -> str:
    """``<filingId>:<stamp>_<requestTxId>``, e.g. ``JP:PATENT:2024012345:20250317T091244Z_9f3c...``."""
    parts = retrieval_id.split(":")
    if len(parts) != 4 or not _STAMPED_ID.match(parts[3]):
        raise ValueError(f"{retrieval_id!r} is not a retrieval id <office>:<ipRight>:<number>:<time>_<txId> "
                         "(e.g. JP:PATENT:2024012345:20250317T091244Z_9f3c...)")
    _check_filing_parts(retrieval_id, *parts[:3])
    return retrieval_id


def check_proposal_id(proposal_id: str) -> str:
    """``<stamp>_<proposingTxId>``, e.g. ``20250317T091244Z_9f3c...``."""
    if not _STAMPED_ID.match(proposal_id):
        raise ValueError(f"{proposal_id!r} is not a proposal id <time>_<txId> (e.g. 20250317T091244Z_9f3c...)")
    return proposal_id


def check_claim_id(claim_id: str) -> str:
    """``<osfOffice>:<laterIpRight>:<laterNumber>:<sequenceNumber>``, e.g. ``US:PATENT:18123456:1``."""
    parts = claim_id.split(":")
    if len(parts) != 4:
        raise ValueError(f"{claim_id!r} is not a priority claim id <office>:<ipRight>:<number>:<sequence> "
                         "(e.g. US:PATENT:18123456:1)")
    _check_filing_parts(claim_id, *parts[:3])
    sequence = parts[3]
    if not sequence.isdigit() or str(int(sequence)) != sequence or not 1 <= int(sequence) <= MAX_SEQUENCE_NUMBER:
        raise ValueError(f"{claim_id!r}: the sequence number must be 1 to {MAX_SEQUENCE_NUMBER} "
                         "without leading zeros")
    return claim_id


def check_sequence_number(sequence: int) -> int:
    if not 1 <= sequence <= MAX_SEQUENCE_NUMBER:
        raise ValueError(f"a sequence number is 1 to {MAX_SEQUENCE_NUMBER}")
    return sequence


def check_transaction_id(transaction_id: str) -> str:
    """A Fabric transaction id (hexadecimal; 64 characters for SHA-256 ids)."""
    if not 1 <= len(transaction_id) <= 128 or not _HEX.match(transaction_id):
        raise ValueError("a transaction id is hexadecimal (64 characters)")
    return transaction_id


def check_text(text: str, minimum: int, maximum: int) -> str:
    """``minimum``..``maximum`` characters without control characters (as the chaincode's ValidText)."""
    if not minimum <= len(text) <= maximum:
        if minimum == 0:
            raise ValueError(f"at most {maximum} characters are allowed")
        raise ValueError(f"{minimum} to {maximum} characters are required")
    if any(unicodedata.category(character) == "Cc" for character in text):
        raise ValueError("control characters (such as newlines or tabs) are not allowed")
    return text


def check_email(address: str) -> str:
    """A loose ``local@domain.tld`` check, as the chaincode's; ``""`` is allowed."""
    if address == "":
        return address
    check_text(address, 3, 254)
    local, at, domain = address.partition("@")
    if not at or not local or not domain or "@" in domain or "." not in domain or any(
            character in address for character in " \t"):
        raise ValueError(f"{address!r} is not an e-mail address of the form local@domain")
    return address


def check_msp_id(msp_id: str) -> str:
    if not _MSP_ID.match(msp_id):
        raise ValueError("an MSP ID is 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit")
    return msp_id


def check_page_size(page_size: int) -> int:
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise ValueError(f"a page size is 1 to {MAX_PAGE_SIZE}")
    return page_size
