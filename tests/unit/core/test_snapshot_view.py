"""The typed snapshot view: the one reader of the snapshot's nesting, on literal data."""

from __future__ import annotations

import re
from pathlib import Path

from scanner import snapshot
from scanner.snapshot import Snapshot

SNAP: Snapshot = {
    "schema": "netwarden/snapshot/v1",
    "accounts": {
        "222222222222": {
            "regions": {
                "us-east-1": {"resources": {"aws.vpc": [{"VpcId": "vpc-3"}]}, "errors": []},
            }
        },
        "111111111111": {
            "regions": {
                "us-east-1": {
                    "resources": {
                        "aws.vpc": [{"VpcId": "vpc-2"}, {"VpcId": "vpc-1"}],
                        "aws.subnet": [{"SubnetId": "subnet-1"}],
                    },
                    "errors": [{"type": "aws.flow-log", "code": "AccessDenied", "message": "no"}],
                },
                "eu-west-1": {"resources": {}},
            }
        },
    },
}


def test_regions_and_items_come_sorted_with_items_in_collected_order() -> None:
    assert [(a, r) for a, r, _ in snapshot.iter_regions(SNAP)] == [
        ("111111111111", "eu-west-1"),
        ("111111111111", "us-east-1"),
        ("222222222222", "us-east-1"),
    ]
    assert [
        (a, r, t, i.get("VpcId") or i.get("SubnetId")) for a, r, t, i in snapshot.iter_items(SNAP)
    ] == [
        ("111111111111", "us-east-1", "aws.subnet", "subnet-1"),
        ("111111111111", "us-east-1", "aws.vpc", "vpc-2"),
        ("111111111111", "us-east-1", "aws.vpc", "vpc-1"),
        ("222222222222", "us-east-1", "aws.vpc", "vpc-3"),
    ]


def test_a_missing_level_reads_as_empty() -> None:
    assert snapshot.region_data(SNAP, "333333333333", "us-east-1") == {}
    assert snapshot.region_items(SNAP, "111111111111", "eu-west-1", "aws.vpc") == []
    assert snapshot.regions_of({}, "111111111111") == {}
    assert list(snapshot.iter_items({"schema": "netwarden/snapshot/v1"})) == []


def test_coverage_gaps_and_errors_at_every_level() -> None:
    assert snapshot.coverage_gaps(SNAP) == [
        {
            "account": "111111111111",
            "region": "us-east-1",
            "type": "aws.flow-log",
            "code": "AccessDenied",
            "message": "no",
        }
    ]
    assert snapshot.has_errors(SNAP)
    account_level: Snapshot = {"accounts": {"1": {"regions": {}, "errors": [{"code": "Denied"}]}}}
    assert snapshot.has_errors(account_level)
    # An account that could not be opened is a gap of every region: region "*".
    assert snapshot.coverage_gaps(account_level) == [
        {"account": "1", "region": "*", "code": "Denied"}
    ]
    assert not snapshot.has_errors({"accounts": {"1": {"regions": {"r": {"errors": []}}}}})


def test_a_null_level_reads_as_empty() -> None:
    # A hand-edited or truncated file may hold null where a mapping or a list belongs.
    hostile = {
        "accounts": {
            "111111111111": {"regions": None},
            "222222222222": {"regions": {"us-east-1": None, "eu-west-1": {"resources": None}}},
            "333333333333": {"regions": {"us-east-1": {"resources": {"aws.vpc": None}}}},
        }
    }
    assert list(snapshot.iter_items(hostile)) == []
    assert snapshot.regions_by_account(hostile) == {
        "111111111111": [],
        "222222222222": ["eu-west-1", "us-east-1"],
        "333333333333": ["us-east-1"],
    }
    assert snapshot.region_items(hostile, "333333333333", "us-east-1", "aws.vpc") == []
    assert snapshot.resources_of(snapshot.region_data(hostile, "222222222222", "us-east-1")) == {}
    assert snapshot.accounts_of({"accounts": None}) == {}


def test_regions_by_account_keeps_an_account_without_regions() -> None:
    assert snapshot.regions_by_account(SNAP) == {
        "111111111111": ["eu-west-1", "us-east-1"],
        "222222222222": ["us-east-1"],
    }


# Modules that build a snapshot (their own nesting is the writer's), and documents that have
# "accounts" or "regions" keys of their own but are not snapshots.
NOT_READERS = {
    "scanner/snapshot.py": "the view itself",
    "scanner/snapshotschema.py": "checks the raw file's shape before any reader sees it",
    "scanner/collect/runner.py": "builds the snapshot it collects",
    "scanner/baseline/unproject.py": "builds a snapshot from a baseline",
    "scanner/shard.py": "builds a shard's snapshot",
    "bench/synth.py": "builds generated snapshots",
    "scanner/aws/accounts.py": "an accounts file",
    "scanner/aws/regions.py": "botocore's endpoint data (partitions and their regions)",
    "scanner/attribution/events.py": "a CloudTrail record's resources",
    "scanner/baseline/store.py": "a baseline file's resources",
    "scanner/remediate/reviewed.py": "an evidence document",
    "scanner/report/merge.py": "run information",
    "scanner/securityhub/publish.py": "run information",
    "bench/report.py": "benchmark results",
    "bench/readme.py": "benchmark results",
    "bench/__main__.py": "benchmark results",
}
HAND_WALK = re.compile(
    r"""\.get\(\s*["'](accounts|regions|resources)["']|\[\s*["'](accounts|regions|resources)["']\s*\]"""
)


def test_every_reader_walks_the_snapshot_through_the_view() -> None:
    root = Path(__file__).resolve().parents[3]
    offenders = []
    for path in sorted([*root.glob("scanner/**/*.py"), *root.glob("bench/**/*.py")]):
        name = path.relative_to(root).as_posix()
        if name in NOT_READERS:
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if HAND_WALK.search(line):
                offenders.append(f"{name}:{number}: {line.strip()}")
    assert not offenders, "walk the snapshot with scanner.snapshot's readers:\n" + "\n".join(
        offenders
    )
