"""Reverting drifted tags (pure): the plan undoes every tag change the baseline tracks."""

from __future__ import annotations

from typing import Any

from scanner.drift.changes import Change, diff_fields
from scanner.drift.engine import Delta
from scanner.model import Location
from scanner.remediate.drift_plan import revert_actions

ACCOUNT, REGION = "111111111111", "us-east-1"


def modified(rtype: str, rid: str, old: dict[str, Any], new: dict[str, Any]) -> Delta:
    changes = tuple(diff_fields(old, new))
    return Delta(ACCOUNT, REGION, rtype, rid, "modified", "high", changes, Location("b.yaml", 3))


def calls(delta: Delta) -> list[tuple[str, dict[str, Any]] | str]:
    return [
        (a.api.operation, a.api.params) if a.api else a.description for a in revert_actions(delta)
    ]


def test_changed_removed_and_added_tags_are_each_undone() -> None:
    old = {"tags": {"Exposure": "internal", "Name": "web", "Team": "net"}}
    new = {"tags": {"Exposure": "public", "Name": "web", "Backdoor": "1"}}
    assert calls(modified("aws.vpc", "vpc-1", old, new)) == [
        ("DeleteTags", {"Resources": ["vpc-1"], "Tags": [{"Key": "Backdoor"}]}),
        (
            "CreateTags",
            {"Resources": ["vpc-1"], "Tags": [{"Key": "Exposure", "Value": "internal"}]},
        ),
        ("CreateTags", {"Resources": ["vpc-1"], "Tags": [{"Key": "Team", "Value": "net"}]}),
    ]


def test_a_whole_tag_map_that_appeared_or_went() -> None:
    appeared = modified("aws.subnet", "subnet-1", {}, {"tags": {"A": "1", "B": "2"}})
    assert calls(appeared) == [
        ("DeleteTags", {"Resources": ["subnet-1"], "Tags": [{"Key": "A"}, {"Key": "B"}]})
    ]
    went = Delta(
        ACCOUNT,
        REGION,
        "aws.subnet",
        "subnet-1",
        "modified",
        "high",
        (Change(("tags",), "removed", old={"Exposure": "internal"}),),
        Location("b.yaml", 3),
    )
    assert calls(went) == [
        (
            "CreateTags",
            {"Resources": ["subnet-1"], "Tags": [{"Key": "Exposure", "Value": "internal"}]},
        )
    ]


def test_what_cannot_be_reverted_is_still_listed() -> None:
    delta = modified("aws.vpc", "vpc-1", {"CidrBlock": "10.0.0.0/16"}, {"CidrBlock": "10.9.0.0/16"})
    (step,) = calls(delta)
    assert isinstance(step, str) and step.startswith("Restore CidrBlock to the baseline values")
