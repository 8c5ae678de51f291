"""Counts of what a snapshot holds, per account, region and type (pure)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tabulate import tabulate

from scanner.snapshot import accounts_of, iter_regions, resources_of


def counts(snapshot: Mapping[str, Any]) -> list[tuple[str, str, str, int]]:
    """(account, region, type, count) rows, sorted."""
    return [
        (account, region, rtype, len(items))
        for account, region, data in iter_regions(snapshot)
        for rtype, items in sorted(resources_of(data).items())
    ]


def summary_line(snapshot: Mapping[str, Any]) -> str:
    rows = counts(snapshot)
    accounts = {row[0] for row in rows} | set(accounts_of(snapshot))
    regions = {(row[0], row[1]) for row in rows}
    total = sum(row[3] for row in rows)
    stats = snapshot.get("stats", {})
    return (
        f"collected {total} resources in {len(accounts)} account(s), {len(regions)} region(s) "
        f"with {stats.get('api_calls', 0)} API calls in {stats.get('duration_s', 0)}s"
    )


def table(snapshot: Mapping[str, Any]) -> str:
    """An inventory table: one row per type, one column per (account, region)."""
    rows = counts(snapshot)
    columns = sorted({(account, region) for account, region, _, _ in rows})
    types = sorted({rtype for _, _, rtype, _ in rows})
    index = {(a, r, t): n for a, r, t, n in rows}
    headers = ["type", *[f"{a}/{r}" for a, r in columns]]
    body = [[t, *[index.get((a, r, t), "-") for a, r in columns]] for t in types]
    return tabulate(body, headers=headers, tablefmt="github")
