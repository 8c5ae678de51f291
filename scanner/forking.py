"""When netwarden may spread CPU-bound work over forked worker processes, how many, and the
one pool that runs them (collection and policy evaluation both use :class:`ForkPool`)."""

from __future__ import annotations

import itertools
import math
import multiprocessing
import os
import sys
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, Concatenate, Generic, ParamSpec, TypeVar

from scanner.interrupts import stop_pool, worker_init

T = TypeVar("T")
R = TypeVar("R")
P = ParamSpec("P")


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


# What the open pools' workers inherit, by pool: the only module-level state of the forked
# workers. A worker is forked from this process, so it sees the entry as the parent set it
# before the first task; nothing in it is pickled. An entry lives while its pool is open.
_inherited: dict[int, Any] = {}
_tokens = itertools.count()


def _run_inherited(token: int, function: Callable[..., R], args: tuple[Any, ...]) -> R:
    """In a worker: one task, given what the pool's workers inherited."""
    return function(_inherited[token], *args)


class ForkPool(Generic[T]):
    """``workers`` forked processes that inherit ``inherited`` (loaded data: a snapshot and
    its policy pack, sessions and a result queue), each task a call
    ``function(inherited, *args)`` of a module-level function with picklable arguments.

    Leaving the ``with`` block normally waits for the workers; leaving it on an error or an
    interrupt kills them, since their results are no longer wanted (a worker in the middle
    of an AWS call could otherwise take its read timeout and every retry to notice). Each
    worker ignores SIGINT (the parent handles it) and dies with its parent
    (``interrupts.worker_init``). Fork must be available (``can_fork``)."""

    def __init__(self, workers: int, inherited: T) -> None:
        self._token = next(_tokens)
        _inherited[self._token] = inherited
        sys.stdout.flush()  # a child must not inherit, and later print, the parent's buffers
        sys.stderr.flush()
        self._pool: ProcessPoolExecutor | None = ProcessPoolExecutor(
            workers, mp_context=multiprocessing.get_context("fork"), initializer=worker_init
        )

    def submit(
        self, function: Callable[Concatenate[T, P], R], *args: P.args, **kwargs: P.kwargs
    ) -> Future[R]:
        if self._pool is None:
            raise RuntimeError("the pool is closed")
        if kwargs:
            raise TypeError("a forked task takes positional arguments only")
        return self._pool.submit(_run_inherited, self._token, function, args)

    def close(self, kill: bool = False) -> None:
        """Stop the workers, dropping the tasks not started; idempotent. ``kill``: do not
        wait for the tasks running (the caller is failing or was interrupted)."""
        pool, self._pool = self._pool, None
        if pool is not None:
            try:
                if kill:
                    stop_pool(pool)
                else:
                    pool.shutdown(wait=True, cancel_futures=True)
            finally:
                _inherited.pop(self._token, None)

    def __enter__(self) -> ForkPool[T]:
        return self

    def __exit__(self, exc_type: object, *_: object) -> None:
        self.close(kill=exc_type is not None)
