"""Shard assignment is stable and spreads accounts evenly."""

from __future__ import annotations

from collections import Counter

import pytest

from scanner.errors import InputError
from scanner.shard import filter_snapshot, parse_shard, shard_of


def test_assignment_is_stable_and_balanced() -> None:
    accounts = [f"{n:012d}" for n in range(1000)]
    assert [shard_of(a, 4) for a in accounts] == [shard_of(a, 4) for a in accounts]
    counts = Counter(shard_of(a, 4) for a in accounts)
    assert set(counts) == {1, 2, 3, 4}
    assert min(counts.values()) > 200


@pytest.mark.parametrize("bad", ["0/2", "3/2", "1", "a/b", "1/0"])
def test_bad_shard_is_bad_input(bad: str) -> None:
    with pytest.raises(InputError):
        parse_shard(bad)


def test_filtered_snapshot_counts_only_its_accounts_calls() -> None:
    snapshot = {
        "schema": "netwarden/snapshot/v1",
        "accounts": {"111111111111": {"regions": {}}, "222222222222": {"regions": {}}},
        "stats": {
            "api_calls": 30,
            "duration_s": 1.0,
            "by_account": {
                "111111111111": {
                    "api_calls": 10,
                    "api_calls_by_operation": {"ec2:DescribeVpcs": 10},
                },
                "222222222222": {
                    "api_calls": 20,
                    "api_calls_by_operation": {"ec2:DescribeVpcs": 20},
                },
            },
        },
    }
    shard = (shard_of("111111111111", 2), 2)
    part = filter_snapshot(snapshot, shard)
    kept = set(part["accounts"])
    assert "111111111111" in kept
    assert part["stats"]["api_calls"] == sum(
        snapshot["stats"]["by_account"][a]["api_calls"] for a in kept
    )
