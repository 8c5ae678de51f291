"""The typed snapshot view: the one reader of the snapshot's nesting, on literal data."""

from __future__ import annotations

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
