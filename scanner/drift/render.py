"""Drift as text for people and as JSON for machines (pure)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from itertools import groupby

from scanner.drift.engine import Delta
from scanner.textsafe import one_line


def as_json(deltas: Sequence[Delta]) -> str:
    return json.dumps({"drift": [d.to_dict() for d in deltas]}, indent=2, sort_keys=False) + "\n"


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


def as_text(deltas: Sequence[Delta]) -> str:
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
    counts = {s: sum(1 for d in deltas if d.severity == s) for s in ("high", "medium", "low")}
    summary = ", ".join(f"{n} {s}" for s, n in counts.items() if n)
    out.append(f"\n{len(deltas)} drifted resource(s): {summary}")
    return "\n".join(out) + "\n"
