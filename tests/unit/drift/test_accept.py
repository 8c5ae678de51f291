"""Accepting drift into the baseline, on literal deltas: only the accepted resources change."""

from __future__ import annotations

from scanner.baseline.store import RegionBaseline
from scanner.drift.accept import fold_in
from scanner.drift.engine import Delta
from scanner.model import Location

A, R = "111111111111", "eu-west-1"
HERE = Location("b.yaml", 1)
BASE = {
    (A, R): RegionBaseline(
        A,
        R,
        "b.yaml",
        {"aws.vpc": {"vpc-1": {"CidrBlock": "10.0.0.0/16"}, "vpc-2": {"CidrBlock": "10.2.0.0/16"}}},
    )
}


def delta(
    change: str, rid: str, after: dict[str, str] | None, baseline_id: str | None = None
) -> Delta:
    return Delta(A, R, "aws.vpc", rid, change, "low", (), HERE, None, after, baseline_id)


def test_a_change_an_addition_and_a_removal_are_folded_in() -> None:
    touched = fold_in(
        BASE,
        [
            delta("modified", "vpc-1", {"CidrBlock": "10.1.0.0/16"}),
            delta("added", "vpc-3", {"CidrBlock": "10.3.0.0/16"}),
        ],
    )
    assert touched == {
        (A, R): {
            "aws.vpc": {
                "vpc-1": {"CidrBlock": "10.1.0.0/16"},
                "vpc-2": {"CidrBlock": "10.2.0.0/16"},  # not accepted: as it was
                "vpc-3": {"CidrBlock": "10.3.0.0/16"},
            }
        }
    }
    assert fold_in(BASE, [delta("removed", "vpc-2", None)]) == {
        (A, R): {"aws.vpc": {"vpc-1": {"CidrBlock": "10.0.0.0/16"}}}
    }
    assert BASE[(A, R)].resources["aws.vpc"]["vpc-1"] == {"CidrBlock": "10.0.0.0/16"}  # untouched


def test_a_re_created_resource_replaces_its_baseline_entry_under_its_new_id() -> None:
    touched = fold_in(BASE, [delta("modified", "vpc-9", {"CidrBlock": "10.2.0.0/16"}, "vpc-2")])
    assert set(touched[(A, R)]["aws.vpc"]) == {"vpc-1", "vpc-9"}


def test_a_region_without_a_baseline_gets_one() -> None:
    added = Delta(A, "us-east-1", "aws.vpc", "vpc-5", "added", "low", (), HERE, None, {"x": "y"})
    assert fold_in(BASE, [added]) == {(A, "us-east-1"): {"aws.vpc": {"vpc-5": {"x": "y"}}}}


def test_no_delta_touches_nothing() -> None:
    assert fold_in(BASE, []) == {}
