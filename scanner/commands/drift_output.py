"""Drift as `diff` and `review` print it: text and a rich table for people, JSON for machines."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from itertools import groupby
from typing import Any

from scanner.drift.engine import Delta
from scanner.model import Attribution
from scanner.textsafe import one_line

Who = Mapping[tuple[str, str, str], Attribution]
# (account, region, resource id) -> the waiver that accepts that drift.
Waived = Mapping[tuple[str, str, str], Mapping[str, Any]]


def _key(delta: Delta) -> tuple[str, str, str]:
    return (delta.account, delta.region, delta.resource_id)


def as_json(deltas: Sequence[Delta], who: Who | None = None, waived: Waived | None = None) -> str:
    """``{"drift": [DELTA, ...]}``; with CloudTrail, each DELTA also has ``attribution``;
    a drift a waiver accepts has ``waiver``."""
    out = []
    for delta in deltas:
        entry = delta.to_dict()
        if who is not None:
            found = who.get(_key(delta))
            entry["attribution"] = found.to_dict() if found else None
        waiver = (waived or {}).get(_key(delta))
        if waiver is not None:
            entry["waiver"] = dict(waiver)
        out.append(entry)
    return json.dumps({"drift": out}, indent=2, sort_keys=False) + "\n"


def _describe(delta: Delta) -> list[str]:
    if delta.change != "modified":
        return []
    lines = []
    for change in delta.changes:
        if change.change == "added":
            lines.append(f"+ {change.field}: {one_line(change.new)}")
        elif change.change == "removed":
            lines.append(f"- {change.field}: {one_line(change.old)}")
        else:
            lines.append(f"~ {change.field}: {one_line(change.old)} -> {one_line(change.new)}")
    return lines


def _attribution_line(who: Attribution) -> str:
    return (
        f"by {one_line(who.principal)} (key {one_line(who.access_key_id)}, "
        f"from {one_line(who.source_ip)}) {one_line(who.event_name)} at {one_line(who.event_time)}"
    )


def waiver_line(waiver: Mapping[str, Any]) -> str:
    """``accepted risk until 2027-03-31 (owner): reason [waivers.yaml:4]``"""
    return (
        f"accepted risk until {one_line(waiver.get('expires'))} ({one_line(waiver.get('owner'))})"
        f": {one_line(waiver.get('reason'), 200)} "
        f"[{one_line(waiver.get('path'))}:{waiver.get('line')}]"
    )


def as_text(deltas: Sequence[Delta], who: Who | None = None, waived: Waived | None = None) -> str:
    """Drift grouped by account/region and type, one line per resource and per change."""
    if not deltas:
        return "No drift: the live network matches the baseline.\n"
    out = []
    for (account, region), group in groupby(deltas, key=lambda d: (d.account, d.region)):
        out.append(f"{account} / {region}")
        for rtype, by_type in groupby(group, key=lambda d: d.resource_type):
            out.append(f"  {rtype}")
            for delta in by_type:
                where = f"{delta.location.path}:{delta.location.line}"
                out.append(
                    f"    [{delta.severity.upper()}] {delta.change} {one_line(delta.resource_id)}"
                    f"  ({where})"
                )
                out.extend(f"        {line}" for line in _describe(delta))
                found = (who or {}).get(_key(delta))
                if found:
                    out.append(f"        {_attribution_line(found)}")
                waiver = (waived or {}).get(_key(delta))
                if waiver is not None:
                    out.append(f"        {waiver_line(waiver)}")
    counts = {s: sum(1 for d in deltas if d.severity == s) for s in ("high", "medium", "low")}
    summary = ", ".join(f"{n} {s}" for s, n in counts.items() if n)
    accepted = sum(1 for d in deltas if _key(d) in (waived or {}))
    tail = f"; {accepted} of them accepted by a waiver" if accepted else ""
    out.append(f"\n{len(deltas)} drifted resource(s): {summary}{tail}")
    return "\n".join(out) + "\n"


def print_table(
    deltas: Sequence[Delta], who: Who | None = None, waived: Waived | None = None
) -> None:
    """Drift as a rich table, for a person at a terminal."""
    from rich.table import Table
    from rich.text import Text

    from scanner.console import rich_console

    console = rich_console()
    if not deltas:
        console.print("No drift: the live network matches the baseline.")
        return
    table = Table(title=f"Drift: {len(deltas)} resource(s)", show_lines=True)
    for column in ("severity", "account / region", "type", "resource", "changes", "changed by"):
        table.add_column(column)
    styles = {"high": "bold red", "medium": "yellow", "low": "green"}
    for delta in deltas:
        found = (who or {}).get(_key(delta))
        waiver = (waived or {}).get(_key(delta))
        changes = "\n".join(_describe(delta)) or delta.change
        if waiver is not None:
            changes += "\n" + waiver_line(waiver)
        # Text(), never markup: resource names and values come from whoever changed AWS.
        table.add_row(
            Text(delta.severity, style=styles.get(delta.severity, "")),
            Text(f"{delta.account} / {delta.region}"),
            Text(delta.resource_type),
            Text(f"{one_line(delta.resource_id)} ({delta.change})"),
            Text(changes),
            Text(_attribution_line(found) if found else ""),
        )
    console.print(table)
