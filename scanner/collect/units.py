"""One unit of collection (a collector in one region of one account) and the threads that
run units: what the parent process and each forked collection worker share
(:mod:`scanner.collect.runner`, :mod:`scanner.collect.processes`)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError
from botocore.parsers import ResponseParserError

from scanner.aws.session import AccountSession
from scanner.collect.collectors import Collector, resource_id_of
from scanner.interrupts import stop_pool
from scanner.snapshot import to_json_compatible
from scanner.textsafe import one_line


@dataclass(frozen=True)
class Unit:
    """One unit of work: a collector in one region of one account."""

    account: str
    region: str
    collector: Collector


# What one unit's read can fail with and still leave the rest of the scan valid: an API
# error, a transport failure, or an answer that is not the document the API promised.
READ_ERRORS = (ClientError, BotoCoreError, ResponseParserError)


class MalformedResponse(ResponseParserError):
    """A response that parsed, but whose items are not the API's items (no id, not objects)."""


def error_record(rtype: str, exc: BaseException) -> dict[str, str]:
    """A snapshot ``errors`` entry for a failed read."""
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        code = str(error.get("Code") or "ClientError")
        message = str(error.get("Message") or exc)
    elif isinstance(exc, ResponseParserError):
        # One code for every unreadable answer, whichever layer noticed it.
        code = "UnparseableResponse"
        message = str(exc)
    else:
        code = type(exc).__name__
        message = str(exc)
    return {"type": rtype, "code": one_line(code, 100), "message": one_line(message, 300)}


def checked_items(collector: Collector, items: list[Any]) -> list[Any]:
    """``items`` when each is an object with its id; a parser that met something else (a
    proxy's page, another API's answer) must not turn it into resources or a crash."""
    keys = collector.key_fields or (collector.id_key,)
    for item in items:
        if collector.id_key == "DetectorId" and isinstance(item, str):
            continue  # ListDetectors answers bare ids, made into objects by its enrich step
        for key in keys:
            if not isinstance(item, dict) or not isinstance(item.get(key), str):
                raise MalformedResponse(
                    f"{collector.api_operation}: an item without a {key}: {one_line(item, 80)}"
                )
    return items


def read_all(client: Any, collector: Collector) -> list[dict[str, Any]]:
    """Every item of one type in one region: one paginated call sequence, largest pages."""
    items: list[Any] = []
    params = dict(collector.params)
    if collector.single:
        items.append(_single(collector, getattr(client, collector.operation)(**params)))
    elif client.can_paginate(collector.operation):
        pagination: dict[str, Any] = {}
        if collector.page_size:
            pagination["PageSize"] = collector.page_size
        paginator = client.get_paginator(collector.operation)
        for page in paginator.paginate(**params, PaginationConfig=pagination):
            items.extend(page.get(collector.result_key, []))
    else:
        # botocore has no paginator for some token-paged calls (BPA's exclusions): follow
        # NextToken here, at the largest page, so no page is silently dropped.
        if collector.page_size:
            params[collector.page_size_param] = collector.page_size
        seen: set[str] = set()
        while True:
            response = getattr(client, collector.operation)(**params)
            items.extend(response.get(collector.result_key, []))
            token = response.get("NextToken")
            if not isinstance(token, str) or not token or token in seen:
                break
            seen.add(token)
            params["NextToken"] = token
    items = checked_items(collector, items)
    if collector.keep is not None:
        items = [item for item in items if collector.keep(item)]
    if collector.enrich is not None:
        items = collector.enrich(client, items)
    return sorted(items, key=lambda item: resource_id_of(collector.type, item))


def _single(collector: Collector, response: Any) -> Any:
    """The one object of a ``single`` collector's answer; its absence is a malformed answer
    (an account setting is always there: reading nothing must not pass for "off")."""
    value = response.get(collector.result_key) if isinstance(response, dict) else None
    if not isinstance(value, dict):
        raise MalformedResponse(
            f"{collector.api_operation}: no {collector.result_key} object in the answer"
        )
    return value


# botocore retries errors and dropped connections, never an answer it could not parse (a
# body cut short by a proxy is as transient as a reset): one more read of the unit for it.
UNPARSEABLE_RETRIES = 1


def collect_unit(session: AccountSession, unit: Unit) -> tuple[Unit, Any]:
    """One unit's items (JSON-compatible: what a snapshot file holds), or its error record."""
    for attempt in range(UNPARSEABLE_RETRIES + 1):
        try:
            client = session.client(unit.collector.service, unit.region)
            return unit, to_json_compatible(read_all(client, unit.collector))
        except ResponseParserError as exc:
            if attempt == UNPARSEABLE_RETRIES:
                return unit, error_record(unit.collector.type, exc)
        except READ_ERRORS as exc:
            return unit, error_record(unit.collector.type, exc)
    raise AssertionError("unreachable: the last attempt returns")


def longest_first(units: list[Unit]) -> list[Unit]:
    """``units`` in the order the threads should start them: the ones whose enrichment makes
    calls after the listing, one after the other, first (GuardDuty and Config: three calls
    in a row, CloudTrail and prefix lists two), each group in the order given.

    Why: a thread pool runs units in submission order, and a region's units were submitted
    in registry order, so the three-call chains of the last region started last and were
    the tail of every collection; started first, they overlap with the single calls."""
    return sorted(units, key=lambda unit: -len(unit.collector.extra_operations))


def run_units_in_threads(
    units: list[Unit],
    sessions: dict[str, AccountSession],
    max_workers: int,
    meanwhile: Callable[[], None] | None = None,
) -> Iterator[tuple[Unit, Any]]:
    """Every unit's result, as each completes (longest chains of calls started first);
    ``meanwhile`` runs in the calling thread once every unit is submitted."""
    pool = ThreadPoolExecutor(max_workers=max(1, max_workers))
    finished = False
    try:
        futures: list[Future[tuple[Unit, Any]]] = [
            pool.submit(collect_unit, sessions[unit.account], unit) for unit in longest_first(units)
        ]
        if meanwhile is not None:
            meanwhile()
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
