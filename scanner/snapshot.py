"""The snapshot: every collected raw item, per account, region and Custodian resource type.

Layout (docs/contract.md)::

    {"schema": "netwarden/snapshot/v1", "collected_at", "tool_version",
     "accounts": {ACCOUNT: {"regions": {REGION: {"resources": {TYPE: [RAW_ITEM, ...]},
                                                 "errors": [{"type", "code", "message"}]}}}},
     "stats": {"api_calls", "duration_s", ...}}
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, TypedDict, cast

from scanner import gcpolicy, jsonpath, snapshotschema
from scanner.errors import InputError
from scanner.fileio import read_input, write_text_atomic
from scanner.names import account_problem, region_problem

SCHEMA = "netwarden/snapshot/v1"
Item = dict[str, Any]


def _json_default(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    raise TypeError(f"cannot serialise {type(value).__name__} in a snapshot")


def to_json_compatible(value: Any) -> Any:
    """Round-trip through JSON so the in-memory snapshot equals what a file would hold."""
    return json.loads(json.dumps(value, default=_json_default))


def dumps(snapshot: Mapping[str, Any]) -> str:
    """Deterministic JSON text: sorted keys, trailing newline. Compact, because indenting
    forces Python's pure-Python encoder (7x slower on a 4-region snapshot); pipe it through
    ``python -m json.tool`` to read it."""
    return json.dumps(snapshot, sort_keys=True, default=_json_default) + "\n"


def write(snapshot: Mapping[str, Any], path: str | Path) -> Path:
    return write_text_atomic(path, dumps(snapshot))


def load(path: str | Path) -> dict[str, Any]:
    """Read a snapshot file; a missing, malformed or foreign file is an InputError, and so
    is one whose shape is not the snapshot format's (scanner/snapshotschema.py)."""
    file = Path(path)
    text = read_input(file, "snapshot")
    try:
        with gcpolicy.bulk_load():
            data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid JSON: {exc.msg}", str(file), exc.lineno) from None
    except RecursionError:
        # No snapshot nests deeper than a few levels; the parser's own limit answers first.
        raise InputError("nested too deeply to be a snapshot", str(file), 1) from None
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        raise InputError(f"not a netwarden snapshot (expected schema {SCHEMA!r})", str(file), 1)
    if not isinstance(data.get("accounts"), dict):
        raise InputError("snapshot has no 'accounts' mapping", str(file), 1)
    snapshotschema.check(data, str(file))
    _check_names(data, str(file))
    return data


def _check_names(data: Mapping[str, Any], file: str) -> None:
    """Account ids and region names become file names and API endpoints: only real ones.

    One exception: an account that could not be opened is recorded under the label it was
    asked for (a profile or role name, ``default``), with its error and no regions. Such a
    key never becomes a path (there is nothing to write for it, and baseline_path refuses
    it again), so it is accepted when it has no region data; it is still escaped wherever
    it is printed."""
    for account, account_data in data["accounts"].items():
        regions = account_data.get("regions", {}) if isinstance(account_data, dict) else {}
        problem = account_problem(account)
        if problem and not (isinstance(account, str) and account and not regions):
            raise InputError(f"{jsonpath.render(['accounts', account])}: {problem}", file)
        for region in regions if isinstance(regions, dict) else ():
            problem = region_problem(region)
            if problem:
                where = jsonpath.render(["accounts", account, "regions", region])
                raise InputError(f"{where}: {problem}", file)


class ReadError(TypedDict, total=False):
    """What could not be read: a type in a region, or a whole account or region."""

    type: str
    code: str
    message: str


class RegionData(TypedDict, total=False):
    resources: dict[str, list[Item]]  # type -> raw items; a type absent here was not read
    errors: list[ReadError]


class AccountData(TypedDict, total=False):
    regions: dict[str, RegionData]
    errors: list[ReadError]
    name: str  # from Organizations or the accounts file, when they give one


class Stats(TypedDict, total=False):
    api_calls: int
    duration_s: float


class Snapshot(TypedDict, total=False):
    """The snapshot file's layout (the module docstring), for readers that want it typed."""

    schema: str
    collected_at: str
    tool_version: str
    accounts: dict[str, AccountData]
    stats: Stats


# The readers below are the one place that knows the nesting; every other module walks the
# snapshot through them. They take any mapping (a loaded file, an in-memory snapshot) and
# treat a missing or null level as empty, as a snapshot with nothing collected there.


def accounts_of(snapshot: Mapping[str, Any]) -> dict[str, AccountData]:
    accounts: dict[str, AccountData] = snapshot.get("accounts") or {}
    return accounts


def regions_in(account_data: AccountData) -> dict[str, RegionData]:
    """One account's regions, from its data ({} when it has none)."""
    return account_data.get("regions") or {}


def regions_of(snapshot: Mapping[str, Any], account: str) -> dict[str, RegionData]:
    """One account's regions ({} when the account is absent)."""
    return regions_in(accounts_of(snapshot).get(account) or {})


def region_data(snapshot: Mapping[str, Any], account: str, region: str) -> RegionData:
    """One (account, region) ({} when absent)."""
    return regions_of(snapshot, account).get(region) or {}


def resources_of(data: RegionData) -> dict[str, list[Item]]:
    """One region's items by type ({} when nothing was collected there)."""
    return data.get("resources") or {}


def regions_by_account(snapshot: Mapping[str, Any]) -> dict[str, list[str]]:
    """Every account, with its regions (sorted; [] for an account with none)."""
    return {account: sorted(regions_in(data)) for account, data in iter_accounts(snapshot)}


def iter_accounts(snapshot: Mapping[str, Any]) -> Iterator[tuple[str, AccountData]]:
    """(account, its data), sorted by account."""
    for account, data in sorted(accounts_of(snapshot).items()):
        yield account, data or {}


def iter_regions(snapshot: Mapping[str, Any]) -> Iterator[tuple[str, str, RegionData]]:
    """(account, region, its data) for every region of every account, sorted."""
    for account, account_data in iter_accounts(snapshot):
        for region, data in sorted(regions_in(account_data).items()):
            yield account, region, data or {}


def iter_items(snapshot: Mapping[str, Any]) -> Iterator[tuple[str, str, str, Item]]:
    """(account, region, type, raw item) for every item, sorted by account, region and type,
    items in their collected order."""
    for account, region, data in iter_regions(snapshot):
        for rtype, items in sorted(resources_of(data).items()):
            for item in items or []:
                yield account, region, rtype, item


def region_items(snapshot: Mapping[str, Any], account: str, region: str, rtype: str) -> list[Item]:
    """The raw items of one type in one account and region ([] when absent)."""
    return resources_of(region_data(snapshot, account, region)).get(rtype) or []


def coverage_gaps(snapshot: Mapping[str, Any]) -> list[dict[str, str]]:
    """Every (account, region, type) that could not be read, with the reason. An account
    that could not be opened at all (its role refused) or whose regions could not be listed
    is one gap with region ``*``: nothing of it was read."""
    gaps = [
        {"account": account, "region": "*", **cast(dict[str, str], error)}
        for account, data in iter_accounts(snapshot)
        for error in data.get("errors", [])
    ]
    return gaps + [
        {"account": account, "region": region, **cast(dict[str, str], error)}
        for account, region, data in iter_regions(snapshot)
        for error in data.get("errors", [])
    ]


def has_errors(snapshot: Mapping[str, Any]) -> bool:
    """True when any account, region or type could not be read (exit code 3)."""
    return any(data.get("errors") for _, data in iter_accounts(snapshot)) or any(
        data.get("errors") for _, _, data in iter_regions(snapshot)
    )
