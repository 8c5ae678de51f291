"""Fan-out over (account x region x resource type) with a bounded thread pool, and over
processes when there are several CPUs.

A failure to read one (account, region, type) is data: it lands in that region's ``errors``
and the rest of the scan goes on.

Collection is CPU-bound long before it is latency-bound: botocore parses every response in
pure Python under the GIL. With several CPUs the (account, region) blocks are spread over
forked worker processes (:mod:`scanner.collect.processes`), each with its own threads and
its own clients; their items, errors and call counts are merged here.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from scanner import __version__
from scanner.aws.session import AccountSession, AccountTarget, AwsContext
from scanner.collect.collectors import COLLECTORS, Collector, resource_id_of

# has_errors moved to scanner.snapshot (it needs no boto3); still importable from here.
from scanner.snapshot import SCHEMA, to_json_compatible
from scanner.snapshot import has_errors as has_errors

ProgressHook = Callable[[str], None]


@dataclass(frozen=True)
class CollectOptions:
    regions: tuple[str, ...] | None = None  # None: every region enabled for the account
    types: tuple[str, ...] | None = None  # None: every registered collector
    max_workers: int = 16  # requests in flight at once, over all processes
    endpoint_url: str | None = None
    processes: int | None = None  # None: one per CPU this process may use (1: threads only)


@dataclass(frozen=True)
class Unit:
    """One unit of work: a collector in one region of one account."""

    account: str
    region: str
    collector: Collector


def error_record(rtype: str, exc: BaseException) -> dict[str, str]:
    """A snapshot ``errors`` entry for a failed read."""
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        code = str(error.get("Code") or "ClientError")
        message = str(error.get("Message") or exc)
    else:
        code = type(exc).__name__
        message = str(exc)
    return {"type": rtype, "code": code, "message": message}


def read_all(client: Any, collector: Collector) -> list[dict[str, Any]]:
    """Every item of one type in one region: one paginated call sequence, largest pages."""
    items: list[Any] = []
    params = dict(collector.params)
    if client.can_paginate(collector.operation):
        pagination: dict[str, Any] = {}
        if collector.page_size:
            pagination["PageSize"] = collector.page_size
        paginator = client.get_paginator(collector.operation)
        for page in paginator.paginate(**params, PaginationConfig=pagination):
            items.extend(page.get(collector.result_key, []))
    else:
        response = getattr(client, collector.operation)(**params)
        items.extend(response.get(collector.result_key, []))
    if collector.keep is not None:
        items = [item for item in items if collector.keep(item)]
    if collector.enrich is not None:
        items = collector.enrich(client, items)
    return sorted(items, key=lambda item: resource_id_of(collector.type, item))


def collect_unit(session: AccountSession, unit: Unit) -> tuple[Unit, Any]:
    """One unit's items (JSON-compatible: what a snapshot file holds), or its error record."""
    try:
        client = session.client(unit.collector.service, unit.region)
        return unit, to_json_compatible(read_all(client, unit.collector))
    except (ClientError, BotoCoreError) as exc:
        return unit, error_record(unit.collector.type, exc)


def run_units_in_threads(
    units: list[Unit], sessions: dict[str, AccountSession], max_workers: int
) -> Iterator[tuple[Unit, Any]]:
    """Every unit's result, as each completes."""
    from scanner.interrupts import stop_pool

    pool = ThreadPoolExecutor(max_workers=max(1, max_workers))
    finished = False
    try:
        futures: list[Future[tuple[Unit, Any]]] = [
            pool.submit(collect_unit, sessions[unit.account], unit) for unit in units
        ]
        for future in as_completed(futures):
            yield future.result()
        finished = True
    finally:
        if finished:
            pool.shutdown(wait=True)
        else:
            # Interrupted or failing: the calls in flight are not waited for (each can take
            # a read timeout and every retry); pending ones are dropped.
            stop_pool(pool)


def selected_collectors(types: Iterable[str] | None) -> list[Collector]:
    if types is None:
        return [collector for _, collector in COLLECTORS.items()]
    return [COLLECTORS.get(name) for name in types]


def open_accounts(
    targets: list[AccountTarget], context: AwsContext
) -> tuple[dict[str, AccountSession], dict[str, list[dict[str, str]]]]:
    """Resolve each target to its account id; an unreachable account is recorded, not fatal."""
    sessions: dict[str, AccountSession] = {}
    failures: dict[str, list[dict[str, str]]] = {}
    for target in targets:
        session = AccountSession(target, context)
        try:
            account = session.account_id()
        except (ClientError, BotoCoreError) as exc:
            key = target.account_hint or target.label
            failures.setdefault(key, []).append(error_record("account", exc))
            context.failed_sessions[key] = session
            continue
        sessions[account] = session
    return sessions, failures


def collect(
    targets: list[AccountTarget],
    options: CollectOptions,
    context: AwsContext | None = None,
    progress: ProgressHook | None = None,
    on_plan: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """Collect every selected type in every region of every account into a snapshot dict."""
    context = context or AwsContext(
        endpoint_url=options.endpoint_url, max_workers=options.max_workers
    )
    started = time.monotonic()
    collected_at = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    collectors = selected_collectors(options.types)
    sessions, failures = open_accounts(targets, context)

    accounts: dict[str, Any] = {}
    for account, errors in failures.items():
        accounts[account] = {"regions": {}, "errors": errors}

    units: list[Unit] = []
    for account, session in sessions.items():
        regions_out: dict[str, Any] = {}
        accounts[account] = {"regions": regions_out, "errors": []}
        try:
            regions = list(options.regions) if options.regions else session.enabled_regions()
        except (ClientError, BotoCoreError) as exc:
            accounts[account]["errors"].append(error_record("regions", exc))
            continue
        for region in regions:
            regions_out[region] = {"resources": {}, "errors": []}
            units.extend(Unit(account, region, collector) for collector in collectors)

    if on_plan:
        on_plan(len(units))
    for unit, result in run_units(units, sessions, context, options):
        region_out = accounts[unit.account]["regions"][unit.region]
        if isinstance(result, list):
            region_out["resources"][unit.collector.type] = result
        else:
            region_out["errors"].append(result)
        if progress:
            progress(f"{unit.account} {unit.region} {unit.collector.type}")

    for account_data in accounts.values():
        for region_out in account_data["regions"].values():
            region_out["errors"].sort(key=lambda e: (e["type"], e["code"]))

    snapshot = {
        "schema": SCHEMA,
        "collected_at": collected_at,
        "tool_version": __version__,
        "accounts": accounts,
        "stats": {
            **context.counter.snapshot_stats(),
            "by_account": {
                account: session.counter.snapshot_stats()
                for account, session in sorted({**context.failed_sessions, **sessions}.items())
            },
            "duration_s": round(time.monotonic() - started, 3),
        },
    }
    return snapshot  # JSON-compatible already: every unit's items were converted


def run_units(
    units: list[Unit],
    sessions: dict[str, AccountSession],
    context: AwsContext,
    options: CollectOptions,
) -> Iterator[tuple[Unit, Any]]:
    """Every unit's result as it completes: in worker processes when that helps, else in
    this process's threads."""
    from scanner.collect import processes
    from scanner.forking import worker_processes

    blocks = {(unit.account, unit.region) for unit in units}
    wanted = worker_processes(len(blocks), options.processes)
    if wanted > 1:
        return processes.run_units(units, sessions, context, options.max_workers, wanted)
    return run_units_in_threads(units, sessions, options.max_workers)
