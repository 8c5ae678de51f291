"""Collection spread over forked worker processes.

The (account, region) blocks are dealt round-robin into one group per process. Each worker
is forked with the parent's account sessions (credentials included) but opens its own
clients and connections, runs its group's units on its own threads (the parent's request
budget shared out between the processes), and sends each unit's result back as it
completes, so progress is live. When the group is done it returns its call counts, which the
parent adds to its own: the snapshot's ``stats`` count every call, in every process.
"""

from __future__ import annotations

import multiprocessing
import queue
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

from scanner.aws import ec2parse
from scanner.aws.loader import use_shared_loader
from scanner.aws.session import DEFAULT_REGION, AccountSession, AwsContext
from scanner.collect.collectors import Collector
from scanner.collect.units import Unit, run_units_in_threads
from scanner.forking import ForkPool

Counts = tuple[dict[str, int], int]


@dataclass(frozen=True)
class _Inherited:
    """What every worker inherits from the parent at the fork (nothing is pickled)."""

    units: list[Unit]
    sessions: dict[str, AccountSession]
    context: AwsContext
    results: Any  # the fork context's Queue: (unit index, result), as each unit completes
    threads: int


def groups_of(units: list[Unit], processes: int) -> list[list[int]]:
    """Unit indexes, one group per process: whole (account, region) blocks, dealt in turn."""
    blocks: dict[tuple[str, str], list[int]] = {}
    for index, unit in enumerate(units):
        blocks.setdefault((unit.account, unit.region), []).append(index)
    groups: list[list[int]] = [[] for _ in range(processes)]
    for turn, block in enumerate(blocks.values()):
        groups[turn % processes].extend(block)
    return [group for group in groups if group]


def warm_up(collectors: list[Collector], region: str | None) -> None:
    """Make one client per service here, before any fork: the service models (EC2's is
    several megabytes of JSON) are then read once for every worker, not once in each, and
    the offline policy sessions that come later find them read too.

    The clients come from a session of their own, without credentials, and are dropped: it
    reads through the process's shared loader (what is kept) and makes no AWS call, so it
    may run before the caller allows the first call, whatever the accounts' credentials."""
    import boto3

    session = boto3.Session(region_name=region or DEFAULT_REGION)
    use_shared_loader(session)
    ec2parse.install(session)
    operations = {collector.service: collector.operation for collector in collectors}
    for service, operation in sorted(operations.items()):
        try:
            session.client(service).can_paginate(operation)  # loads the paginators too
        except Exception:  # only a head start: the unit itself records any error
            return


def _run_group(work: _Inherited, indexes: list[int]) -> tuple[Counts, dict[str, Counts]]:
    """In a worker: collect the group's units, sending each (index, result) to the parent."""
    units, sessions, context, results = work.units, work.sessions, work.context, work.results
    for session in sessions.values():
        session.forget_clients()
        session.counter.reset()
    context.counter.reset()
    # Results the parent no longer reads (it is failing) must not keep this process alive.
    results.cancel_join_thread()
    index_of = {id(units[index]): index for index in indexes}
    group = [units[index] for index in indexes]
    for unit, result in run_units_in_threads(group, sessions, work.threads):
        results.put((index_of[id(unit)], result))
    return context.counter.counts(), {
        account: session.counter.counts() for account, session in sessions.items()
    }


def run_units(
    units: list[Unit],
    sessions: dict[str, AccountSession],
    context: AwsContext,
    max_workers: int,
    processes: int,
    meanwhile: Callable[[], None] | None = None,
) -> Iterator[tuple[Unit, Any]]:
    """Every unit's result as it arrives from the workers; the workers' call counts are
    added to ``context`` and ``sessions`` once all have finished. ``meanwhile`` runs here
    once every worker is forked (their results wait in the queue): it must start no thread
    that outlives it, since that would be forked into no one, and the workers are forked
    already."""
    fork = multiprocessing.get_context("fork")
    results = fork.Queue()
    # Never more calls in flight than asked for: at least one thread per process.
    groups = groups_of(units, min(processes, max(1, max_workers)))
    threads = max(1, max_workers // len(groups))
    pool = ForkPool(len(groups), _Inherited(units, sessions, context, results, threads))
    futures: list[Future[tuple[Counts, dict[str, Counts]]]] = []
    finished = False
    try:
        futures = [pool.submit(_run_group, group) for group in groups]
        if meanwhile is not None:
            meanwhile()
        for _ in units:
            index, result = _next_result(results, futures)
            yield units[index], result
        for future in futures:
            context_counts, session_counts = future.result()
            context.counter.add(context_counts)
            for account, counts in session_counts.items():
                sessions[account].counter.add(counts)
        finished = True
    finally:
        # Interrupted, or a worker failed: the other workers are killed (ForkPool.close).
        pool.close(kill=not finished)
        results.close()


def _next_result(results: Any, futures: list[Future[Any]]) -> tuple[int, Any]:
    """The next unit result; a worker that failed raises its error here rather than leave
    the parent waiting for results that will never come."""
    while True:
        try:
            message: tuple[int, Any] = results.get(timeout=0.5)
            return message
        except queue.Empty:
            pass
        for future in futures:
            if future.done() and future.exception() is not None:
                future.result()  # raises the worker's error
        if all(future.done() for future in futures):
            try:
                message = results.get(timeout=5)
                return message
            except queue.Empty:
                raise RuntimeError(
                    "collection workers ended without sending every result"
                ) from None
