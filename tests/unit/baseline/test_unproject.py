"""A baseline read back as a snapshot (what review's rule pack judges), on literal entries."""

from __future__ import annotations

from scanner import __version__, resources
from scanner.baseline.store import RegionBaseline
from scanner.baseline.unproject import snapshot_of
from scanner.snapshot import SCHEMA, coverage_gaps, iter_items

A, B = "111111111111", "222222222222"
VPC = {"CidrBlock": "10.0.0.0/16", "cidrs": ["10.0.0.0/16"], "tags": {"Name": "prod"}}


def baseline(account: str, region: str, **types: dict[str, dict[str, object]]) -> RegionBaseline:
    return RegionBaseline(account, region, f"{account}/{region}.yaml", dict(types))


def test_each_entry_becomes_the_raw_item_its_describe_call_returns() -> None:
    snap = snapshot_of({(A, "eu-west-1"): baseline(A, "eu-west-1", **{"aws.vpc": {"vpc-1": VPC}})})
    assert snap["schema"] == SCHEMA and snap["tool_version"] == __version__
    assert list(iter_items(snap)) == [
        (
            A,
            "eu-west-1",
            "aws.vpc",
            {
                "CidrBlock": "10.0.0.0/16",
                "VpcId": "vpc-1",
                "OwnerId": A,
                "State": "available",
                "Tags": [{"Key": "Name", "Value": "prod"}],
                "CidrBlockAssociationSet": [
                    {"CidrBlock": "10.0.0.0/16", "CidrBlockState": {"State": "associated"}}
                ],
                "Ipv6CidrBlockAssociationSet": [],
            },
        )
    ]


def test_items_are_in_id_order_and_carry_their_id_key() -> None:
    entries = {"sg-b": {"GroupName": "b"}, "sg-a": {"GroupName": "a"}}
    snap = snapshot_of(
        {(A, "eu-west-1"): baseline(A, "eu-west-1", **{"aws.security-group": entries})}
    )
    items = [item for *_, item in iter_items(snap)]
    assert [(i["GroupId"], i["GroupName"]) for i in items] == [("sg-a", "a"), ("sg-b", "b")]


def test_a_type_the_baseline_has_no_section_for_is_a_gap_not_an_empty_list() -> None:
    snap = snapshot_of({(A, "eu-west-1"): baseline(A, "eu-west-1", **{"aws.vpc": {}})})
    region = snap["accounts"][A]["regions"]["eu-west-1"]
    assert region["resources"] == {"aws.vpc": []}
    gaps = coverage_gaps(snap)
    assert {g["type"] for g in gaps} == set(resources.CATALOG) - {"aws.vpc"}
    assert {(g["account"], g["region"], g["code"]) for g in gaps} == {
        (A, "eu-west-1", "NotInBaseline")
    }


def test_every_account_and_region_of_the_baselines_is_there() -> None:
    snap = snapshot_of(
        {
            (B, "us-east-1"): baseline(B, "us-east-1"),
            (A, "eu-west-1"): baseline(A, "eu-west-1"),
            (A, "us-east-1"): baseline(A, "us-east-1"),
        }
    )
    assert {a: sorted(d["regions"]) for a, d in snap["accounts"].items()} == {
        A: ["eu-west-1", "us-east-1"],
        B: ["us-east-1"],
    }
    assert snap["stats"] == {"api_calls": 0, "duration_s": 0}


def test_no_baseline_no_account() -> None:
    assert snapshot_of({})["accounts"] == {}
