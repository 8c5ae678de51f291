"""``netwarden flows`` output: a text table, JSON, or Markdown; pure functions of a report.

Values come from log files anyone able to write to the bucket controls, so text and Markdown
cells are made one printable line (and Markdown-escaped); JSON keeps them as they are.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from scanner.flows.queries import BY_NAME
from scanner.flows.run import FlowsReport, QueryResult
from scanner.textsafe import one_line

TIME_COLUMNS = {"first_seen", "last_seen"}


def _cell(column: str, value: Any) -> str:
    if value is None:
        return "-"
    if column in TIME_COLUMNS and isinstance(value, int):
        return datetime.fromtimestamp(value, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, int) and column in {"bytes", "packets", "flows"}:
        return f"{value:,}"
    return one_line(str(value), 80)


def _summary(report: FlowsReport) -> str:
    if report.files is None:
        scanned = f", {report.bytes_scanned:,} bytes scanned" if report.bytes_scanned else ""
        return f"engine {report.engine}{scanned}"
    return (
        f"{report.files:,} files ({report.pruned_files or 0:,} outside the window, unread), "
        f"{report.records:,} records, {report.nodata_records or 0:,} NODATA, "
        f"{report.skipped_records or 0:,} SKIPDATA"
    )


def _title(result: QueryResult) -> str:
    query = BY_NAME.get(result.name)
    return f"{result.name}: {query.description}" if query else result.name


def to_json(report: FlowsReport) -> str:
    return json.dumps(report.to_dict(), indent=2, sort_keys=False) + "\n"


def to_text(report: FlowsReport) -> str:
    from tabulate import tabulate

    parts = [_summary(report) + "\n"]
    for result in report.queries:
        rows = [
            [_cell(c, v) for c, v in zip(result.columns, row, strict=True)] for row in result.rows
        ]
        table = (
            tabulate(rows, headers=list(result.columns), disable_numparse=True)
            if rows
            else "(no rows)"
        )
        parts.append(f"\n{_title(result)}\n{table}\n")
    parts.extend(f"\nnote: {one_line(n)}\n" for n in report.notes)
    return "".join(parts)


def to_markdown(report: FlowsReport) -> str:
    from scanner.report.escape import md
    from scanner.report.mdtable import table

    parts = ["# Flow logs\n\n", md(_summary(report)) + "\n"]
    for result in report.queries:
        parts.append(f"\n## {md(_title(result))}\n\n")
        if not result.rows:
            parts.append("No rows.\n")
            continue
        rows = [
            [md(_cell(c, v)) for c, v in zip(result.columns, row, strict=True)]
            for row in result.rows
        ]
        parts.append(table([md(c) for c in result.columns], rows))
    parts.extend(f"\n> {md(n)}\n" for n in report.notes)
    return "".join(parts)


RENDERERS = {"text": to_text, "json": to_json, "markdown": to_markdown}
