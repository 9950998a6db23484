"""What a configuration update changes, in words: groups, values and policies added, removed or modified.

The list of changes comes from the update itself (its read and write sets, which is what the signers sign); the
configuration the update was computed from only supplies the old content, so a modified value can be shown as
"revocation_list +1 CRL" instead of a version number.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections import Counter
from dataclasses import dataclass
from typing import Any, Literal

from cryptography import x509
from cryptography.x509.oid import NameOID

from ipledger.operator.config_policy import JSON, Element, Kind, channel_group, delta_set, elements, render_policy

Action = Literal["added", "removed", "modified"]
_LIST_LIMIT = 6


@dataclass(frozen=True)
class Change:
    """One change: e.g. ``modified value Application/JPMSP/MSP: revocation_list +1 (CRL by ca.jp..., 1 revoked)``."""

    action: Action
    kind: Kind
    path: str
    details: tuple[str, ...] = ()

    def __str__(self) -> str:
        detail = f": {'; '.join(self.details)}" if self.details else ""
        return f"{self.action} {self.kind} {self.path}{detail}"

    def as_dict(self) -> dict[str, Any]:
        return {"action": self.action, "kind": self.kind, "path": self.path, "details": list(self.details)}


def describe_changes(base_config: JSON, update: JSON) -> list[Change]:
    """The changes of ``update`` (``common.ConfigUpdate`` JSON) relative to ``base_config`` (``common.Config``)."""
    base = elements(channel_group(base_config))
    write = elements(update.get("write_set") or {})
    changes: list[Change] = []
    for element in delta_set(update):
        existing = base.get((element.kind, element.full_path))
        if existing is None:
            changes.append(Change("added", element.kind, element.label, _summary(element)))
        elif element.kind == "group":
            changes.extend(_removed_children(existing, element, write))
            if existing.mod_policy != element.mod_policy:
                changes.append(Change("modified", "group", element.label,
                                      (f"mod_policy {existing.mod_policy} -> {element.mod_policy}",)))
        elif element.kind == "policy":
            details = []
            before, after = render_policy(existing.node.get("policy") or {}), render_policy(element.node.get("policy") or {})
            if before != after:
                details.append(f"{before} -> {after}")
            if existing.mod_policy != element.mod_policy:
                details.append(f"mod_policy {existing.mod_policy} -> {element.mod_policy}")
            changes.append(Change("modified", "policy", element.label, tuple(details) or ("rewritten, same rule",)))
        else:
            details = diff_json(existing.node.get("value"), element.node.get("value"))
            if existing.mod_policy != element.mod_policy:
                details.append(f"mod_policy {existing.mod_policy} -> {element.mod_policy}")
            changes.append(Change("modified", "value", element.label, tuple(details) or ("rewritten, same content",)))
    order = {"removed": 0, "added": 1, "modified": 2}
    return sorted(changes, key=lambda c: (c.path, order[c.action]))


def _removed_children(existing: Element, updated: Element, write: dict[tuple[Kind, tuple[str, ...]], Element]
                      ) -> list[Change]:
    # A group whose version moved lists all the children it keeps; the base's others are removed.
    out = []
    for kind, key in (("group", "groups"), ("value", "values"), ("policy", "policies")):
        kept = set((updated.node.get(key) or {}).keys())
        for name in sorted((existing.node.get(key) or {}).keys()):
            if name not in kept:
                out.append(Change("removed", kind, "/".join((*existing.full_path[1:], name))))  # type: ignore[arg-type]
    return out


def _summary(element: Element) -> tuple[str, ...]:
    node = element.node
    if element.kind == "group":
        parts = []
        for key in ("groups", "values", "policies"):
            names = sorted((node.get(key) or {}).keys())
            if names:
                parts.append(f"{key} {', '.join(names)}")
        return tuple(parts)
    if element.kind == "policy":
        return (render_policy(node.get("policy") or {}),)
    return (_short(node.get("value")),)


# -- value differences -----------------------------------------------------------------------------------------


def diff_json(before: Any, after: Any, where: str = "") -> list[str]:
    """Leaf-level differences between two JSON values; lists compare as multisets ("+1 x, -1 y")."""
    if isinstance(before, dict) and isinstance(after, dict):
        out: list[str] = []
        for key in sorted(before.keys() | after.keys()):
            name = f"{where}.{key}" if where else key
            if key not in after:
                out.append(f"{name} removed (was {_short(before[key])})")
            elif key not in before:
                out.append(f"{name} added: {_short(after[key])}")
            else:
                out.extend(diff_json(before[key], after[key], name))
        return out
    if isinstance(before, list) and isinstance(after, list):
        if before == after:
            return []
        old = Counter(_canonical(v) for v in before)
        new = Counter(_canonical(v) for v in after)
        added = list((new - old).elements())
        removed = list((old - new).elements())
        if not added and not removed:
            return [f"{where or 'list'}: reordered"]
        parts = [f"+{len(added)} ({_listing(added)})"] if added else []
        parts += [f"-{len(removed)} ({_listing(removed)})"] if removed else []
        return [f"{where or 'list'} {', '.join(parts)}"]
    if before != after:
        return [f"{where or 'value'}: {_short(before)} -> {_short(after)}"]
    return []


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True)


def _listing(items: list[str]) -> str:
    shown = [_short(json.loads(item)) for item in items[:_LIST_LIMIT]]
    more = f", ... {len(items) - _LIST_LIMIT} more" if len(items) > _LIST_LIMIT else ""
    return "; ".join(shown) + more


def _short(value: Any) -> str:
    """A one-line summary: certificates and CRLs by what they are, endpoints as host:port."""
    if isinstance(value, str):
        return _pem_summary(value) or (value if len(value) <= 60 else value[:57] + "...")
    if isinstance(value, dict):
        if "host" in value:
            ident = f" (id {value['id']})" if "id" in value else ""
            return f"{value['host']}:{value.get('port', '?')}{ident}"
        if "name" in value and len(value) > 3:
            return str(value["name"])
        text = json.dumps(value, sort_keys=True)
        return text if len(text) <= 80 else text[:77] + "..."
    return json.dumps(value)


def _pem_summary(text: str) -> str | None:
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None
    if b"-----BEGIN X509 CRL-----" in raw:
        crl = x509.load_pem_x509_crl(raw)
        return f"CRL by {_common_name(crl.issuer)}, {len(list(crl))} revoked"
    if b"-----BEGIN CERTIFICATE-----" in raw:
        cert = x509.load_pem_x509_certificate(raw)
        return f"certificate {_common_name(cert.subject)}"
    return None


def _common_name(name: x509.Name) -> str:
    values = name.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(values[0].value) if values else name.rfc4514_string()
