"""The founding registry's hash, computed as the chaincode does (CONTRACT.md §3.1).

Every founding office confirms the hash it computes itself from its own copy of the consortium
definition, never one read from the ledger, so this must produce the chaincode's bytes exactly: the
registry (the ``officesJSON`` argument of ``InitConsortium``) as compact JSON with sorted member names
and only the escapes JSON requires.  The chaincode's tests and this package's share test vectors
(``chaincode/contract/testdata/founding-vectors.json``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Any, Union

from .models import OfficeDefinition

__all__ = ["RegistryDocument", "canonical_json", "canonical_registry", "registry_document", "registry_hash"]

#: A registry as offices to found, or as the JSON objects of ``officesJSON``.
RegistryDocument = Sequence[Union[OfficeDefinition, Mapping[str, Any]]]


def registry_document(offices: RegistryDocument) -> list[dict[str, Any]]:
    """The ``officesJSON`` value ``InitConsortium`` sends for these offices."""
    return [office.to_json() if isinstance(office, OfficeDefinition) else dict(office) for office in offices]


def canonical_json(value: Any) -> bytes:
    """The chaincode's canonical JSON of a decoded JSON value: compact, member names sorted, only the
    escapes JSON requires, UTF-8.

    Numbers are refused as the chaincode refuses them: no registry field is a number, and their JSON
    spelling has no canonical form here.
    """
    _refuse_numbers(value)
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def canonical_registry(offices: RegistryDocument) -> bytes:
    """The canonical form the registry hash is taken of."""
    return canonical_json(registry_document(offices))


def registry_hash(offices: RegistryDocument) -> str:
    """Lowercase hex SHA-256 of :func:`canonical_registry`: the ``registryHash`` to confirm."""
    return hashlib.sha256(canonical_registry(offices)).hexdigest()


def _refuse_numbers(value: Any) -> None:
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return
    if isinstance(value, (int, float)):
        raise ValueError("a registry contains no numbers (the chaincode refuses them)")
    if isinstance(value, Mapping):
        for item in value.values():
            _refuse_numbers(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            _refuse_numbers(item)
    else:
        raise ValueError(f"a registry holds JSON values only, not {type(value).__name__}")
