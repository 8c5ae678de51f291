"""A pull request's baseline change as deltas located at the lines it changed, on literal
YAML (the lines are the proposed file's)."""

from __future__ import annotations

from pathlib import Path

from scanner.baseline.store import RegionBaseline, parse
from scanner.drift.review import review_deltas
from scanner.model import Location

ACCOUNT = "111111111111"
PATH = "baselines/111111111111/eu-west-1.yaml"

BASE = """\
account: '111111111111'
region: eu-west-1
resources:
  aws.security-group:
    sg-1:
      GroupName: web
      ingress:
      - {protocol: tcp, from_port: 443, to_port: 443, cidr: 0.0.0.0/0}
  aws.vpc:
    vpc-1:
      CidrBlock: 10.0.0.0/16
    vpc-2:
      CidrBlock: 10.2.0.0/16
"""

PROPOSED = """\
account: '111111111111'
region: eu-west-1
resources:
  aws.security-group:
    sg-1:
      GroupName: web
      ingress:
      - {protocol: tcp, from_port: 443, to_port: 443, cidr: 0.0.0.0/0}
      - {protocol: tcp, from_port: 22, to_port: 22, cidr: 0.0.0.0/0}
  aws.vpc:
    vpc-1:
      CidrBlock: 10.1.0.0/16
    vpc-3:
      CidrBlock: 10.3.0.0/16
"""


def region(text: str, path: str = PATH) -> dict[tuple[str, str], RegionBaseline]:
    return {(ACCOUNT, "eu-west-1"): parse(text, path)}


def path_for(account: str, region: str) -> Path:
    return Path("baselines") / account / f"{region}.yaml"


def test_each_delta_is_located_at_the_line_that_changed_it() -> None:
    deltas = review_deltas(region(BASE), region(PROPOSED), path_for)
    located = {(d.resource_type, d.resource_id, d.change): d.location for d in deltas}
    assert located == {
        # the added rule, not the group's first line
        ("aws.security-group", "sg-1", "modified"): Location(PATH, 9),
        # the changed field
        ("aws.vpc", "vpc-1", "modified"): Location(PATH, 12),
        # a new entry: its own line
        ("aws.vpc", "vpc-3", "added"): Location(PATH, 13),
        # gone from the proposed file: its type's section there
        ("aws.vpc", "vpc-2", "removed"): Location(PATH, 10),
    }


def test_the_deltas_carry_both_sides() -> None:
    deltas = review_deltas(region(BASE), region(PROPOSED), path_for)
    (vpc,) = [d for d in deltas if d.resource_id == "vpc-1"]
    assert vpc.before == {"CidrBlock": "10.0.0.0/16"}
    assert vpc.after == {"CidrBlock": "10.1.0.0/16"}
    assert [c.field for c in vpc.changes] == ["CidrBlock"]


def test_no_change_no_delta() -> None:
    assert review_deltas(region(BASE), region(BASE), path_for) == []


def test_a_new_file_is_all_added_at_its_own_lines() -> None:
    deltas = review_deltas({}, region(PROPOSED), path_for)
    assert sorted((d.resource_id, d.change, d.location.line) for d in deltas) == [
        ("sg-1", "added", 5),
        ("vpc-1", "added", 11),
        ("vpc-3", "added", 13),
    ]


def test_a_deleted_file_is_all_removed_at_the_path_it_had() -> None:
    deltas = review_deltas(region(BASE), {}, path_for)
    assert sorted((d.resource_id, d.change) for d in deltas) == [
        ("sg-1", "removed"),
        ("vpc-1", "removed"),
        ("vpc-2", "removed"),
    ]
    assert {d.location for d in deltas} == {Location(str(path_for(ACCOUNT, "eu-west-1")), 1)}


def test_a_type_dropped_from_the_proposed_file_removes_its_entries() -> None:
    proposed = PROPOSED.split("  aws.vpc:")[0]
    deltas = review_deltas(region(BASE), region(proposed), path_for)
    assert sorted((d.resource_id, d.change) for d in deltas) == [
        ("sg-1", "modified"),
        ("vpc-1", "removed"),
        ("vpc-2", "removed"),
    ]
