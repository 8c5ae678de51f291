"""Counting the flows that came in through an opening, and saying it in one line.

One :class:`Tally` per open rule or exposure: accepted and rejected flows, accepted bytes,
flows per source, first and last seen. :func:`summary` is the line a responder reads first:
``tcp/22 open to the internet: 1,284 accepted flows from 57 addresses, last at 03:12 on
2025-12-02``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

TOP_SOURCES = 10


def iso(epoch: int | None) -> str | None:
    if epoch is None:
        return None
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _earliest(a: int | None, b: int | None) -> int | None:
    return b if a is None else a if b is None else min(a, b)


def _latest(a: int | None, b: int | None) -> int | None:
    return b if a is None else a if b is None else max(a, b)


@dataclass
class Tally:
    """Flows of one opening, added one aggregated row at a time."""

    accepted: int = 0
    rejected: int = 0
    bytes: int = 0
    first: int | None = None
    last: int | None = None
    last_accepted: int | None = None
    sources: dict[str, int] = field(default_factory=dict)
    accepted_sources: set[str] = field(default_factory=set)

    def add(
        self, source: str, action: str, flows: int, size: int, start: int | None, end: int | None
    ) -> None:
        if action == "ACCEPT":
            self.accepted += flows
            self.bytes += size
            self.accepted_sources.add(source)
            self.last_accepted = _latest(self.last_accepted, end)
        elif action == "REJECT":
            self.rejected += flows
        else:
            return
        self.sources[source] = self.sources.get(source, 0) + flows
        self.first = _earliest(self.first, start)
        self.last = _latest(self.last, end)

    def to_dict(self, label: str, interfaces: Sequence[str]) -> dict[str, Any]:
        """The contract's ``traffic`` object, with its one-line ``summary``."""
        top = sorted(self.sources.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_SOURCES]
        return {
            "accepted": self.accepted,
            "rejected": self.rejected,
            "bytes": self.bytes,
            "sources": [{"address": a, "flows": n} for a, n in top],
            "distinct_sources": len(self.sources),
            "first_seen": iso(self.first),
            "last_seen": iso(self.last),
            "interfaces": sorted(interfaces),
            "summary": summary(label, self),
        }


def _at(epoch: int) -> str:
    moment = datetime.fromtimestamp(epoch, UTC)
    return f"{moment:%H:%M} on {moment:%Y-%m-%d}"


def summary(label: str, tally: Tally) -> str:
    """``<label>: N accepted flows from M addresses, last at HH:MM on YYYY-MM-DD`` (UTC),
    with the rejected ones after a semicolon; ``label`` says what is open to whom."""
    if tally.accepted:
        addresses = len(tally.accepted_sources)
        text = (
            f"{label}: {tally.accepted:,} accepted flow{'s' * (tally.accepted != 1)} from "
            f"{addresses:,} address{'es' * (addresses != 1)}"
        )
        if tally.last_accepted is not None:
            text += f", last at {_at(tally.last_accepted)}"
    else:
        text = f"{label}: no accepted flows in the window"
    if tally.rejected:
        text += f"; {tally.rejected:,} rejected"
    return text
