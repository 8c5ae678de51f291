"""Drift deltas as findings (literal data): one title per drift kind, the caller's revert plan."""

from __future__ import annotations

import dataclasses

import pytest

from scanner.drift.changes import Change
from scanner.drift.engine import Delta
from scanner.drift.findings import (
    DRIFT_COMPLIANCE,
    TITLES,
    drift_annotations,
    drift_finding,
    drift_findings,
)
from scanner.model import Attribution, Location, RemediationAction
from scanner.report.run import DRIFT_RULES

WHERE = Location("baselines/111111111111/eu-west-1.yaml", 12)
SSH = {"protocol": "tcp", "from_port": 22, "to_port": 22, "cidr": "0.0.0.0/0"}
MODIFIED = Delta(
    "111111111111",
    "eu-west-1",
    "aws.security-group",
    "sg-0web",
    "modified",
    "high",
    (Change(("ingress",), "added", new=SSH, element=True),),
    WHERE,
    before={"ingress": []},
    after={"ingress": [SSH]},
)
ADDED = Delta(
    "111111111111",
    "eu-west-1",
    "aws.internet-gateway",
    "igw-0rogue",
    "added",
    "medium",
    (),
    WHERE,
    after={"vpcs": ["vpc-1"]},
)
REMOVED = Delta(
    "111111111111",
    "eu-west-1",
    "aws.flow-log",
    "fl-0prod",
    "removed",
    "high",
    (),
    WHERE,
    before={"ResourceId": "vpc-1"},
)
STEP = RemediationAction(description="a step", cli="aws ec2 something", api=None)


def _revert(delta: Delta) -> tuple[RemediationAction, ...]:
    return (STEP,) if delta.change != "added" else ()


@pytest.mark.parametrize("delta", [MODIFIED, ADDED, REMOVED], ids=lambda d: d.change)
def test_a_finding_is_titled_as_its_rule_in_the_reports(delta: Delta) -> None:
    finding = drift_finding(delta, _revert)
    rules = {rule.id: rule for rule in DRIFT_RULES}
    assert finding.rule_id == f"drift/{delta.change}"
    assert finding.title == TITLES[delta.change] == rules[finding.rule_id].title
    assert finding.kind == "drift" and finding.severity == delta.severity
    assert finding.compliance == DRIFT_COMPLIANCE == rules[finding.rule_id].compliance
    assert finding.location == WHERE


def test_the_remediation_is_what_the_caller_reverts_with() -> None:
    assert drift_finding(MODIFIED, _revert).remediation == (STEP,)
    assert drift_finding(ADDED, _revert).remediation == ()


def test_evidence_keeps_the_changes_and_the_side_that_exists() -> None:
    modified = drift_finding(MODIFIED, _revert).evidence
    assert modified == {
        "change": "modified",
        "changes": [{"field": "ingress", "change": "added", "element": True, "new": SSH}],
    }
    assert drift_finding(ADDED, _revert).evidence["after"] == {"vpcs": ["vpc-1"]}
    assert drift_finding(REMOVED, _revert).evidence["before"] == {"ResourceId": "vpc-1"}


def test_messages_say_what_changed_where_in_words() -> None:
    assert drift_finding(ADDED, _revert).message == (
        "Internet gateway igw-0rogue was created outside the baseline "
        "(account 111111111111, eu-west-1)."
    )
    assert drift_finding(REMOVED, _revert).message == (
        "Flow log fl-0prod was deleted outside the baseline (account 111111111111, eu-west-1)."
    )
    assert drift_finding(MODIFIED, _revert).message == (
        "Security group sg-0web gained ingress tcp/22 from 0.0.0.0/0 outside the baseline "
        "(account 111111111111, eu-west-1)."
    )


def test_many_changes_are_summarised_after_three() -> None:
    changes = tuple(Change(("tags", f"k{i}"), "added", new=str(i)) for i in range(7))
    many = dataclasses.replace(MODIFIED, severity="low", changes=changes)
    message = drift_finding(many, _revert).message
    assert message == (
        "Security group sg-0web gained tags.k0 0, gained tags.k1 1 and gained tags.k2 2 outside "
        "the baseline (+4 more) (account 111111111111, eu-west-1)."
    )


def test_findings_keep_the_order_of_the_deltas() -> None:
    found = drift_findings([REMOVED, ADDED], _revert)
    assert [f.resource_id for f in found] == ["fl-0prod", "igw-0rogue"]


def test_annotations_name_each_drifts_author_and_waiver_by_its_resource() -> None:
    who = Attribution("arn:aws:iam::1:user/ci", "AKIA1", "198.51.100.7", "cli", "Authorize", "t")
    waiver = {"reason": "bastion", "owner": "netops@example.com", "expires": "2099-01-01"}
    attributed = dataclasses.replace(drift_finding(MODIFIED, lambda _d: ()), attribution=who)
    accepted = dataclasses.replace(drift_finding(ADDED, lambda _d: ()), waiver=waiver)
    plain = drift_finding(REMOVED, lambda _d: ())
    # A policy finding on the same resource is not drift: it annotates nothing.
    policy = dataclasses.replace(attributed, kind="policy", rule_id="NW-SG-002", waiver=waiver)
    found_who, found_waived = drift_annotations([policy, attributed, accepted, plain])
    assert found_who == {("111111111111", "eu-west-1", "sg-0web"): who}
    assert found_waived == {("111111111111", "eu-west-1", "igw-0rogue"): waiver}
    assert drift_annotations([]) == ({}, {})
