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


def peak_rss_mb() -> float:
    """This process's peak resident memory, MB. ``VmHWM`` is reset by exec; ``ru_maxrss``
    is not, and counts the memory of the (large) benchmark process that started this one
    from the moment of the fork, so it overstated small runs by hundreds of MB."""
    import resource

    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
