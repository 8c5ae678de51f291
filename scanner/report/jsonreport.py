"""``findings.json``: every finding with every field docs/contract.md lists, and the run's
metadata (pure)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from scanner.model import SEVERITIES, Finding
from scanner.report.base import dumps_with_items, items_placeholder, ordered, reporter
from scanner.report.compliance import control_evidence
from scanner.report.run import RunInfo, rule_catalog

SCHEMA = "netwarden/findings/v1"


def run_metadata(run: RunInfo) -> dict[str, Any]:
    """The run's metadata as plain JSON data (also used by the other reports' tests)."""
    collected_by = {"snapshot_tool_version": run.snapshot_tool_version}
    return {
        "tool_version": run.tool_version,
        **(collected_by if run.snapshot_tool_version else {}),
        "collected_at": run.collected_at,
        "scope": run.scope_id,
        "accounts": list(run.accounts),
        **({"account_names": dict(run.account_names)} if run.account_names else {}),
        "regions": list(run.regions),
        "policy_pack": {"dir": run.policy_pack_dir, "digest": run.policy_pack_digest},
        "baseline": {"dir": run.baseline_dir, "commit": run.baseline_commit},
        "api_calls": run.api_calls,
        "coverage_gaps": [dict(gap) for gap in run.coverage_gaps],
        **({"notes": [dict(note) for note in run.notes]} if run.notes else {}),
        **({"notifications": [dict(n) for n in run.notifications]} if run.notifications else {}),
        "inventory": [
            {"account": a, "region": r, "type": t, "count": n} for a, r, t, n in run.inventory
        ],
        "rules": [rule.id for rule in run.rules],
        **({"waivers": dict(run.waivers)} if run.waivers is not None else {}),
        **({"previous": _previous(run.previous)} if run.previous is not None else {}),
        **({"security_hub": dict(run.security_hub)} if run.security_hub is not None else {}),
        **({"flow_logs": dict(run.flow_logs)} if run.flow_logs is not None else {}),
    }


def _previous(previous: Mapping[str, Any]) -> dict[str, Any]:
    # The resolved list is the document's own top-level field (docs/contract.md), not repeated.
    return {k: v for k, v in previous.items() if k != "resolved"}


def _delta(previous: Mapping[str, Any], pairs: Sequence[tuple[Finding, str]]) -> dict[str, Any]:
    new = sum(1 for finding, _ in pairs if finding.status == "new")
    return {"new": new, "existing": len(pairs) - new, "resolved": len(previous["resolved"])}


@reporter("json", "findings.json")
def render(findings: Sequence[Finding], run: RunInfo) -> str:
    """``{"schema", "run", "summary", "findings"}``: one finding per line, most severe first."""
    pairs = ordered(findings)
    # Counts are of the findings that count (--fail-on): a waived one is listed, not counted.
    active = [finding for finding, _ in pairs if finding.waiver is None]
    severities = Counter(finding.severity for finding in active)
    kinds = Counter(finding.kind for finding in active)
    document: dict[str, Any] = {
        "schema": SCHEMA,
        "run": run_metadata(run),
        "summary": {
            "total": len(pairs),
            "by_severity": {severity: severities.get(severity, 0) for severity in SEVERITIES},
            "by_kind": {kind: kinds.get(kind, 0) for kind in ("policy", "drift")},
            "waived": len(pairs) - len(active),
            "complete": not run.coverage_gaps,
            **(_delta(run.previous, pairs) if run.previous is not None else {}),
        },
        "findings": items_placeholder(),
    }
    if run.previous is not None:
        document["resolved"] = list(run.previous.get("resolved", []))
    # Per control of the pack: what was checked and how much passed (after "findings", so
    # the findings' placeholder keeps its place).
    rules, _ = rule_catalog(run, (finding for finding, _ in pairs))
    evidence = control_evidence((finding for finding, _ in pairs), rules, run.inventory)
    document["compliance"] = [item.to_dict() for item in evidence]
    if run.exposure is not None:
        # Every exposure and every cut open rule, as `netwarden exposure --format json`.
        document["exposure"] = run.exposure.to_dict()
    return dumps_with_items(document, (finding.to_dict() for finding, _ in pairs))
