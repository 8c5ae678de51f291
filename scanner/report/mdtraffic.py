"""report.md's "Traffic in the flow logs" section (with ``scan --flow-logs``): what was read,
then one line per exposure and per open-rule finding, the busiest first (pure)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from scanner.model import Finding
from scanner.report.escape import md, md_code
from scanner.report.run import RunInfo

MAX_LINES = 50  # per list; findings.json has every one


def _busiest(traffic: Mapping[str, Any]) -> tuple[int, int]:
    return (-int(traffic.get("accepted", 0)), -int(traffic.get("rejected", 0)))


def _top(traffic: Mapping[str, Any], limit: int = 3) -> str:
    top = [s for s in traffic.get("sources") or [] if isinstance(s, Mapping)][:limit]
    if not top:
        return ""
    return (
        " (top: "
        + ", ".join(f"{md_code(s.get('address'))} {int(s.get('flows', 0)):,}" for s in top)
        + ")"
    )


def _lines(items: Sequence[tuple[str, Mapping[str, Any]]]) -> Iterator[str]:
    ranked = sorted(items, key=lambda item: _busiest(item[1]))
    for where, traffic in ranked[:MAX_LINES]:
        yield f"- {where}{md(traffic.get('summary', ''))}{_top(traffic)}\n"
    if len(ranked) > MAX_LINES:
        yield f"- and {len(ranked) - MAX_LINES} more (findings.json has every one)\n"
    yield "\n"


def traffic_section(findings: Sequence[Finding], run: RunInfo) -> Iterator[str]:
    """Nothing without flow logs."""
    flows = run.flow_logs
    if flows is None:
        return
    yield "## Traffic in the flow logs\n\n"
    since, until = flows.get("since"), flows.get("until")
    if since or until:
        window = f"from {md(since or 'the first record')} to {md(until or 'the last record')}"
    else:
        window = "all of them (no --since or --until)"
    yield (
        f"{int(flows.get('records', 0)):,} record(s) in {int(flows.get('files', 0)):,} file(s) "
        f"of {md_code(flows.get('source', ''))}, {window}"
    )
    pruned = int(flows.get("pruned_files", 0) or 0)
    if pruned:
        yield f"; {pruned:,} file(s) outside the window were not read"
    yield ".\n"
    skipped = int(flows.get("skipped_records", 0) or 0)
    if skipped:
        yield (f"AWS lost flows ({skipped:,} SKIPDATA record(s)): the counts below may be short.\n")
    yield "\n"
    exposures = [e for e in flows.get("exposures") or [] if isinstance(e, Mapping)]
    if exposures:
        yield "### Exposed interfaces\n\n"
        yield from _lines(
            [(f"{md(e.get('account', ''))} / {md(e.get('region', ''))}: ", e["traffic"])
             for e in exposures if isinstance(e.get("traffic"), Mapping)]
        )  # fmt: skip
    # The open rules (the detections carry traffic too, and are listed in Findings).
    rules = [
        f
        for f in findings
        if f.resource_type == "aws.security-group" and f.traffic and "summary" in f.traffic
    ]
    if rules:
        yield "### Open rules\n\n"
        yield from _lines(
            [(f"{md_code(f.rule_id)} {md_code(f.resource_id)}: ", f.traffic)
             for f in rules if f.traffic is not None]
        )  # fmt: skip
