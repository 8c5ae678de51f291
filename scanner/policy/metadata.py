"""netwarden's ``metadata`` block on every policy: ids auditors filter on, and the fix.

Custodian accepts any object under ``metadata``; netwarden requires this shape, because a
finding without a rule id, a severity or correctly spelled compliance ids is useless to the
dashboards that consume it.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from scanner.model import SEVERITIES, Severity

# Control ids exactly as docs/contract.md writes them.
COMPLIANCE_PATTERNS = {
    "CIS": re.compile(r"^CIS-AWS-\d+\.\d+$"),  # CIS-AWS-5.2
    "FSBP": re.compile(r"^FSBP-[A-Za-z][A-Za-z0-9]*\.\d+$"),  # FSBP-EC2.19
    "NIST": re.compile(r"^NIST-800-53-[A-Z]{2}-\d+(\(\d+\))?$"),  # NIST-800-53-SC-7
}
RULE_ID = re.compile(r"^NW-[A-Z0-9]+-\d{3}$")  # NW-SG-001
# Names a remediation template may use (see scanner.policy.remediation).
TEMPLATE_NAMES = frozenset(
    {"account", "region", "resource_id", "arn", "resource", "evidence", "item"}
)

_TEXT = {"type": "string", "minLength": 1}
_ACTION = {
    "type": "object",
    "additionalProperties": False,
    "required": ["description", "cli", "api"],
    "properties": {
        "description": _TEXT,
        "cli": _TEXT,
        # Render once per element of this evidence list (e.g. one call per NACL entry).
        "foreach": _TEXT,
        "api": {
            "type": "object",
            "additionalProperties": False,
            "required": ["service", "operation", "params"],
            "properties": {
                "service": _TEXT,
                "operation": {"type": "string", "pattern": "^[A-Z][A-Za-z0-9]+$"},
                "params": {"type": "object"},
            },
        },
    },
}
METADATA_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": [
        "id",
        "title",
        "severity",
        "description",
        "risk",
        "remediation",
        "compliance",
        "references",
    ],
    "properties": {
        "id": {"type": "string", "pattern": RULE_ID.pattern},
        "title": _TEXT,
        "severity": {"enum": list(SEVERITIES)},
        "description": _TEXT,
        "risk": _TEXT,
        "remediation": {
            "type": "object",
            "additionalProperties": False,
            "required": ["text", "actions"],
            "properties": {
                "text": _TEXT,
                "actions": {"type": "array", "minItems": 1, "items": _ACTION},
            },
        },
        "compliance": {"type": "array", "items": {"type": "string"}, "uniqueItems": True},
        "references": {
            "type": "array",
            "minItems": 1,
            "items": {"type": "string", "pattern": "^https://"},
        },
        "parameters": {"type": "object"},
    },
}


@dataclass(frozen=True)
class PolicyMetadata:
    """The validated ``metadata`` block of one policy."""

    id: str
    title: str
    severity: Severity
    description: str
    risk: str
    remediation_text: str
    remediation_actions: tuple[Mapping[str, Any], ...]
    compliance: tuple[str, ...]
    references: tuple[str, ...]


def metadata_problem(metadata: Any) -> tuple[list[Any], str] | None:
    """The first problem with a metadata block, as (path inside it, message); None if valid."""
    if metadata is None:
        return [], "missing netwarden 'metadata' block"
    import jsonschema  # ~90 ms; a pack read without validation (``policies list``) skips it

    validator = jsonschema.Draft7Validator(METADATA_SCHEMA)
    errors = sorted(validator.iter_errors(metadata), key=lambda e: list(e.absolute_path))
    if errors:
        error = jsonschema.exceptions.best_match(errors) or errors[0]
        where = ".".join(str(p) for p in error.absolute_path)
        return list(error.absolute_path), f"metadata{'.' + where if where else ''}: {error.message}"
    for index, ref in enumerate(metadata["compliance"]):
        if not any(p.match(ref) for p in COMPLIANCE_PATTERNS.values()):
            return ["compliance", index], (
                f"compliance id {ref!r} is not written as CIS-AWS-<n.n>, FSBP-<control> "
                "(e.g. FSBP-EC2.19) or NIST-800-53-<control> (e.g. NIST-800-53-SC-7)"
            )
    for index, action in enumerate(metadata["remediation"]["actions"]):
        for field_path, text in _template_strings(action):
            unknown = _unknown_names(text)
            if unknown:
                return ["remediation", "actions", index, *field_path], (
                    f"remediation template uses unknown name(s) {', '.join(sorted(unknown))}; "
                    f"known: {', '.join(sorted(TEMPLATE_NAMES))}"
                )
    return None


def parse_metadata(metadata: Mapping[str, Any]) -> PolicyMetadata:
    """Build the typed record from a block :func:`metadata_problem` accepted."""
    return PolicyMetadata(
        id=metadata["id"],
        title=metadata["title"],
        severity=metadata["severity"],
        description=metadata["description"],
        risk=metadata["risk"],
        remediation_text=metadata["remediation"]["text"],
        remediation_actions=tuple(metadata["remediation"]["actions"]),
        compliance=tuple(metadata["compliance"]),
        references=tuple(metadata["references"]),
    )


def _template_strings(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[list[Any], str]]:
    if isinstance(value, str):
        yield list(path), value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            if key != "foreach":
                yield from _template_strings(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _template_strings(item, (*path, index))


def _unknown_names(text: str) -> set[str]:
    try:
        fields = [name for _, name, _, _ in string.Formatter().parse(text) if name]
    except ValueError as exc:
        return {f"<bad template: {exc}>"}
    return {re.split(r"[.\[]", name, maxsplit=1)[0] for name in fields} - TEMPLATE_NAMES
