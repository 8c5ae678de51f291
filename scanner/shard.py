"""Splitting accounts across machines: a stable assignment of each account to one of N
shards, the same on every machine and every night."""

from __future__ import annotations

import copy
import hashlib
import re
from collections.abc import Iterable, Mapping
from typing import Any

from scanner.errors import InputError
from scanner.snapshot import accounts_of

_SHARD = re.compile(r"^(\d+)/(\d+)$")


def parse_shard(value: str | None) -> tuple[int, int] | None:
    """``K/N`` (1 <= K <= N) as (K, N); None when not sharding."""
    if value is None:
        return None
    match = _SHARD.match(value.strip())
    if not match or not 1 <= int(match[1]) <= int(match[2]):
        raise InputError(f"--shard must be K/N with 1 <= K <= N, not {value!r}")
    return int(match[1]), int(match[2])


def shard_of(key: str, count: int) -> int:
    """The 1-based shard of an account (by id, or by label when the id is not known)."""
    digest = hashlib.sha256(key.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % count + 1


def in_shard(key: str, shard: tuple[int, int] | None) -> bool:
    return shard is None or shard_of(key, shard[1]) == shard[0]


def filter_snapshot(snapshot: Mapping[str, Any], shard: tuple[int, int] | None) -> dict[str, Any]:
    """The snapshot restricted to one shard's accounts, with its call counts recomputed from
    the per-account stats, so shard reports add up to the whole."""
    if shard is None:
        return dict(snapshot)
    kept = {a: d for a, d in accounts_of(snapshot).items() if in_shard(a, shard)}
    out = {k: copy.deepcopy(v) for k, v in snapshot.items() if k not in ("accounts", "stats")}
    out["accounts"] = copy.deepcopy(kept)
    out["stats"] = sum_stats(snapshot.get("stats", {}), kept)
    return out


def sum_stats(stats: Mapping[str, Any], accounts: Iterable[str]) -> dict[str, Any]:
    by_account = stats.get("by_account", {})
    kept = {a: by_account[a] for a in sorted(accounts) if a in by_account}
    operations: dict[str, int] = {}
    for account_stats in kept.values():
        for op, n in account_stats.get("api_calls_by_operation", {}).items():
            operations[op] = operations.get(op, 0) + n
    return {
        "api_calls": sum(s.get("api_calls", 0) for s in kept.values()),
        "api_calls_by_operation": dict(sorted(operations.items())),
        "retries": sum(s.get("retries", 0) for s in kept.values()),
        "by_account": kept,
        "duration_s": stats.get("duration_s", 0),
    }
