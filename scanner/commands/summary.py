"""The end of a scan at a terminal: counts by severity and the most severe findings, as a
rich panel on stderr. Anywhere else (CI logs, pipes) the one-line summary is printed."""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Sequence

from scanner import console
from scanner.model import SEVERITIES, Finding
from scanner.textsafe import one_line

TOP = 5
STYLES = {"critical": "bold magenta", "high": "bold red", "medium": "yellow", "low": "cyan"}


def print_summary(findings: Sequence[Finding], line: str, compared: bool = False) -> None:
    """A table at a terminal, ``line`` elsewhere; nothing with --quiet. Against a previous
    run (``compared``) the table of findings lists the new ones."""
    if console.quiet():
        return
    if not sys.stderr.isatty():
        console.note(line)
        return
    from rich.table import Table
    from rich.text import Text

    out = console.rich_console(sys.stderr)
    active = [f for f in findings if f.waiver is None]
    counts = Counter(f.severity for f in active)
    table = Table(title=line, title_justify="left", show_header=True)
    for severity in SEVERITIES:
        table.add_column(severity, justify="right", style=STYLES.get(severity, ""))
    table.add_row(*(str(counts[s]) for s in SEVERITIES))
    out.print(table)
    if compared:
        active = [f for f in active if f.status == "new"]
    if not active:
        return
    what = "new since the previous run" if compared else "most severe"
    from scanner.consolidate import group_related

    # One row per resource and rule family, with every rule id of the group.
    groups = group_related(sorted(active, key=Finding.sort_key))
    top = Table(title=f"{what} ({min(TOP, len(groups))} of {len(groups)})", show_lines=False)
    for column in ("severity", "rules", "resource", "account / region", "title"):
        top.add_column(column)
    for group in groups[:TOP]:
        finding = group.lead
        # Text(), never markup: resource ids and titles may come from whoever changed AWS.
        top.add_row(
            Text(finding.severity, style=STYLES.get(finding.severity, "")),
            Text(", ".join(group.rule_ids)),
            Text(one_line(finding.resource_id, 40)),
            Text(f"{finding.account} / {finding.region}"),
            Text(one_line(finding.title, 60)),
        )
    out.print(top)
