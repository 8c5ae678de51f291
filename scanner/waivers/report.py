"""What the reports say about a waivers file (pure): the waivers in force with how many
findings each accepted, the expired ones, the stale ones."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scanner.waivers.apply import WaiverOutcome


def waiver_report(outcome: WaiverOutcome | None, file: Any) -> Mapping[str, Any] | None:
    """What the reports say about the waivers file: the waivers in force and how many
    findings each accepted, the expired ones, the stale ones; None without a file."""
    if outcome is None:
        return None
    return {
        "file": str(file),
        "applied": [{**w.describe(), "findings": n} for w, n in outcome.applied],
        "expired": [{**e.waiver.describe(), "findings": len(e.findings)} for e in outcome.expired],
        "stale": [w.describe() for w in outcome.stale],
    }
