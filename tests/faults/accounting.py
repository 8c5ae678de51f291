"""Comparing a snapshot collected through faults with a fault-free one: every resource of the
fault-free snapshot is either in the other, unchanged, or accounted for by an ``errors``
entry that covers it. Nothing is lost silently, nothing is invented."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

Gap = tuple[str, str, str]  # (account, region, type); region "*" for a whole account


def stable(items: list[Any]) -> list[Any]:
    """Items without what moto makes up anew on every call: a trail's delivery times are
    "now" in its GetTrailStatus answers."""
    kept = []
    for item in items:
        status = item.get("c7n:TrailStatus") if isinstance(item, dict) else None
        if isinstance(status, dict):
            status = {k: v for k, v in status.items() if not k.startswith("LatestDelivery")}
            item = {**item, "c7n:TrailStatus": status}
        kept.append(item)
    return kept


def units(snapshot: dict[str, Any]) -> Iterator[tuple[str, str, str, list[Any]]]:
    for account, account_data in snapshot["accounts"].items():
        for region, region_data in account_data["regions"].items():
            for rtype, items in region_data["resources"].items():
                yield account, region, rtype, items


def gaps(snapshot: dict[str, Any]) -> set[Gap]:
    """Every (account, region, type) the snapshot says it could not read."""
    found: set[Gap] = set()
    for account, account_data in snapshot["accounts"].items():
        if account_data.get("errors"):
            found.add((account, "*", "*"))
        for region, region_data in account_data["regions"].items():
            for error in region_data["errors"]:
                found.add((account, region, error["type"]))
    return found


def unaccounted(clean: dict[str, Any], faulted: dict[str, Any]) -> list[str]:
    """What ``faulted`` lost or changed without an error saying so (empty: all accounted)."""
    problems: list[str] = []
    covered = gaps(faulted)
    for account, region, rtype, items in units(clean):
        region_data = faulted["accounts"].get(account, {}).get("regions", {}).get(region)
        if (account, "*", "*") in covered:
            continue  # the whole account is reported unreadable
        if region_data is None:
            problems.append(f"{account}/{region}: region missing, no account error")
            continue
        got = region_data["resources"].get(rtype)
        if got is None:
            if (account, region, rtype) not in covered:
                problems.append(f"{account}/{region}/{rtype}: missing, no error entry")
        elif stable(got) != stable(items):
            ids = len(items), len(got)
            problems.append(f"{account}/{region}/{rtype}: {ids[0]} items became {ids[1]}")
        elif (account, region, rtype) in covered:
            problems.append(f"{account}/{region}/{rtype}: read, yet reported unreadable")
    for account, region, rtype, _ in units(faulted):
        if rtype not in clean["accounts"].get(account, {}).get("regions", {}).get(region, {}).get(
            "resources", {}
        ):
            problems.append(f"{account}/{region}/{rtype}: not in the fault-free snapshot")
    return problems
