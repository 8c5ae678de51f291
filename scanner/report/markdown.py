"""``report.md`` for auditors (pure): a summary that fits a screen first (counts, the most
severe findings, by control), then scope, coverage, drift (with what changed and who changed
it), findings, compliance mapping and an inventory appendix.

Every string that AWS (or whoever named a resource) provides goes through
``scanner.report.escape``; tables go through tabulate (``scanner.report.mdtable``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from scanner.consolidate import FindingGroup, group_related
from scanner.model import SEVERITIES, Finding
from scanner.report.base import ordered, reporter
from scanner.report.compliance import control_evidence, control_rows
from scanner.report.escape import md, md_code
from scanner.report.exposure import section as exposure_section
from scanner.report.mdfindings import (
    SEVERITY_TITLE,
    changed_by,
    findings_section,
    location,
    what_changed,
)
from scanner.report.mdtable import table
from scanner.report.mdtraffic import traffic_section
from scanner.report.run import RuleInfo, RunInfo, rule_catalog

TOP_FINDINGS = 10  # in the summary; every finding is in the Findings section


def _account(run: RunInfo, account: str) -> str:
    """The account id as code, with its name from the accounts file or Organizations."""
    name = run.account_name(account)
    return f"{md_code(account)} ({md(name)})" if name else md_code(account)


def _collected_by(run: RunInfo) -> str:
    if not run.snapshot_tool_version:
        return ""
    return f" (snapshot collected by netwarden {md(run.snapshot_tool_version)})"


def _scope(run: RunInfo, total: int) -> Iterator[str]:
    yield "## Scope\n\n"
    commit = md_code(run.baseline_commit) if run.baseline_commit else "not in git"
    coverage = "complete" if not run.coverage_gaps else f"{len(run.coverage_gaps)} gap(s)"
    rows = [
        ["Accounts", ", ".join(_account(run, a) for a in run.accounts) or "none"],
        ["Regions", ", ".join(md_code(r) for r in run.regions) or "none"],
        ["Collected at", md(run.collected_at)],
        ["Scan scope", md_code(run.scope_id)],
        ["Tool version", f"netwarden {md(run.tool_version)}{_collected_by(run)}"],
        ["Policy pack", f"{md_code(run.policy_pack_dir)} ({len(run.rules)} rules)"],
        ["Policy pack digest", md_code(run.policy_pack_digest)],
        ["Baseline", md_code(run.baseline_dir)],
        ["Baseline commit", commit],
        ["API calls", str(run.api_calls)],
        ["Coverage", coverage],
        ["Findings", str(total)],
    ]
    yield table(["Item", "Value"], rows) + "\n"


def _top(
    pairs: Sequence[tuple[Finding, str]], run: RunInfo, groups: Sequence[FindingGroup]
) -> Iterator[str]:
    """The most severe problems, one row per resource and rule family (the SSH rule and the
    unapproved-port rule on one permission are one row, with both rule ids); ``groups`` is
    ``group_related`` of the findings of ``pairs``."""
    if not pairs:
        return
    shown = groups[:TOP_FINDINGS]
    yield f"### Most severe ({len(shown)} of {len(groups)} problems, {len(pairs)} findings)\n\n"
    rows = [
        [
            SEVERITY_TITLE[g.lead.severity],
            ", ".join(md_code(r) for r in g.rule_ids),
            md(g.lead.title),
            md_code(g.lead.resource_id),
            f"{_account(run, g.lead.account)} / {md_code(g.lead.region)}",
        ]
        for g in shown
    ]
    yield table(["Severity", "Rules", "Title", "Resource", "Account / region"], rows) + "\n"


def _summary(pairs: Sequence[tuple[Finding, str]], rules: dict[str, RuleInfo]) -> Iterator[str]:
    yield "## Executive summary\n\n"
    by_kind: Counter[tuple[str, str]] = Counter()
    by_rule: Counter[str] = Counter()
    resources: dict[str, set[tuple[str, str, str]]] = defaultdict(set)
    for finding, _ in pairs:
        by_kind[(finding.severity, finding.kind)] += 1
        by_rule[finding.rule_id] += 1
        resources[finding.rule_id].add((finding.account, finding.region, finding.resource_id))
    policy = sum(n for (_, kind), n in by_kind.items() if kind == "policy")
    drift = len(pairs) - policy
    counts = ", ".join(
        f"{sum(by_kind[(s, k)] for k in ('policy', 'drift'))} {s}" for s in SEVERITIES
    )
    yield (
        f"{len(pairs)} finding(s): {policy} policy violation(s) and {drift} drifted "
        f"resource(s); {counts}.\n\n"
    )
    rows = [
        [
            SEVERITY_TITLE[s],
            str(by_kind[(s, "policy")]),
            str(by_kind[(s, "drift")]),
            str(by_kind[(s, "policy")] + by_kind[(s, "drift")]),
        ]
        for s in SEVERITIES
    ]
    rows.append(["**Total**", str(policy), str(drift), str(len(pairs))])
    yield table(["Severity", "Policy", "Drift", "Total"], rows) + "\n"
    yield "### By control\n\n"
    if not by_rule:
        yield "No rule was broken.\n\n"
        return
    ordered_rules = sorted(by_rule, key=lambda r: (SEVERITIES.index(rules[r].severity), r))
    rows = [
        [
            md_code(r),
            md(rules[r].title),
            SEVERITY_TITLE[rules[r].severity],
            str(by_rule[r]),
            str(len(resources[r])),
        ]
        for r in ordered_rules
    ]
    yield table(["Rule", "Title", "Severity", "Findings", "Resources"], rows) + "\n"


def _coverage(run: RunInfo) -> Iterator[str]:
    yield "## Coverage\n\n"
    for note in run.notes:
        yield f"- **Note ({md(note.get('kind', ''))}):** {md(note.get('message', ''))}\n"
    if run.notes:
        yield "\n"
    if not run.coverage_gaps:
        yield "Every resource type was read in every account and region in scope.\n\n"
        return
    yield (
        f"{len(run.coverage_gaps)} resource type(s) could not be read; nothing can be said "
        "about them, so the scan is incomplete (exit code 3).\n\n"
    )
    rows = [
        [
            _account(run, str(g.get("account", ""))),
            md_code(g.get("region", "")),
            md_code(g.get("type", "")),
            md_code(g.get("code", "")),
            md(g.get("message", "")),
        ]
        for g in run.coverage_gaps
    ]
    yield table(["Account", "Region", "Type", "Error", "Message"], rows) + "\n"


def _drift(pairs: Sequence[tuple[Finding, str]], run: RunInfo) -> Iterator[str]:
    yield "## Drift\n\n"
    rows = [
        [
            SEVERITY_TITLE[f.severity],
            md(f.rule_id.removeprefix("drift/")),
            _account(run, f.account),
            md_code(f.region),
            md_code(f.resource_type),
            md_code(f.resource_id),
            what_changed(f),
            location(f),
            changed_by(f),
        ]
        for f, _ in pairs
        if f.kind == "drift"
    ]
    if not rows:
        yield "No drift: the live network matches the baseline.\n\n"
        return
    headers = [
        "Severity",
        "Change",
        "Account",
        "Region",
        "Type",
        "Resource",
        "What changed",
        "Baseline entry",
        "Changed by",
    ]
    yield table(headers, rows) + "\n"


def _compliance(
    pairs: Sequence[tuple[Finding, str]], rules: list[RuleInfo], incomplete: bool
) -> Iterator[str]:
    yield "## Compliance mapping\n\n"
    rows = control_rows((finding for finding, _ in pairs), rules)
    if not rows:
        yield "No rule maps to a compliance control.\n\n"
        return
    yield (
        "The controls the rule pack checks part of. **no findings** means this scan found "
        "nothing against the part the pack checks; it is not a pass of the whole control.\n\n"
    )
    cells = [
        [
            md(row.framework),
            md_code(row.control),
            ", ".join(md_code(r) for r in row.rules),
            str(row.findings),
            row.status,
        ]
        for row in rows
    ]
    yield table(["Framework", "Control", "Rules", "Findings", "Status"], cells) + "\n"
    if incomplete:
        yield (
            "Coverage is incomplete (see Coverage): nothing is said for what could not be read.\n\n"
        )


def _evidence(
    every: Sequence[tuple[Finding, str]], rules: list[RuleInfo], run: RunInfo
) -> Iterator[str]:
    """Per control, what its rules checked and how much passed: evidence, not only failures."""
    evidence = control_evidence((f for f, _ in every), rules, run.inventory)
    if not evidence:
        return
    yield "## Compliance evidence\n\n"
    yield (
        "Per control, the resources its rules evaluated in this scan and how many of them "
        "passed (a resource with a waived finding is counted as accepted).\n\n"
    )
    current = ""
    for item in evidence:
        if item.framework != current:
            current = item.framework
            yield f"{'' if current == evidence[0].framework else chr(10)}**{md(current)}**\n\n"
        rules_text = ", ".join(md_code(r) for r in item.rules)
        yield f"- {md(item.sentence())} ({item.passed} passed; {rules_text})\n"
    yield "\n"
    if run.coverage_gaps:
        yield "What could not be read (see Coverage) is not counted as checked.\n\n"


def _inventory(run: RunInfo) -> Iterator[str]:
    yield "## Appendix: inventory\n\n"
    if not run.inventory:
        yield "No resources were collected.\n"
        return
    by_type: Counter[str] = Counter()
    rows = []
    for account, region, rtype, count in run.inventory:
        by_type[rtype] += count
        rows.append([md_code(account), md_code(region), md_code(rtype), str(count)])
    yield table(["Account", "Region", "Type", "Resources"], rows) + "\n"
    totals = [[md_code(t), str(by_type[t])] for t in sorted(by_type)]
    totals.append(["**Total**", str(sum(by_type.values()))])
    yield "### Totals by type\n\n" + table(["Type", "Resources"], totals)


def _waiver_at(waiver: Mapping[str, Any]) -> str:
    return f"{md_code(waiver.get('path', ''))} line {waiver.get('line', '?')}"


def _accepted(waived: Sequence[tuple[Finding, str]], run: RunInfo) -> Iterator[str]:
    """The findings a waiver accepts, and the waivers that expired or match nothing."""
    report = run.waivers or {}
    expired, stale = report.get("expired", []), report.get("stale", [])
    if not waived and not report:
        return
    yield "## Accepted risks\n\n"
    if report.get("file"):
        yield f"Waivers read from {md_code(report['file'])}.\n\n"
    if waived:
        yield (
            f"{len(waived)} finding(s) are accepted by a waiver: they are listed here and in "
            "findings.json, and do not count for `--fail-on`.\n\n"
        )
        rows = [
            [
                SEVERITY_TITLE[f.severity],
                md_code(f.rule_id),
                md_code(f.resource_id),
                f"{_account(run, f.account)} / {md_code(f.region)}",
                md((f.waiver or {}).get("reason", "")),
                md((f.waiver or {}).get("owner", "")),
                md((f.waiver or {}).get("expires", "")),
                _waiver_at(f.waiver or {}),
            ]
            for f, _ in waived
        ]
        headers = ["Severity", "Rule", "Resource", "Account / region", "Reason", "Owner"]
        yield table([*headers, "Expires", "Waiver"], rows) + "\n"
    else:
        yield "No finding is accepted by a waiver.\n\n"
    if expired:
        yield (
            "### Expired waivers\n\nThese no longer apply: the findings they accepted count "
            "again. Renew them (with a new review) or fix the findings.\n\n"
        )
        rows = [
            [
                md_code(w.get("rule", "")),
                md_code(w.get("resource", "")),
                md(w.get("owner", "")),
                md(w.get("expires", "")),
                str(w.get("findings", 0)),
                _waiver_at(w),
            ]
            for w in expired
        ]
        yield table(["Rule", "Resource", "Owner", "Expired", "Findings", "Waiver"], rows) + "\n"
    if stale:
        yield "### Stale waivers\n\nThese match no finding of this scan; remove them.\n\n"
        rows = [
            [
                md_code(w.get("rule", "")),
                md_code(w.get("resource", "")),
                md(w.get("owner", "")),
                md(w.get("expires", "")),
                _waiver_at(w),
            ]
            for w in stale
        ]
        yield table(["Rule", "Resource", "Owner", "Expires", "Waiver"], rows) + "\n"


MAX_CHANGES_LISTED = 50  # new / resolved rows in the lead section; the rest are below
MAX_EXPOSURE_ROWS = 200  # rows of each exposure table in report.md; findings.json has all


def _changes(pairs: Sequence[tuple[Finding, str]], run: RunInfo) -> Iterator[str]:
    """What changed since the previous run, first: what a nightly reader acts on."""
    previous = run.previous
    if previous is None:
        return
    new = [f for f, _ in pairs if f.status == "new"]
    resolved = list(previous.get("resolved", []))
    existing = len(pairs) - len(new)
    when = md(previous.get("collected_at") or "unknown time")
    yield "## Since the previous run\n\n"
    yield (
        f"Compared with the run collected at {when} ({md_code(previous.get('path', ''))}): "
        f"**{len(new)} new**, {len(resolved)} resolved, {existing} still open.\n\n"
    )
    if new:
        yield f"### New ({len(new)})\n\n"
        rows = [
            [
                SEVERITY_TITLE[f.severity],
                md_code(f.rule_id),
                md(f.title),
                md_code(f.resource_id),
                f"{_account(run, f.account)} / {md_code(f.region)}",
            ]
            for f in new[:MAX_CHANGES_LISTED]
        ]
        yield table(["Severity", "Rule", "Title", "Resource", "Account / region"], rows) + "\n"
        if len(new) > MAX_CHANGES_LISTED:
            yield f"And {len(new) - MAX_CHANGES_LISTED} more (status new in Findings).\n\n"
    else:
        yield "Nothing new.\n\n"
    if resolved:
        yield f"### Resolved ({len(resolved)})\n\n"
        rows = [
            [
                SEVERITY_TITLE.get(str(r.get("severity")), md(r.get("severity") or "")),
                md_code(r.get("rule_id", "")),
                md(r.get("title") or ""),
                md_code(r.get("resource_id", "")),
                f"{_account(run, str(r.get('account', '')))} / {md_code(r.get('region', ''))}",
            ]
            for r in resolved[:MAX_CHANGES_LISTED]
        ]
        yield table(["Severity", "Rule", "Title", "Resource", "Account / region"], rows) + "\n"
        if len(resolved) > MAX_CHANGES_LISTED:
            yield f"And {len(resolved) - MAX_CHANGES_LISTED} more (findings.json lists all).\n\n"


@reporter("markdown", "report.md")
def render(findings: Sequence[Finding], run: RunInfo) -> str:
    """The auditors' report as Markdown text (deterministic; linear in findings)."""
    every = ordered(findings)
    rule_list, _ = rule_catalog(run, (finding for finding, _ in every))
    rules = {rule.id: rule for rule in rule_list}
    # A waived finding is an accepted risk: listed in its own section, counted nowhere else.
    pairs = [p for p in every if p[0].waiver is None]
    waived = [p for p in every if p[0].waiver is not None]
    chunks: list[str] = ["# netwarden compliance report\n\n"]
    chunks.extend(_changes(pairs, run))
    chunks.extend(_summary(pairs, rules))
    if waived:
        chunks.append(f"{len(waived)} more finding(s) are accepted risks (see Accepted risks).\n\n")
    # Grouped once for the top table and the findings' "also reported by" lines.
    groups = group_related(f for f, _ in pairs)
    chunks.extend(_top(pairs, run, groups))
    chunks.extend(_scope(run, len(pairs)))
    chunks.extend(_coverage(run))
    chunks.extend(traffic_section([f for f, _ in pairs], run))
    chunks.extend(_drift(pairs, run))
    if run.exposure is not None:
        chunks.append(exposure_section(run.exposure, max_rows=MAX_EXPOSURE_ROWS) + "\n")
    chunks.extend(findings_section(pairs, rules, groups))
    chunks.extend(_accepted(waived, run))
    chunks.extend(_compliance(pairs, rule_list, bool(run.coverage_gaps)))
    chunks.extend(_evidence(every, rule_list, run))
    chunks.extend(_inventory(run))
    return "".join(chunks)
