"""Merging shard reports, on literal findings.json documents: the union of what every shard
saw, each finding once, and a refusal (exit 2, at the shard) when shards disagree."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest

from scanner import HOMEPAGE
from scanner.errors import InputError
from scanner.model import Location
from scanner.report.merge import merge_runs, read_findings, read_shard, read_shard_file
from scanner.report.run import RuleInfo
from tests.unit.signal.findings import ACCOUNT, OTHER, finding

RULES = [
    RuleInfo(
        id=rule_id,
        title=rule_id,
        severity="high",
        description="d",
        risk="r",
        remediation_text="fix",
    )
    for rule_id in ("NW-SG-005", "NW-CT-001")
]


def run(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "tool_version": "1.0.0",
        "collected_at": "2026-12-01T02:00:00+00:00",
        "accounts": [ACCOUNT],
        "regions": ["eu-west-1"],
        "policy_pack": {"digest": "sha256:abc", "dir": "policies"},
        "baseline": {"dir": "baselines", "commit": "c0ffee"},
        "coverage_gaps": [],
        "inventory": [],
        "api_calls": 10,
    }
    return {**base, **changes}


def document(findings: list[Any], **changes: Any) -> dict[str, Any]:
    return {"run": run(**changes), "findings": [f.to_dict() for f in findings]}


def test_two_shards_merge_into_the_union_of_what_each_saw() -> None:
    mine = finding("NW-SG-005", "sg-1")
    theirs = finding("NW-SG-005", "sg-2", account=OTHER, region="us-east-1")
    gap = {"account": OTHER, "region": "us-east-1", "type": "aws.flow-log", "code": "Denied"}
    first = document(
        [mine],
        inventory=[{"account": ACCOUNT, "region": "eu-west-1", "type": "aws.vpc", "count": 2}],
        account_names={ACCOUNT: "prod"},
    )
    second = document(
        [theirs],
        collected_at="2026-12-01T01:59:00+00:00",
        accounts=[OTHER],
        regions=["us-east-1", "eu-west-1"],
        coverage_gaps=[gap],
        inventory=[{"account": OTHER, "region": "us-east-1", "type": "aws.vpc", "count": "3"}],
        api_calls=5,
        account_names={OTHER: "staging"},
    )
    findings, info = merge_runs([first, second], ["shard-1", "shard-2"], RULES)
    assert [f.resource_id for f in findings] == ["sg-1", "sg-2"]
    assert info.accounts == tuple(sorted((ACCOUNT, OTHER)))
    assert info.regions == ("eu-west-1", "us-east-1")
    assert info.collected_at == "2026-12-01T01:59:00+00:00"  # the earliest shard
    assert info.api_calls == 15
    assert info.coverage_gaps == (gap,)
    assert info.inventory == (
        (ACCOUNT, "eu-west-1", "aws.vpc", 2),
        (OTHER, "us-east-1", "aws.vpc", 3),
    )
    assert info.account_names == tuple(sorted({(ACCOUNT, "prod"), (OTHER, "staging")}))
    assert [r.id for r in info.rules] == ["NW-CT-001", "NW-SG-005"]
    assert (info.policy_pack_digest, info.baseline_commit, info.tool_uri) == (
        "sha256:abc",
        "c0ffee",
        HOMEPAGE,
    )


def test_a_finding_two_shards_report_is_kept_once() -> None:
    same = finding("NW-SG-005", "sg-1")
    moved = finding("NW-SG-005", "sg-1")
    moved = dataclasses.replace(moved, location=Location("elsewhere.yaml", 9))
    assert moved.fingerprint == same.fingerprint
    findings, _ = merge_runs([document([same]), document([moved])], ["a", "b"], RULES)
    assert len(findings) == 1 and findings[0].location == same.location  # the first shard's


@pytest.mark.parametrize(
    ("changes", "what"),
    [
        ({"policy_pack": {"digest": "sha256:other", "dir": "policies"}}, "the policy pack"),
        ({"tool_version": "1.0.1"}, "the tool version"),
        ({"baseline": {"dir": "baselines", "commit": "deadbeef"}}, "the baseline commit"),
        ({"baseline": {"dir": "other", "commit": "c0ffee"}}, "the baseline"),
    ],
)
def test_shards_that_disagree_are_refused_at_the_shard_that_differs(
    changes: dict[str, Any], what: str
) -> None:
    with pytest.raises(InputError, match=f"shards disagree on {what}") as raised:
        merge_runs([document([]), document([]), document([], **changes)], ["a", "b", "c"], RULES)
    assert raised.value.path == "c"


def test_read_a_report_directory_or_its_file(tmp_path: Path) -> None:
    (tmp_path / "findings.json").write_text(json.dumps(document([])))
    data, where = read_findings(tmp_path)
    assert where == str(tmp_path / "findings.json") and data["findings"] == []
    assert read_findings(tmp_path / "findings.json")[0] == data
    assert read_shard(tmp_path) == data


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ('{"run": {}}\n', "not a netwarden findings.json", 1),
        ("[]", "not a netwarden findings.json", 1),
        ('{\n  "run": {},\n  "findings": [,]\n}', "not valid JSON", 3),
    ],
)
def test_a_foreign_or_broken_file_is_bad_input_at_its_line(
    tmp_path: Path, text: str, message: str, line: int
) -> None:
    path = tmp_path / "findings.json"
    path.write_text(text)
    with pytest.raises(InputError, match=message) as raised:
        read_shard_file(path)
    assert (raised.value.path, raised.value.line) == (str(path), line)


def test_a_missing_shard_is_bad_input(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read shard report"):
        read_shard(tmp_path / "absent")
