"""Median, min and max of repeated measurements."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Summary:
    median: float
    min: float
    max: float
    runs: int

    def to_dict(self) -> dict[str, float]:
        return {"median": self.median, "min": self.min, "max": self.max, "runs": self.runs}


def summarize(values: Sequence[float]) -> Summary:
    if not values:
        raise ValueError("no measurements")
    return Summary(statistics.median(values), min(values), max(values), len(values))
