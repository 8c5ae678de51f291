"""What changed since the last run: each finding ``new`` or ``existing``, and the findings
that were there last time and are gone (``resolved``).

The previous run is a report directory or its ``findings.json``. A finding is resolved only
where this scan could have seen it again: its account and region were scanned and its
resource type was read there. A region left out of tonight's scan, or one whose security
groups could not be read, resolves nothing.
"""

from __future__ import annotations

import json
import os
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from scanner.errors import InputError
from scanner.model import Finding
from scanner.snapshot import iter_regions

FINDINGS_SCHEMA = "netwarden/findings/v1"
# What a resolved entry keeps of the previous finding: docs/contract.md's three fields plus
# what a reader (and a Security Hub re-import) needs to say what it was.
RESOLVED_FIELDS = (
    "fingerprint",
    "rule_id",
    "resource_id",
    "kind",
    "severity",
    "title",
    "account",
    "region",
    "resource_type",
    "arn",
    "compliance",
)
REQUIRED = ("fingerprint", "rule_id", "resource_id", "account", "region", "resource_type")
# The other fields a resolved entry carries into findings.json, the reports and Security Hub:
# text (or null), and compliance a list of text. The file may come from a bucket others
# write, so anything else is bad input here rather than a crash in a reporter later.
OPTIONAL_TEXT = ("kind", "severity", "title", "arn")


@dataclass(frozen=True)
class PreviousRun:
    """The findings of an earlier scan, by fingerprint."""

    path: str
    collected_at: str
    findings: Mapping[str, Mapping[str, Any]]


@dataclass(frozen=True)
class Scope:
    """Where this scan looked: the (account, region) pairs it read, and the (account, region,
    type) triples it could not read."""

    regions: frozenset[tuple[str, str]]
    gaps: frozenset[tuple[str, str, str]] = frozenset()

    def could_see(self, account: str, region: str, resource_type: str) -> bool:
        if (account, region) not in self.regions:
            return False
        if resource_type == "aws.account":  # posture rules read several types of the region
            return not any(a == account and r == region for a, r, _ in self.gaps)
        return (account, region, resource_type) not in self.gaps


def scope_of_snapshot(snapshot: Mapping[str, Any]) -> Scope:
    """The scope a snapshot covers."""
    regions: set[tuple[str, str]] = set()
    gaps: set[tuple[str, str, str]] = set()
    for account, region, data in iter_regions(snapshot):
        regions.add((account, region))
        for error in data.get("errors", []):
            gaps.add((account, region, str(error.get("type", ""))))
    return Scope(frozenset(regions), frozenset(gaps))


@dataclass(frozen=True)
class Comparison:
    findings: list[Finding]  # each with status new|existing
    resolved: tuple[dict[str, Any], ...]  # sorted by account, region, rule, resource

    @property
    def new(self) -> list[Finding]:
        return [f for f in self.findings if f.status == "new"]


def compare(findings: Iterable[Finding], previous: PreviousRun, scope: Scope) -> Comparison:
    """Mark every finding new or existing against ``previous``; list what was resolved."""
    seen: set[str] = set()
    marked: list[Finding] = []
    for finding in findings:
        fingerprint = finding.fingerprint
        seen.add(fingerprint)
        known = fingerprint in previous.findings
        marked.append(replace(finding, status="existing" if known else "new"))
    resolved = [
        {key: old.get(key) for key in RESOLVED_FIELDS}
        for fingerprint, old in previous.findings.items()
        if fingerprint not in seen
        and scope.could_see(str(old["account"]), str(old["region"]), str(old["resource_type"]))
    ]
    resolved.sort(
        key=lambda r: (r["account"], r["region"], r["rule_id"], r["resource_id"], r["fingerprint"])
    )
    return Comparison(marked, tuple(resolved))


def load_previous(path: str | os.PathLike[str]) -> PreviousRun:
    """Read a previous run: a report directory holding findings.json, or the file itself."""
    target = Path(path)
    file = target / "findings.json" if target.is_dir() else target
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read the previous run: {exc.strerror}", str(file)) from None
    except UnicodeDecodeError:
        raise InputError("the previous run is not UTF-8 JSON", str(file), 1) from None
    return parse_previous(text, str(file))


def parse_previous(text: str, file: str) -> PreviousRun:
    """A previous run from findings.json text (pure)."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid JSON: {exc.msg}", file, exc.lineno) from None
    except RecursionError:
        raise InputError("JSON nested too deeply", file, 1) from None
    if not isinstance(document, dict) or document.get("schema") != FINDINGS_SCHEMA:
        raise InputError(f"not a netwarden findings.json (schema {FINDINGS_SCHEMA!r})", file, 1)
    items = document.get("findings")
    if not isinstance(items, list):
        raise InputError("$.findings must be a list", file, 1)
    run = document.get("run")
    run = run if isinstance(run, dict) else {}
    findings: dict[str, Mapping[str, Any]] = {}
    for index, item in enumerate(items):
        _check_item(item, index, file, REQUIRED)
        findings[item["fingerprint"]] = item
    return PreviousRun(file, str(run.get("collected_at", "")), findings)


def _check_item(item: Any, index: int, file: str, required: Collection[str]) -> None:
    if not isinstance(item, dict):
        raise InputError(f"$.findings[{index}] must be an object", file)
    for key in required:
        if not isinstance(item.get(key), str) or not item[key]:
            raise InputError(f"$.findings[{index}].{key} must be a non-empty string", file)
    for key in OPTIONAL_TEXT:
        if item.get(key) is not None and not isinstance(item[key], str):
            raise InputError(f"$.findings[{index}].{key} must be a string", file)
    compliance = item.get("compliance")
    if compliance is not None and (
        not isinstance(compliance, list) or not all(isinstance(c, str) for c in compliance)
    ):
        raise InputError(f"$.findings[{index}].compliance must be a list of strings", file)
