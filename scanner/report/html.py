"""``report.html`` (pure): the auditors' report as one self-contained page.

The same sections as ``report.md`` (summary, scope, coverage, drift, findings, accepted
risks, compliance, inventory), plus a severity chart, a per-account/region heat table and,
where a finding carries exposure paths, a diagram of them. Inline CSS and SVG only: no
script, no font, no image, no link that loads anything, and a Content-Security-Policy of
``default-src 'none'`` so a browser refuses any request the page might still try to make.
Every string reaches the page through ``html.escape`` (AWS text is attacker text).
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from itertools import groupby
from typing import Any

from scanner.exposure.render import (
    BLOCKED_HEADERS,
    EXPOSURE_HEADERS,
    blocked_row,
    exposure_row,
    traffic,
)
from scanner.model import SEVERITIES, SEVERITY_RANK, Finding
from scanner.report.base import ordered, reporter
from scanner.report.compliance import control_evidence, control_rows
from scanner.report.escape import html_text
from scanner.report.jsonindent import dumps_sorted_indented
from scanner.report.run import RuleInfo, RunInfo, rule_catalog
from scanner.report.svg import COLOURS, exposure_diagram, heat, severity_chart

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
MAX_DETAILED = 2_000  # findings shown in full; beyond that one table row each
MAX_EXPOSURE_ROWS = 200  # rows of each exposure table; findings.json has every record
MAX_EXPOSURE_DIAGRAMS = 20

STYLE = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1b1f24}
main{max-width:1200px;margin:0 auto;padding:24px}
h1{font-size:24px;margin:0 0 4px}h2{border-bottom:1px solid #d0d7de;padding-bottom:4px;
margin-top:32px}h3{margin-top:24px}
table{border-collapse:collapse;margin:8px 0 16px;font-size:13px}
th,td{border:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f6f8fa}td.n{text-align:right;font-variant-numeric:tabular-nums}
code,pre{font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,monospace}
pre{background:#f6f8fa;padding:8px;overflow-x:auto;white-space:pre-wrap;word-break:break-all}
.sev{display:inline-block;border-radius:10px;padding:0 8px;color:#fff;font-size:12px}
.cards{display:flex;gap:12px;flex-wrap:wrap;margin:12px 0}
.card{border:1px solid #d0d7de;border-radius:8px;padding:8px 16px;min-width:110px}
.card b{display:block;font-size:22px}
details{border:1px solid #d0d7de;border-radius:6px;margin:6px 0;padding:4px 10px}
summary{cursor:pointer}.muted{color:#57606a}
svg text{font:12px system-ui,sans-serif}svg .count{fill:#1b1f24}
svg .node{fill:#eef4ff;stroke:#4a6fa5}svg .kind{fill:#57606a;font-size:11px}
svg .ident{fill:#1b1f24;font-family:ui-monospace,monospace}svg .edge{stroke:#555}
"""


def _e(value: Any) -> str:
    if isinstance(value, str):
        return html_text(value)
    return html_text(json.dumps(value, sort_keys=True, default=str))


def _code(value: Any) -> str:
    return f"<code>{_e(value)}</code>"


def _badge(severity: str) -> str:
    return f'<span class="sev" style="background:{COLOURS[severity]}">{_e(severity)}</span>'


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]], numeric: int = 0) -> str:
    """Cells are already-escaped HTML; the last ``numeric`` columns are right-aligned."""
    head = "".join(f"<th>{h}</th>" for h in headers)
    body = []
    for row in rows:
        cells = [
            f'<td class="n">{c}</td>' if i >= len(row) - numeric else f"<td>{c}</td>"
            for i, c in enumerate(row)
        ]
        body.append(f"<tr>{''.join(cells)}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _account(run: RunInfo, account: str) -> str:
    name = run.account_name(account)
    return f"{_code(account)} {_e(name)}" if name else _code(account)


def _summary(pairs: Sequence[tuple[Finding, str]], run: RunInfo) -> Iterator[str]:
    active = [f for f, _ in pairs if f.waiver is None]
    counts: Counter[str] = Counter(f.severity for f in active)
    drift = sum(1 for f in active if f.kind == "drift")
    yield '<section id="summary"><h2>Summary</h2><div class="cards">'
    yield f'<div class="card"><b>{len(active)}</b>findings</div>'
    yield f'<div class="card"><b>{len(active) - drift}</b>policy violations</div>'
    yield f'<div class="card"><b>{drift}</b>drifted resources</div>'
    waived = len(pairs) - len(active)
    if waived:
        yield f'<div class="card"><b>{waived}</b>accepted risks</div>'
    complete = "complete" if not run.coverage_gaps else f"{len(run.coverage_gaps)} gap(s)"
    yield f'<div class="card"><b>{_e(complete)}</b>coverage</div></div>'
    yield severity_chart(counts, SEVERITIES)
    yield from _heat_table(active, run)
    yield "</section>"


def _heat_table(findings: Sequence[Finding], run: RunInfo) -> Iterator[str]:
    cells: Counter[tuple[str, str]] = Counter((f.account, f.region) for f in findings)
    worst: dict[tuple[str, str], str] = {}
    for finding in findings:
        key = (finding.account, finding.region)
        if key not in worst or SEVERITY_RANK[finding.severity] > SEVERITY_RANK[worst[key]]:
            worst[key] = finding.severity
    accounts = sorted({*run.accounts, *(a for a, _ in cells)})
    regions = sorted({*run.regions, *(r for _, r in cells)})
    if not accounts or not regions:
        return
    top = max(cells.values(), default=0)
    yield "<h3>Findings by account and region</h3>"
    head = "".join(f"<th>{_e(r)}</th>" for r in regions)
    rows = []
    for account in accounts:
        tds = []
        for region in regions:
            n = cells.get((account, region), 0)
            title = f' title="worst: {_e(worst[(account, region)])}"' if n else ""
            tds.append(f'<td class="n" style="background:{heat(n, top)}"{title}>{n or ""}</td>')
        rows.append(f"<tr><th>{_account(run, account)}</th>{''.join(tds)}</tr>")
    yield (
        f'<table class="heat"><thead><tr><th>account</th>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _changes(pairs: Sequence[tuple[Finding, str]], run: RunInfo) -> Iterator[str]:
    previous = run.previous
    if previous is None:
        return
    new = [f for f, _ in pairs if f.status == "new" and f.waiver is None]
    resolved = list(previous.get("resolved", []))
    yield '<section id="changes"><h2>Since the previous run</h2>'
    yield (
        f"<p>Compared with the run collected at {_e(previous.get('collected_at') or '?')}: "
        f"<b>{len(new)} new</b>, {len(resolved)} resolved.</p>"
    )
    headers = ["Severity", "Rule", "Resource", "Account / region", "Title"]
    if new:
        rows = [
            [
                _badge(f.severity),
                _code(f.rule_id),
                _code(f.resource_id),
                f"{_account(run, f.account)} / {_code(f.region)}",
                _e(f.title),
            ]
            for f in new[:200]
        ]
        yield "<h3>New</h3>" + _table(headers, rows)
    if resolved:
        rows = [
            [
                _badge(str(r["severity"])) if r.get("severity") in COLOURS else _e("?"),
                _code(r.get("rule_id", "")),
                _code(r.get("resource_id", "")),
                f"{_account(run, str(r.get('account', '')))} / {_code(r.get('region', ''))}",
                _e(r.get("title") or ""),
            ]
            for r in resolved[:200]
        ]
        yield "<h3>Resolved</h3>" + _table(headers, rows)
    yield "</section>"


def _scope(run: RunInfo, total: int) -> Iterator[str]:
    rows = [
        ["Accounts", ", ".join(_account(run, a) for a in run.accounts) or "none"],
        ["Regions", ", ".join(_code(r) for r in run.regions) or "none"],
        ["Collected at", _e(run.collected_at)],
        ["Scan scope", _code(run.scope_id)],
        ["Tool version", f"netwarden {_e(run.tool_version)}"],
        ["Policy pack", f"{_code(run.policy_pack_dir)} ({len(run.rules)} rules)"],
        ["Policy pack digest", _code(run.policy_pack_digest)],
        ["Baseline", _code(run.baseline_dir)],
        ["Baseline commit", _code(run.baseline_commit) if run.baseline_commit else "not in git"],
        ["API calls", str(run.api_calls)],
        ["Findings", str(total)],
    ]
    yield '<section id="scope"><h2>Scope</h2>' + _table(["Item", "Value"], rows) + "</section>"


def _coverage(run: RunInfo) -> Iterator[str]:
    yield '<section id="coverage"><h2>Coverage</h2>'
    for note in run.notes:
        yield f"<p><b>Note ({_e(note.get('kind', ''))}):</b> {_e(note.get('message', ''))}</p>"
    if not run.coverage_gaps:
        yield "<p>Every resource type was read in every account and region in scope.</p>"
    else:
        yield (
            f"<p>{len(run.coverage_gaps)} resource type(s) could not be read; nothing can be "
            "said about them, so the scan is incomplete (exit code 3).</p>"
        )
        rows = [
            [_code(g.get(k, "")) for k in ("account", "region", "type", "code")]
            + [_e(g.get("message", ""))]
            for g in run.coverage_gaps
        ]
        yield _table(["Account", "Region", "Type", "Error", "Message"], rows)
    yield "</section>"


def _change_summary(finding: Finding) -> str:
    changes = finding.evidence.get("changes") if isinstance(finding.evidence, dict) else None
    if not isinstance(changes, list) or not changes:
        return _e(finding.rule_id.removeprefix("drift/"))
    parts = []
    for change in changes[:6]:
        if isinstance(change, dict):
            sign = {"added": "+", "removed": "-"}.get(str(change.get("change")), "~")
            value = change.get("new") if change.get("change") != "removed" else change.get("old")
            parts.append(f"{sign} {_e(change.get('field', ''))}: {_code(value)}")
    more = f"<br>… {len(changes) - 6} more" if len(changes) > 6 else ""
    return "<br>".join(parts) + more


def _who(finding: Finding) -> str:
    who = finding.attribution
    if who is None:
        return "unknown"
    principal = _code(who.principal) if who.principal else "unknown principal"
    origin = f" from {_code(who.source_ip)}" if who.source_ip else ""
    return f"{principal}{origin} ({_code(who.event_name)} at {_e(who.event_time)})"


def _drift(pairs: Sequence[tuple[Finding, str]], run: RunInfo) -> Iterator[str]:
    yield '<section id="drift"><h2>Drift</h2>'
    rows = [
        [
            _badge(f.severity),
            _e(f.rule_id.removeprefix("drift/")),
            _account(run, f.account),
            _code(f.region),
            _code(f.resource_type),
            _code(f.resource_id),
            _change_summary(f),
            _who(f),
        ]
        for f, _ in pairs
        if f.kind == "drift" and f.waiver is None
    ]
    if rows:
        headers = ["Severity", "Change", "Account", "Region", "Type", "Resource", "What", "By"]
        yield _table(headers, rows)
    else:
        yield "<p>No drift: the live network matches the baseline.</p>"
    yield "</section>"


def _finding(finding: Finding, fingerprint: str, rule: RuleInfo, run: RunInfo) -> Iterator[str]:
    yield (
        f"<details><summary>{_badge(finding.severity)} {_code(finding.resource_id)} "
        f'<span class="muted">{_account(run, finding.account)} / {_e(finding.region)}</span>'
        f"</summary><p>{_e(finding.message)}</p><ul>"
        f"<li>Resource: {_code(finding.resource_type)} {_code(finding.resource_id)}</li>"
    )
    if finding.arn:
        yield f"<li>ARN: {_code(finding.arn)}</li>"
    where = "Baseline entry" if finding.location.path.endswith((".yaml", ".yml")) else "Location"
    yield f"<li>{where}: {_code(finding.location.path)} line {finding.location.line}</li>"
    if finding.kind == "drift":
        yield f"<li>Changed by: {_who(finding)}</li>"
    if finding.traffic and finding.traffic.get("summary"):
        # The flow logs' evidence (scan --flow-logs), in the words of report.md.
        yield f"<li>Observed traffic: {_e(finding.traffic['summary'])}</li>"
    if finding.compliance:
        yield "<li>Controls: " + ", ".join(_code(c) for c in finding.compliance) + "</li>"
    yield f"<li>Fingerprint: {_code(fingerprint)}</li></ul>"
    exposure = getattr(finding, "exposure", None)
    if isinstance(exposure, dict) and exposure:
        diagram = exposure_diagram(exposure)
        yield "<h4>Exposure</h4>" + (diagram or f"<pre>{_e(exposure)}</pre>")
    evidence = dumps_sorted_indented(dict(finding.evidence), default=str)
    yield f"<h4>Evidence</h4><pre>{_e(evidence)}</pre><h4>Remediation</h4>"
    if not finding.remediation:
        yield f"<p>{_e(rule.remediation_text)}</p>"
    else:
        yield "<ol>"
        for action in finding.remediation:
            yield f"<li>{_e(action.description)}<pre>{_e(action.cli)}</pre></li>"
        yield "</ol>"
    yield "</details>"


def _findings(
    pairs: Sequence[tuple[Finding, str]], rules: dict[str, RuleInfo], run: RunInfo
) -> Iterator[str]:
    yield '<section id="findings"><h2>Findings</h2>'
    active = [(f, fp) for f, fp in pairs if f.waiver is None]
    if not active:
        yield "<p>No findings.</p></section>"
        return
    shown = 0
    for severity, by_severity in groupby(active, key=lambda p: p[0].severity):
        group = list(by_severity)
        yield f"<h3>{_badge(severity)} {len(group)}</h3>"
        for rule_id, by_rule in groupby(group, key=lambda p: p[0].rule_id):
            items = list(by_rule)
            rule = rules[rule_id]
            yield f"<h4>{_code(rule_id)} {_e(rule.title)} ({len(items)})</h4>"
            yield f"<p>{_e(rule.description)}</p><p><b>Risk.</b> {_e(rule.risk)}</p>"
            for finding, fingerprint in items:
                shown += 1
                if shown <= MAX_DETAILED:
                    yield from _finding(finding, fingerprint, rule, run)
                else:
                    yield f"<p>{_code(finding.resource_id)} {_e(finding.message)}</p>"
    yield "</section>"


def _accepted(pairs: Sequence[tuple[Finding, str]], run: RunInfo) -> Iterator[str]:
    waived = [f for f, _ in pairs if f.waiver is not None]
    report = run.waivers or {}
    if not waived and not report:
        return
    yield '<section id="accepted"><h2>Accepted risks</h2>'
    if report.get("file"):
        yield f"<p>Waivers read from {_code(report['file'])}.</p>"
    rows = [
        [
            _badge(f.severity),
            _code(f.rule_id),
            _account(run, f.account),
            _code(f.resource_id),
            _e((f.waiver or {}).get("reason", "")),
            _e((f.waiver or {}).get("owner", "")),
            _e((f.waiver or {}).get("expires", "")),
        ]
        for f in waived
    ]
    headers = ["Severity", "Rule", "Account", "Resource", "Reason", "Owner", "Expires"]
    yield _table(headers, rows) if rows else "<p>No finding is accepted by a waiver.</p>"
    for kind, text in (
        ("expired", "Expired waivers: they no longer apply, their findings count again."),
        ("stale", "Stale waivers: they match no finding; remove them."),
    ):
        listed = report.get(kind, [])
        if listed:
            cells = [
                [
                    _code(w.get("rule", "")),
                    _code(w.get("resource", "")),
                    _e(w.get("owner", "")),
                    _e(w.get("expires", "")),
                    f"{_code(w.get('path', ''))} line {_e(str(w.get('line', '')))}",
                ]
                for w in listed
            ]
            yield f"<h3>{_e(text)}</h3>"
            yield _table(["Rule", "Resource", "Owner", "Expires", "Waiver"], cells)
    yield "</section>"


def _compliance(pairs: Sequence[tuple[Finding, str]], rules: list[RuleInfo], run: RunInfo) -> str:
    rows = [
        [
            _e(row.framework),
            _code(row.control),
            ", ".join(_code(r) for r in row.rules),
            str(row.findings),
            _e(row.status),
        ]
        for row in control_rows([f for f, _ in pairs if f.waiver is None], rules)
    ]
    body = (
        _table(["Framework", "Control", "Rules", "Findings", "Status"], rows, numeric=0)
        if rows
        else "<p>No rule maps to a compliance control.</p>"
    )
    note = (
        "<p>Status says what this scan saw, for the part of each control the pack checks: "
        "“no findings” is not a pass of the whole control.</p>"
    )
    if run.coverage_gaps:
        note += "<p>Coverage is incomplete: nothing is said for what could not be read.</p>"
    return f'<section id="compliance"><h2>Compliance mapping</h2>{note}{body}</section>'


def _evidence(pairs: Sequence[tuple[Finding, str]], rules: list[RuleInfo], run: RunInfo) -> str:
    """Per control: the resources checked and how many passed (waived ones are accepted)."""
    evidence = control_evidence((f for f, _ in pairs), rules, run.inventory)
    if not evidence:
        return ""
    rows = [
        [
            _e(item.framework),
            _code(item.control),
            _e(item.checked_text()),
            str(item.passed),
            str(item.failing),
            str(item.accepted),
        ]
        for item in evidence
    ]
    headers = ["Framework", "Control", "Checked", "Passed", "Failing", "Accepted"]
    body = _table(headers, rows, numeric=3)
    return f'<section id="evidence"><h2>Compliance evidence</h2>{body}</section>'


def _inventory(run: RunInfo) -> str:
    by: dict[str, int] = defaultdict(int)
    for _, _, rtype, count in run.inventory:
        by[rtype] += count
    rows = [[_code(t), str(by[t])] for t in sorted(by)]
    rows.append(["<b>Total</b>", str(sum(by.values()))])
    table = _table(["Type", "Resources"], rows, numeric=1) if by else "<p>No resources.</p>"
    return f'<section id="inventory"><h2>Appendix: inventory</h2>{table}</section>'


def _exposure(run: RunInfo) -> Iterator[str]:
    """The "Internet exposure" section: the table, and a diagram of each exposed path."""
    report = run.exposure
    if report is None:
        return
    yield '<section id="exposure"><h2>Internet exposure</h2>'
    if not report.exposures:
        yield "<p>Nothing is reachable from the internet.</p>"
    else:
        listed = report.exposures[:MAX_EXPOSURE_ROWS]
        rows = [[_e(cell) for cell in exposure_row(e)] for e in listed]
        yield (
            f"<p>{len(report.exposures)} exposure(s) on {len({e.eni for e in report.exposures})} "
            "interface(s): each row is a port range the internet can open a connection to, and "
            "the path that admits it.</p>"
        )
        yield _table([_e(h) for h in EXPOSURE_HEADERS], rows)
        if len(report.exposures) > len(listed):
            yield f"<p>{len(report.exposures) - len(listed)} more in findings.json.</p>"
        for e in report.exposures[:MAX_EXPOSURE_DIAGRAMS]:
            title = f"{e.eni} {e.address} {traffic(e.protocol, e.from_port, e.to_port)}"
            # The path ends at what the interface belongs to (an instance, a load balancer).
            steps = [s.to_dict() for s in e.path]
            if e.attachment.id != e.eni:
                name = f" ({e.attachment.name})" if e.attachment.name else ""
                steps.append(
                    {
                        "type": e.attachment.type,
                        "id": e.attachment.id,
                        "detail": e.attachment.id + name,
                    }
                )
            diagram = exposure_diagram({"path": steps})
            yield f"<h3>{_e(title)}</h3>{diagram}"
    if report.blocked:
        cut = report.blocked[:MAX_EXPOSURE_ROWS]
        yield (
            "<h3>Open rules whose path is cut</h3><p>Open to 0.0.0.0/0 or ::/0, reached by "
            "nothing today: a latent risk, one change away from exposure.</p>"
        )
        yield _table(
            [_e(h) for h in BLOCKED_HEADERS], [[_e(c) for c in blocked_row(b)] for b in cut]
        )
    yield "</section>"


@reporter("html", "report.html")
def render(findings: Sequence[Finding], run: RunInfo) -> str:
    """The report as one HTML document (deterministic; no external resource)."""
    pairs = ordered(findings)
    rule_list, _ = rule_catalog(run, (finding for finding, _ in pairs))
    rules = {rule.id: rule for rule in rule_list}
    chunks = [
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>netwarden compliance report</title>"
        f"<style>{STYLE}</style></head><body><main>"
        "<h1>netwarden compliance report</h1>"
        f'<p class="muted">{_e(run.collected_at)} · scope {_code(run.scope_id)}</p>'
    ]
    chunks.extend(_changes(pairs, run))
    chunks.extend(_summary(pairs, run))
    chunks.extend(_scope(run, len(pairs)))
    chunks.extend(_coverage(run))
    chunks.extend(_drift(pairs, run))
    chunks.extend(_exposure(run))
    chunks.extend(_findings(pairs, rules, run))
    chunks.extend(_accepted(pairs, run))
    chunks.append(_compliance(pairs, rule_list, run))
    chunks.append(_evidence(pairs, rule_list, run))
    chunks.append(_inventory(run))
    chunks.append("</main></body></html>\n")
    return "".join(chunks)
