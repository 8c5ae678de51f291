"""The findings section of ``report.md``: by severity, then by rule, each finding with its
evidence and step-by-step remediation (pure, linear in the number of findings)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from itertools import groupby
from typing import TYPE_CHECKING, Any

from scanner.model import Finding
from scanner.report.escape import code_block, md, md_code
from scanner.report.jsonindent import SortedIndentedMemo
from scanner.report.run import RuleInfo

if TYPE_CHECKING:
    from scanner.consolidate import FindingGroup

SEVERITY_TITLE = {
    "critical": "Critical",
    "high": "High",
    "medium": "Medium",
    "low": "Low",
    "info": "Informational",
}


def location(finding: Finding) -> str:
    """``path`` line N, as inline code (the policy or baseline entry)."""
    return f"{md_code(finding.location.path)} line {finding.location.line}"


def changed_by(finding: Finding) -> str:
    """Who made a drift change, from CloudTrail ('unknown' when it could not be attributed)."""
    who = finding.attribution
    if who is None:
        return "unknown" if finding.kind == "drift" else ""
    principal = md_code(who.principal) if who.principal else "unknown principal"
    origin = f" from {md_code(who.source_ip)}" if who.source_ip else ""
    return f"{principal}{origin} ({md_code(who.event_name)} at {md(who.event_time)})"


MAX_CHANGES = 4  # per drift table cell; the finding's evidence has all of them


def what_changed(finding: Finding) -> str:
    """The changed fields of a drift, one per line (``+ field: value``, ``- field: value``)."""
    if finding.kind != "drift":
        return ""
    changes = finding.evidence.get("changes") if isinstance(finding.evidence, Mapping) else None
    if not isinstance(changes, list) or not changes:
        return md(finding.rule_id.removeprefix("drift/"))
    parts = []
    for change in changes[:MAX_CHANGES]:
        if not isinstance(change, Mapping):
            continue
        kind = str(change.get("change", ""))
        sign = {"added": "+", "removed": "-"}.get(kind, "~")
        value = change.get("old") if kind == "removed" else change.get("new")
        parts.append(f"{sign} {md(change.get('field', ''))}: {md_code(value)}")
    if len(changes) > MAX_CHANGES:
        parts.append(f"and {len(changes) - MAX_CHANGES} more")
    return "<br>".join(parts)


def observed(traffic: Mapping[str, Any]) -> str:
    """The flow-log evidence in one line: its summary (what is open to whom, accepted flows
    and addresses, last seen), then bytes, the whole span and the top sources."""
    accepted, rejected = int(traffic.get("accepted", 0)), int(traffic.get("rejected", 0))
    if not accepted and not rejected:
        return "no flows from the internet in the flow logs' window"
    if traffic.get("summary"):
        text = f"{md(traffic['summary'])}; {int(traffic.get('bytes', 0)):,} bytes accepted"
    else:
        text = (
            f"{accepted:,} accepted and {rejected:,} rejected flows from "
            f"{int(traffic.get('distinct_sources', 0)):,} internet addresses, "
            f"{int(traffic.get('bytes', 0)):,} bytes accepted"
        )
    if traffic.get("last_seen"):
        text += f", first {md(traffic.get('first_seen'))}, last {md(traffic.get('last_seen'))}"
    top = [s for s in traffic.get("sources") or [] if isinstance(s, Mapping)][:3]
    if top:
        text += "; top: " + ", ".join(
            f"{md_code(s.get('address'))} ({int(s.get('flows', 0)):,})" for s in top
        )
    return text


def _rule_intro(rule: RuleInfo) -> Iterator[str]:
    # Rule text comes from the reviewed policy pack and may use Markdown on purpose.
    yield f"{rule.description}\n\n"
    yield f"**Risk.** {rule.risk}\n\n"
    yield f"**How to fix.** {rule.remediation_text}\n\n"
    if rule.compliance:
        yield "**Controls:** " + ", ".join(md_code(c) for c in rule.compliance) + "\n\n"
    if rule.references:
        yield "**References:** " + ", ".join(f"<{r}>" for r in rule.references) + "\n\n"


def _evidence_blocks() -> SortedIndentedMemo:
    """Each distinct evidence's fenced, indented JSON block, made once per report."""
    return SortedIndentedMemo(default=str, finish=lambda text: code_block(text, "json"))


def _finding(
    finding: Finding,
    fingerprint: str,
    rule: RuleInfo,
    related: Sequence[Finding] = (),
    evidence_block: Callable[[Any], str] | None = None,
) -> str:
    # One text per finding, not a generator's yield per line: at 100k resources report.md
    # has 27,000 findings and the half million resumptions were a sixth of rendering it.
    parts = [
        f"##### {md(finding.resource_id)} — {md(finding.account)} / {md(finding.region)}\n\n",
        f"{md(finding.message)}\n\n",
        f"- **Resource:** {md_code(finding.resource_type)} {md_code(finding.resource_id)}\n",
    ]
    add = parts.append
    if finding.arn:
        add(f"- **ARN:** {md_code(finding.arn)}\n")
    add(f"- **Account / region:** {md_code(finding.account)} / {md_code(finding.region)}\n")
    add(f"- **Severity:** {SEVERITY_TITLE[finding.severity]}\n")
    if finding.status is not None:
        add(f"- **Since the previous run:** {finding.status}\n")
    # A policy finding on a resource the baseline lists is located at that entry.
    at_policy = finding.kind == "policy" and rule.location in (None, finding.location)
    what = "Policy" if at_policy else "Baseline entry"
    add(f"- **{what}:** {location(finding)}\n")
    if finding.kind == "drift":
        add(f"- **Changed by:** {changed_by(finding)}\n")
    if finding.traffic is not None:
        add(f"- **Observed traffic:** {observed(finding.traffic)}\n")
    if finding.compliance:
        add("- **Controls:** " + ", ".join(md_code(c) for c in finding.compliance) + "\n")
    if related:
        others = ", ".join(f"{md_code(f.rule_id)} ({f.severity})" for f in related)
        add(f"- **Same problem, also reported by:** {others}\n")
    add(f"- **Fingerprint:** {md_code(fingerprint)}\n\n")
    # Folded: the evidence is there for who needs it, and the report stays readable.
    add("<details><summary>Evidence</summary>\n\n")
    add((evidence_block or _evidence_blocks())(dict(finding.evidence)))
    add("\n</details>\n\n**Remediation**\n\n")
    if not finding.remediation:
        add(f"{rule.remediation_text}\n\n")
        return "".join(parts)
    for step, action in enumerate(finding.remediation, start=1):
        # The description is the step's text; the command, when there is one, follows it in
        # its own block (a manual step has none, and gets no empty block).
        add(f"{step}. {md(action.description)}\n")
        if action.cli.strip():
            add("\n" + _indented(code_block(action.cli, "bash")))
        add("\n")
    return "".join(parts)


def _indented(block: str) -> str:
    """A code block inside a numbered list item (indented three spaces)."""
    return "".join(f"   {line}" if line.strip() else line for line in block.splitlines(True))


def related_findings(
    findings: Iterable[Finding], groups: Sequence[FindingGroup] | None = None
) -> dict[str, tuple[Finding, ...]]:
    """For each finding (by fingerprint), the others of its group: the same resource and
    rule family (``scanner.consolidate.group_related``; ``groups``: already made of
    ``findings``)."""
    from scanner.consolidate import group_related

    out: dict[str, tuple[Finding, ...]] = {}
    for group in group_related(findings) if groups is None else groups:
        if len(group.findings) < 2:
            continue
        for member in group.findings:
            out[member.fingerprint] = tuple(f for f in group.findings if f is not member)
    return out


def findings_section(
    pairs: Sequence[tuple[Finding, str]],
    rules: Mapping[str, RuleInfo],
    groups: Sequence[FindingGroup] | None = None,
) -> Iterator[str]:
    """Markdown chunks for every finding, grouped by severity then rule (``pairs`` come
    sorted by ``scanner.report.base.ordered``, so grouping is one linear pass); ``groups``:
    ``group_related`` of the findings of ``pairs``, when the caller has it."""
    yield "## Findings\n\n"
    if not pairs:
        yield "No findings.\n\n"
        return
    related = related_findings((f for f, _ in pairs), groups)
    evidence_block = _evidence_blocks()
    for severity, by_severity in groupby(pairs, key=lambda p: p[0].severity):
        group = list(by_severity)
        yield f"### {SEVERITY_TITLE[severity]} ({len(group)})\n\n"
        for rule_id, by_rule in groupby(group, key=lambda p: p[0].rule_id):
            items = list(by_rule)
            rule = rules[rule_id]
            yield f"#### {md(rule_id)}: {md(rule.title)} ({len(items)})\n\n"
            yield from _rule_intro(rule)
            for finding, fingerprint in items:
                yield _finding(
                    finding, fingerprint, rule, related.get(fingerprint, ()), evidence_block
                )
