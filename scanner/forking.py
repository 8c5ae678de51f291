"""When netwarden may spread CPU-bound work over forked worker processes, and how many."""

from __future__ import annotations

import multiprocessing
import os
import sys


def available_cpus() -> int:
    """The CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def can_fork() -> bool:
    """Fork is the only start method that hands a worker the loaded data for free; it is
    unsafe on macOS (system frameworks) and absent on Windows, which keep one process."""
    return sys.platform == "linux" and "fork" in multiprocessing.get_all_start_methods()
