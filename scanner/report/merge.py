"""Merging the reports of account shards into one set, identical to a single-machine run.

Each shard's ``findings.json`` carries its findings and its run (scope, coverage, inventory,
API calls); the rule descriptions come from the policy pack, which must be the one every
shard used (same digest).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from scanner import HOMEPAGE
from scanner.errors import InputError
from scanner.fileio import read_input
from scanner.model import Finding, finding_from_dict
from scanner.report.run import RuleInfo, RunInfo


def read_findings(target: str | Path) -> tuple[dict[str, Any], str]:
    """A findings.json (or the report directory holding one), checked to be netwarden's;
    with the path it was read from."""
    path = Path(target)
    if path.is_dir():
        path = path / "findings.json"
    return read_shard_file(path), str(path)


def read_shard(directory: str | Path) -> dict[str, Any]:
    return read_shard_file(Path(directory) / "findings.json")


def read_shard_file(path: Path) -> dict[str, Any]:
    text = read_input(path, "shard report")
    try:
        document: dict[str, Any] = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid JSON: {exc.msg}", str(path), exc.lineno) from None
    if not isinstance(document, dict) or "run" not in document or "findings" not in document:
        raise InputError("not a netwarden findings.json (no run/findings)", str(path), 1)
    return document


def _same(runs: Sequence[dict[str, Any]], what: str, value: Any, dirs: Sequence[str]) -> Any:
    first = value(runs[0])
    for run, directory in zip(runs[1:], dirs[1:], strict=True):
        if value(run) != first:
            raise InputError(f"shards disagree on {what}: {first!r} vs {value(run)!r}", directory)
    return first


def _account_names(runs: Sequence[dict[str, Any]], dirs: Sequence[str]) -> dict[str, str]:
    """Every shard's {account id: name}, checked: a shard's file is input like any other."""
    names: dict[str, str] = {}
    for run, directory in zip(runs, dirs, strict=True):
        given = run.get("account_names") or {}
        if not isinstance(given, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in given.items()
        ):
            raise InputError("$.run.account_names: expected {account id: name}", directory)
        names.update(given)
    return names


def merge_runs(
    documents: Sequence[dict[str, Any]], dirs: Sequence[str], rules: Sequence[RuleInfo]
) -> tuple[list[Finding], RunInfo]:
    """The findings and run of all shards together (pure)."""
    runs = [doc["run"] for doc in documents]
    digest = _same(runs, "the policy pack", lambda r: r["policy_pack"]["digest"], dirs)
    findings: dict[str, Finding] = {}
    for doc in documents:
        for data in doc["findings"]:
            finding = finding_from_dict(data)
            findings.setdefault(finding.fingerprint, finding)
    gaps = sorted(
        (g for r in runs for g in r.get("coverage_gaps", [])),
        key=lambda g: (g["account"], g["region"], g["type"], g["code"], g.get("message", "")),
    )
    inventory = sorted(
        (i["account"], i["region"], i["type"], int(i["count"]))
        for r in runs
        for i in r.get("inventory", [])
    )
    run = RunInfo(
        tool_version=_same(runs, "the tool version", lambda r: r["tool_version"], dirs),
        collected_at=min(str(r["collected_at"]) for r in runs),
        accounts=tuple(sorted({a for r in runs for a in r["accounts"]})),
        regions=tuple(sorted({g for r in runs for g in r["regions"]})),
        policy_pack_digest=digest,
        policy_pack_dir=_same(runs, "the policy pack", lambda r: r["policy_pack"]["dir"], dirs),
        baseline_dir=_same(runs, "the baseline", lambda r: r["baseline"]["dir"], dirs),
        baseline_commit=_same(runs, "the baseline commit", lambda r: r["baseline"]["commit"], dirs),
        coverage_gaps=tuple(gaps),
        inventory=tuple(inventory),
        rules=tuple(sorted(rules, key=lambda r: r.id)),
        api_calls=sum(int(r.get("api_calls", 0)) for r in runs),
        tool_uri=HOMEPAGE,
        account_names=tuple(_account_names(runs, dirs).items()),
        exposure=_merged_exposure(documents, dirs),
    )
    return sorted(findings.values(), key=Finding.sort_key), run


def _merged_exposure(documents: Sequence[dict[str, Any]], dirs: Sequence[str]) -> Any:
    """Every shard's exposures and cut open rules, in the engine's order (None when no
    shard computed any)."""
    from scanner.exposure.engine import blocked_key, exposure_key
    from scanner.exposure.model import Blocked, Exposure, ExposureReport

    if not any("exposure" in doc for doc in documents):
        return None
    exposures: list[Exposure] = []
    blocked: list[Blocked] = []
    for doc, directory in zip(documents, dirs, strict=True):
        try:
            part = ExposureReport.from_dict(doc.get("exposure") or {})
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise InputError(f"exposure: not netwarden's records ({exc!r})", directory) from None
        exposures += part.exposures
        blocked += part.blocked
    return ExposureReport(
        tuple(sorted(set(exposures), key=exposure_key)),
        tuple(sorted(set(blocked), key=blocked_key)),
    )
