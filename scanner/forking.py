"""When netwarden may spread CPU-bound work over forked worker processes, and how many."""

from __future__ import annotations

import math
import multiprocessing
import os
import sys


def worker_processes(blocks: int, requested: int | None = None) -> int:
    """How many forked workers to spread ``blocks`` (account, region) blocks over: the
    ``requested`` number (default: the CPUs available), no more than there are blocks, and
    1 (work in this process) where fork cannot be used."""
    if not can_fork():
        return 1
    return max(1, min(requested or available_cpus(), blocks))


def available_cpus() -> int:
    """The CPUs this process may run on: its affinity, capped by a container's CPU quota."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1
    quota = _cgroup_cpu_quota()
    return max(1, min(cpus, quota)) if quota else cpus


def _cgroup_cpu_quota(path: str = "/sys/fs/cgroup/cpu.max") -> int | None:
    """CPUs granted by a cgroup v2 quota ("200000 100000" is 2), None when unlimited."""
    try:
        with open(path, encoding="ascii") as handle:
            quota, period = handle.read().split()[:2]
    except (OSError, ValueError):
        return None
    if quota == "max":
        return None
    try:
        return max(1, math.ceil(int(quota) / int(period)))
    except (ValueError, ZeroDivisionError):
        return None


def can_fork() -> bool:
    """Fork is the only start method that hands a worker the loaded data for free; it is
    unsafe on macOS (system frameworks) and absent on Windows, which keep one process."""
    return sys.platform == "linux" and "fork" in multiprocessing.get_all_start_methods()
