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
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import NoCredentialsError

from scanner import __version__
from scanner.aws.organization import organization_id
from scanner.aws.session import AccountSession, AccountTarget, AwsContext
from scanner.collect import processes
from scanner.collect.collectors import COLLECTORS, Collector
from scanner.collect.units import READ_ERRORS, Unit, error_record, run_units_in_threads
from scanner.forking import worker_processes
from scanner.snapshot import SCHEMA

ProgressHook = Callable[[str], None]


@dataclass(frozen=True)
class CollectOptions:
    regions: tuple[str, ...] | None = None  # None: every region enabled for the account
    types: tuple[str, ...] | None = None  # None: every registered collector
    max_workers: int = 16  # requests in flight at once, over all processes
    endpoint_url: str | None = None
    processes: int | None = None  # None: one per CPU this process may use (1: threads only)


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
        except NoCredentialsError:
            raise  # no credentials at all is bad configuration, not one unreachable account
        except READ_ERRORS as exc:
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
    gate: Callable[[], None] | None = None,
    meanwhile: Callable[[], None] | None = None,
    on_region: Callable[[str, str, Mapping[str, Any]], None] | None = None,
) -> dict[str, Any]:
    """Collect every selected type in every region of every account into a snapshot dict.

    ``gate`` is called before the first AWS call (it may raise, and then no call is made):
    the set-up that needs no call (the service models) is done before it, so that whatever
    the caller is waiting for meanwhile (the rule pack being validated) overlaps with it.
    ``meanwhile`` runs in this process once the units are being collected, while this
    process would otherwise only wait for their results; ``on_region(account, region,
    data)`` as soon as a region's last unit is in (its ``errors`` not yet sorted)."""
    context = context or AwsContext(
        endpoint_url=options.endpoint_url, max_workers=options.max_workers
    )
    started = time.monotonic()
    collected_at = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    collectors = selected_collectors(options.types)
    if _will_fork(targets, options):
        processes.warm_up(collectors, options.regions[0] if options.regions else None)
    if gate is not None:
        gate()
    sessions, failures = open_accounts(targets, context)

    accounts: dict[str, Any] = {}
    for account, errors in failures.items():
        accounts[account] = {"regions": {}, "errors": errors}
        _name_account(accounts[account], context.failed_sessions[account].target)

    units: list[Unit] = []
    for account, session in sessions.items():
        regions_out: dict[str, Any] = {}
        accounts[account] = {"regions": regions_out, "errors": []}
        _name_account(accounts[account], session.target)
        try:
            regions = list(options.regions) if options.regions else session.enabled_regions()
        except READ_ERRORS as exc:
            accounts[account]["errors"].append(error_record("regions", exc))
            continue
        for region in regions:
            regions_out[region] = {"resources": {}, "errors": []}
            units.extend(Unit(account, region, collector) for collector in collectors)

    def in_the_meantime() -> None:
        # Each account's organisation (DescribeOrganization, one call each) is only written
        # into the snapshot: it is read while the units are collected, not before them.
        for account, session in sessions.items():
            organization = organization_id(session.client("organizations"))
            if organization is not None:
                accounts[account]["organization_id"] = organization
        if meanwhile is not None:
            meanwhile()

    if on_plan:
        on_plan(len(units))
    remaining: Counter[tuple[str, str]] = Counter((unit.account, unit.region) for unit in units)
    for unit, result in run_units(units, sessions, context, options, in_the_meantime):
        region_out = accounts[unit.account]["regions"][unit.region]
        if isinstance(result, list):
            region_out["resources"][unit.collector.type] = result
        else:
            region_out["errors"].append(result)
        if progress:
            progress(f"{unit.account} {unit.region} {unit.collector.type}")
        remaining[(unit.account, unit.region)] -= 1
        if on_region is not None and not remaining[(unit.account, unit.region)]:
            on_region(unit.account, unit.region, region_out)

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


def _name_account(account_data: dict[str, Any], target: AccountTarget) -> None:
    """The account's name (Organizations, the accounts file) goes into the snapshot, so that
    every report made from it can show it."""
    if target.name:
        account_data["name"] = str(target.name)


def _will_fork(targets: list[AccountTarget], options: CollectOptions) -> bool:
    """Whether collection will most likely use worker processes (the blocks are known only
    once the accounts are resolved): then the service models are loaded before the fork."""
    regions = len(options.regions) if options.regions else 2  # every enabled region: many
    return worker_processes(len(targets) * regions, options.processes) > 1


def run_units(
    units: list[Unit],
    sessions: dict[str, AccountSession],
    context: AwsContext,
    options: CollectOptions,
    meanwhile: Callable[[], None] | None = None,
) -> Iterator[tuple[Unit, Any]]:
    """Every unit's result as it completes: in worker processes when that helps, else in
    this process's threads; ``meanwhile`` runs here once they are under way (also when
    there is no unit)."""
    blocks = {(unit.account, unit.region) for unit in units}
    wanted = worker_processes(len(blocks), options.processes)
    if wanted > 1:
        return processes.run_units(units, sessions, context, options.max_workers, wanted, meanwhile)
    return run_units_in_threads(units, sessions, options.max_workers, meanwhile)
