"""Internet exposure in Markdown: the tables and a Mermaid diagram of each exposed path
(GitHub renders Mermaid in Markdown, no image file needed). Used by ``report.md`` and by
``netwarden exposure --format markdown``."""

from __future__ import annotations

from collections.abc import Sequence

from scanner.exposure.model import ExposureReport
from scanner.exposure.render import (
    BLOCKED_HEADERS,
    EXPOSURE_HEADERS,
    blocked_row,
    exposure_row,
    mermaid,
    traffic,
)
from scanner.report.escape import md
from scanner.report.mdtable import table

# Diagrams beyond this many would bury the report; the table still lists every exposure.
MAX_DIAGRAMS = 20


def section(
    report: ExposureReport,
    level: int = 2,
    max_diagrams: int = MAX_DIAGRAMS,
    max_rows: int | None = None,
) -> str:
    """The "Internet exposure" section (``max_rows``: at most so many rows per table, the
    rest counted; findings.json keeps every record)."""
    head = "#" * level
    parts = [f"{head} Internet exposure\n\n"]
    if not report.exposures:
        parts.append("Nothing is reachable from the internet.\n")
    else:
        enis = len({e.eni for e in report.exposures})
        parts.append(
            f"{len(report.exposures)} exposure(s) on {enis} interface(s): each row is a port "
            "range the internet can open a connection to, and the path that admits it.\n\n"
        )
        listed = report.exposures[:max_rows]
        rows = [[md(cell) for cell in exposure_row(e)] for e in listed]
        parts.append(table([md(h) for h in EXPOSURE_HEADERS], rows))
        parts.append(_more(len(report.exposures) - len(listed)))
        shown = report.exposures[:max_diagrams]
        for exposure in shown:
            title = traffic(exposure.protocol, exposure.from_port, exposure.to_port)
            parts.append(f"\n{head}# {md(exposure.eni)} {md(exposure.address)} {md(title)}\n\n")
            parts.append("```mermaid\n" + mermaid(exposure) + "```\n")
        if len(report.exposures) > len(shown):
            parts.append(f"\n({len(report.exposures) - len(shown)} more paths in the table.)\n")
    if report.blocked:
        parts.append(
            f"\n{head}# Open rules whose path is cut\n\n"
            "Security-group rules open to 0.0.0.0/0 or ::/0 that nothing on the internet "
            "reaches today, and the component that stops them: a latent risk, one change "
            "away from exposure.\n\n"
        )
        cut = report.blocked[:max_rows]
        rows = [[md(cell) for cell in blocked_row(b)] for b in cut]
        parts.append(table([md(h) for h in BLOCKED_HEADERS], rows))
        parts.append(_more(len(report.blocked) - len(cut)))
    return "".join(parts)


def _more(count: int) -> str:
    return f"\n({count} more rows in findings.json.)\n" if count > 0 else ""


def to_markdown(report: ExposureReport, approved: Sequence[int] = ()) -> str:
    """``netwarden exposure --format markdown``: the section as a document."""
    text = section(report, level=1)
    if approved:
        text += f"\nApproved internet-facing ports: {md(', '.join(map(str, approved)))}\n"
    return text
