"""SARIF 2.1.0 for GitHub code scanning (pure): ``netwarden.sarif``.

What GitHub needs to accept and track the results, and how it is met here:

- one ``reportingDescriptor`` per policy and per drift kind, with descriptions, help (text and
  Markdown), ``security-severity`` and a ``security`` tag, so alerts show a severity;
- every result has a physical location (GitHub rejects the whole file otherwise), where a
  reader of the repository should look: the baseline entry for drift and for a policy finding
  on a resource the baseline lists (the policy then in ``relatedLocations``), the policy line
  otherwise, relative to ``%SRCROOT%``;
- drift results carry their own severity: the rule id is ``drift/<change>/<severity>``
  (GitHub reads ``security-severity`` from the rule only), so a change that only narrows
  exposure is not an 8.0 alert; ``properties.ruleId`` keeps netwarden's id;
- the message is one short sentence; the evidence is in ``properties``;
- ``partialFingerprints.primaryLocationLineHash`` is the finding's fingerprint (rule, account,
  region, resource, evidence; never the file or line), so alerts survive edits to the files
  and two resources on the same policy line stay two alerts;
- ``automationDetails.id`` is ``--category`` + ``/`` (default ``netwarden/``), the same
  whatever accounts are scanned, so GitHub compares each scan with the previous one;
- at most 25,000 results per run: the most severe are kept, deterministically, and a tool
  notification says how many were left out.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Iterator, Mapping, Sequence
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import quote

from scanner.drift.describe import drift_sentence
from scanner.model import Finding, Severity
from scanner.report.base import dumps_with_items, items_placeholder, ordered, reporter
from scanner.report.escape import sarif_text
from scanner.report.run import RuleInfo, RunInfo, rule_catalog

SCHEMA_URI = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
MAX_RESULTS = 25_000  # GitHub's hard limit of results per run
SRCROOT = "%SRCROOT%"
SRCROOT_DESCRIPTION = "The repository that holds policies/ and baselines/."
LEVEL = {
    "critical": "error",
    "high": "error",
    "medium": "warning",
    "low": "warning",
    "info": "note",
}
# GitHub's scale: critical >= 9.0, high 7.0-8.9, medium 4.0-6.9, low 0.1-3.9.
SECURITY_SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "2.0"}
PROBLEM_SEVERITY = {
    "critical": "error",
    "high": "error",
    "medium": "warning",
    "low": "recommendation",
    "info": "recommendation",
}
DRIFT_SEVERITY_MEANING = {
    "critical": "the change opens the network to the internet on a sensitive path.",
    "high": "the change widens exposure or blinds detection.",
    "medium": "the change alters the network without widening exposure.",
    "low": "the change only narrows exposure.",
    "info": "the change is informational.",
}
MAX_TAGS = 10  # GitHub keeps 10 tags per rule (and rejects more than 20)
MESSAGE_CHARS = 300
MAX_GAP_NOTES = 1_000  # coverage gaps listed as tool notifications


def _uri(path: str) -> dict[str, str]:
    """An artifactLocation: repo-relative paths under %SRCROOT%, absolute ones as file URIs."""
    return dict(_uri_of(path))  # a fresh dict per result: the cached pairs are shared


@functools.lru_cache(maxsize=4096)  # one baseline file per region, asked once per result
def _uri_of(path: str) -> tuple[tuple[str, str], ...]:
    posix = PurePosixPath(path.replace("\\", "/"))
    if posix.is_absolute():
        return (("uri", posix.as_uri()),)
    return (("uri", quote(str(posix), safe="/")), ("uriBaseId", SRCROOT))


def _help(rule: RuleInfo) -> dict[str, str]:
    refs = list(rule.references)
    text = [rule.description, f"Risk: {rule.risk}", f"Remediation: {rule.remediation_text}"]
    markdown = [
        rule.description,
        f"**Risk.** {rule.risk}",
        f"**Remediation.** {rule.remediation_text}",
    ]
    if rule.compliance:
        text.append("Compliance: " + ", ".join(rule.compliance))
        markdown.append("**Compliance:** " + ", ".join(f"`{c}`" for c in rule.compliance))
    if refs:
        text.append("References:\n" + "\n".join(f"- {r}" for r in refs))
        markdown.append("**References**\n\n" + "\n".join(f"- <{r}>" for r in refs))
    if rule.location:
        where = f"{rule.location.path} line {rule.location.line}"
        text.append(f"Defined in {where}.")
        markdown.append(f"Defined in `{rule.location.path}` line {rule.location.line}.")
    return {"text": "\n\n".join(text), "markdown": "\n\n".join(markdown)}


def _descriptor(rule: RuleInfo) -> dict[str, Any]:
    tags = ["security", "network", rule.kind, *rule.compliance][:MAX_TAGS]
    properties: dict[str, Any] = {"tags": tags, "precision": "very-high"}
    properties["problem.severity"] = PROBLEM_SEVERITY[rule.severity]
    if rule.severity in SECURITY_SEVERITY:
        properties["security-severity"] = SECURITY_SEVERITY[rule.severity]
    properties["severity"] = rule.severity
    properties["compliance"] = list(rule.compliance)
    descriptor: dict[str, Any] = {
        "id": rule.id,
        "name": rule.display_name,
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": rule.description},
        "help": _help(rule),
    }
    if rule.uri:
        descriptor["helpUri"] = rule.uri
    descriptor["defaultConfiguration"] = {"level": LEVEL[rule.severity]}
    descriptor["properties"] = properties
    return descriptor


def _message(finding: Finding) -> str:
    """One short sentence: what, where, and the finding's own message (evidence is in
    ``properties.evidence``, the ARN in ``logicalLocations``)."""
    if finding.kind == "drift":
        return _drift_message(finding)
    own = finding.message
    # A policy finding's message starts "<type> <id> (<account>/<region>): " (the policy
    # stage's wording); the prefix below says that already, so GitHub shows it once.
    named = f" {finding.resource_id} ({finding.account}/{finding.region}): "
    at = own.find(named)
    if 0 <= at <= len(finding.resource_type) and " " not in own[:at]:
        own = own[at + len(named) :]
    message = sarif_text(own, MESSAGE_CHARS).rstrip(". ")
    place = _place(finding.resource_type, finding.account, finding.region)
    return f"{sarif_text(finding.resource_id)} ({place}): {message}."


@functools.lru_cache(maxsize=4096, typed=True)  # a few types, accounts, regions
def _place(resource_type: Any, account: Any, region: Any) -> str:
    return f"{sarif_text(resource_type)}, {sarif_text(account)}/{sarif_text(region)}"


def _drift_message(finding: Finding) -> str:
    """``Security group sg-1 gained ingress tcp/22 from 0.0.0.0/0 outside the baseline
    (111111111111/eu-west-1).``, worded from the evidence (``properties.evidence`` has every
    change in full), so a finding read back from findings.json reads the same."""
    evidence = finding.evidence if isinstance(finding.evidence, Mapping) else {}
    change = str(evidence.get("change") or finding.rule_id.removeprefix("drift/"))
    changes = evidence.get("changes")
    sentence = drift_sentence(
        finding.resource_type,
        finding.resource_id,
        change,
        changes if isinstance(changes, list) else (),
    )
    text = f"{sentence} ({finding.account}/{finding.region})"
    exposure = finding.exposure if isinstance(finding.exposure, Mapping) else {}
    if exposure.get("reachable"):
        enis = exposure.get("enis")
        count = len(enis) if isinstance(enis, list) else 0
        text += f": it opens a path from the internet to {count} network interface(s)"
    return sarif_text(text, MESSAGE_CHARS).rstrip(". ") + "."


def sarif_rule_id(finding: Finding) -> str:
    """The SARIF rule of a finding: its rule id, and for drift also its severity."""
    if finding.kind == "drift":
        return f"{finding.rule_id}/{finding.severity}"
    return finding.rule_id


def _severity_variant(rule: RuleInfo, severity: Severity) -> RuleInfo:
    """A drift rule at one severity (``drift/modified/low``)."""
    return dataclasses.replace(
        rule,
        id=f"{rule.id}/{severity}",
        name=f"{rule.display_name}{severity.title()}",
        title=f"{rule.title} ({severity})",
        severity=severity,
        description=f"{rule.description} Severity {severity}: {DRIFT_SEVERITY_MEANING[severity]}",
    )


def _related(finding: Finding, rule: RuleInfo) -> list[dict[str, Any]]:
    """The policy that a finding located elsewhere (its baseline entry) comes from."""
    if finding.kind != "policy" or rule.location is None or rule.location == finding.location:
        return []
    return _policy_location(rule.location.path, rule.location.line, rule.id)


@functools.lru_cache(maxsize=4096, typed=True)  # one per policy, asked per finding
def _policy_location(path: str, line: int, rule_id: str) -> list[dict[str, Any]]:
    # Shared by every result of the policy: results are encoded, never changed.
    return [
        {
            "id": 1,
            "physicalLocation": {
                "artifactLocation": _uri(path),
                "region": {"startLine": max(1, line)},
            },
            "message": {"text": f"policy {sarif_text(rule_id)}"},
        }
    ]


def _result(finding: Finding, fingerprint: str, rule_index: int, rule: RuleInfo) -> dict[str, Any]:
    name = f"{finding.account}/{finding.region}/{finding.resource_type}/{finding.resource_id}"
    properties: dict[str, Any] = {
        "account": finding.account,
        "region": finding.region,
        "resourceType": finding.resource_type,
        "resourceId": finding.resource_id,
        "arn": finding.arn,
        "severity": finding.severity,
        "kind": finding.kind,
        "ruleId": finding.rule_id,
        "fingerprint": fingerprint,
        "compliance": list(finding.compliance),
        "evidence": dict(finding.evidence),
        "remediation": [action.to_dict() for action in finding.remediation],
    }
    if finding.attribution is not None:
        properties["attribution"] = finding.attribution.to_dict()
    if finding.traffic is not None:
        properties["traffic"] = dict(finding.traffic)
    if finding.exposure is not None:
        properties["exposure"] = dict(finding.exposure)
    result: dict[str, Any] = {
        "ruleId": sarif_rule_id(finding),
        "ruleIndex": rule_index,
        "kind": "fail",
        "level": LEVEL[finding.severity],
        "message": {"text": _message(finding)},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": _uri(finding.location.path),
                    "region": {"startLine": max(1, finding.location.line)},
                },
                "logicalLocations": [
                    {
                        "name": finding.resource_id,
                        "fullyQualifiedName": finding.arn or name,
                        "kind": "resource",
                    }
                ],
            }
        ],
        "partialFingerprints": {
            "primaryLocationLineHash": f"{fingerprint}:1",
            "netwarden/v1": fingerprint,
        },
        "properties": properties,
    }
    related = _related(finding, rule)
    if related:
        result["relatedLocations"] = related
    if finding.status is not None:
        # Against --previous: SARIF's own word for it (GitHub computes its own as well).
        result["baselineState"] = "new" if finding.status == "new" else "unchanged"
        properties["status"] = finding.status
    if finding.waiver is not None:
        # An accepted risk: code scanning shows it as dismissed, with who accepted it and why.
        properties["waiver"] = dict(finding.waiver)
        result["suppressions"] = [
            {
                "kind": "external",
                "status": "accepted",
                "justification": sarif_text(waiver_justification(finding.waiver), 1000),
                "location": {
                    "physicalLocation": {
                        "artifactLocation": _uri(str(finding.waiver.get("path", ""))),
                        "region": {"startLine": max(1, int(finding.waiver.get("line") or 1))},
                    }
                },
            }
        ]
    return result


def waiver_justification(waiver: Mapping[str, Any]) -> str:
    """The waiver as one sentence: reason, owner, expiry."""
    return (
        f"{waiver.get('reason', '')} (owner {waiver.get('owner', '?')}, "
        f"expires {waiver.get('expires', '?')})"
    )


def _notification(text: str, level: str = "warning") -> dict[str, Any]:
    return {"level": level, "message": {"text": sarif_text(text)}}


def _notifications(run: RunInfo, total: int, kept: int, limit: int) -> list[dict[str, Any]]:
    notes = []
    if kept < total:
        notes.append(
            _notification(
                f"Only the {kept} most severe of {total} findings are in this SARIF run "
                f"(GitHub accepts at most {limit} results per run); findings.json and report.md "
                "list all of them."
            )
        )
    for note in run.notes:
        notes.append(_notification(str(note.get("message", "")), "note"))
    waivers = run.waivers or {}
    for waiver in waivers.get("expired", []):
        notes.append(
            _notification(
                f"Waiver at {waiver.get('path')}:{waiver.get('line')} ({waiver.get('rule')} on "
                f"{waiver.get('resource')}) expired on {waiver.get('expires')}; the "
                f"{waiver.get('findings', 0)} finding(s) it accepted count again."
            )
        )
    for waiver in waivers.get("stale", []):
        notes.append(
            _notification(
                f"Waiver at {waiver.get('path')}:{waiver.get('line')} ({waiver.get('rule')} on "
                f"{waiver.get('resource')}) matches no finding (stale): remove it.",
                "note",
            )
        )
    for gap in run.coverage_gaps[:MAX_GAP_NOTES]:
        notes.append(
            _notification(
                f"Could not read {gap.get('type', '?')} in account {gap.get('account', '?')}, "
                f"region {gap.get('region', '?')}: {gap.get('code', '')}: "
                f"{gap.get('message', '')}"
            )
        )
    if len(run.coverage_gaps) > MAX_GAP_NOTES:
        notes.append(
            _notification(
                f"{len(run.coverage_gaps) - MAX_GAP_NOTES} more resource types could not be "
                "read; report.md and findings.json list every coverage gap."
            )
        )
    return notes


def _run_properties(run: RunInfo, total: int, kept: int) -> dict[str, Any]:
    collected_by = {"snapshotToolVersion": run.snapshot_tool_version}
    return {
        **(collected_by if run.snapshot_tool_version else {}),
        "collectedAt": run.collected_at,
        "accounts": list(run.accounts),
        **({"accountNames": dict(run.account_names)} if run.account_names else {}),
        "regions": list(run.regions),
        "policyPack": {"dir": run.policy_pack_dir, "digest": run.policy_pack_digest},
        "baseline": {"dir": run.baseline_dir, "commit": run.baseline_commit},
        "apiCalls": run.api_calls,
        "coverageGaps": len(run.coverage_gaps),
        "findingsTotal": total,
        "resultsIncluded": kept,
        **({"waivers": dict(run.waivers)} if run.waivers is not None else {}),
        **({"previous": dict(run.previous)} if run.previous is not None else {}),
        "truncated": kept < total,
    }


def _log(
    findings: Sequence[Finding], run: RunInfo, max_results: int
) -> tuple[dict[str, Any], Iterator[dict[str, Any]]]:
    """The log with a placeholder for its results, and the results (built one at a time as
    they are consumed, so a large log never holds every result dict at once)."""
    pairs = ordered(findings)
    kept = pairs[:max_results]
    catalog, _ = rule_catalog(run, (finding for finding, _ in kept))
    by_id = {rule.id: rule for rule in catalog}
    # Drift rules appear once per severity that occurs; policy rules all appear.
    variants = {
        (f.rule_id, f.severity) for f, _ in kept if f.kind == "drift" and f.rule_id in by_id
    }
    rules = sorted(
        [rule for rule in catalog if rule.kind != "drift"]
        + [_severity_variant(by_id[rule_id], severity) for rule_id, severity in variants],
        key=lambda rule: rule.id,
    )
    index = {rule.id: position for position, rule in enumerate(rules)}
    driver: dict[str, Any] = {
        "name": "netwarden",
        "fullName": "netwarden AWS network compliance scanner",
    }
    if run.tool_version:
        driver["version"] = driver["semanticVersion"] = run.tool_version
    if run.tool_uri:
        driver["informationUri"] = run.tool_uri
    driver["rules"] = [_descriptor(rule) for rule in rules]
    invocation: dict[str, Any] = {"executionSuccessful": True}
    notes = _notifications(run, len(pairs), len(kept), max_results)
    if notes:
        invocation["toolExecutionNotifications"] = notes
    sarif_run: Mapping[str, Any] = {
        "tool": {"driver": driver},
        "automationDetails": {"id": run.scope_id},
        "originalUriBaseIds": {SRCROOT: {"description": {"text": SRCROOT_DESCRIPTION}}},
        "invocations": [invocation],
        "results": items_placeholder(),
        "properties": _run_properties(run, len(pairs), len(kept)),
    }
    results = (_result(f, fp, index[sarif_rule_id(f)], by_id[f.rule_id]) for f, fp in kept)
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [sarif_run]}, results


def sarif_log(
    findings: Sequence[Finding], run: RunInfo, *, max_results: int = MAX_RESULTS
) -> dict[str, Any]:
    """The SARIF log as a JSON-ready dict (see :func:`render`)."""
    log, results = _log(findings, run, max_results)
    log["runs"][0]["results"] = list(results)
    return log


@reporter("sarif", "netwarden.sarif")
def render(findings: Sequence[Finding], run: RunInfo, *, max_results: int = MAX_RESULTS) -> str:
    """SARIF 2.1.0 text: deterministic (sorted, no timestamps), most severe results first,
    one result per line."""
    log, results = _log(findings, run, max_results)
    return dumps_with_items(log, results)
