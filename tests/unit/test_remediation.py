"""``netwarden remediate`` as library calls (scanner.remediation) on literal snapshots: the plan
is the scan's findings as revert steps, a reviewed plan file applies only what netwarden derives
now for the state it was made for, and the evidence and exit code are the command's."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from scanner.baseline import store
from scanner.collect.aws_options import AwsOptions
from scanner.errors import InputError
from scanner.model import RemediationAction
from scanner.remediate.apply import Outcome
from scanner.remediate.plan import Step
from scanner.remediation import (
    RemediationPlan,
    RemediationRequest,
    applied,
    exit_code,
    plan,
    plan_steps,
    write_evidence,
    write_plan,
)
from tests.unit.policy.snapshots import ACCOUNT, REGION, exposed, perm, sg, snapshot

REPO = Path(__file__).resolve().parents[2]
POLICIES = str(REPO / "policies")


def _world(group: dict[str, Any]) -> dict[str, Any]:
    return snapshot({"aws.security-group": [group], **exposed("sg-1")})


def _baselined(tmp_path: Path) -> RemediationRequest:
    """A baseline with the interface and no group; the live world has sg-1 open on SSH."""
    store.write_all(
        tmp_path / "baselines", sorted(store.project_snapshot(snapshot(exposed("sg-1"))).items())
    )
    live = _world(sg("sg-1", [perm("tcp", 22, v4=("0.0.0.0/0",))]))
    return RemediationRequest(
        snapshot=live, baseline_dir=str(tmp_path / "baselines"), policies_dir=POLICIES
    )


def _calls(steps: tuple[Step, ...] | list[Step]) -> list[tuple[str, str | None]]:
    return [(s.resource_id, s.action.api.operation if s.action.api else None) for s in steps]


def test_the_plan_reverts_the_drift_and_leaves_policy_fixes_out(tmp_path: Path) -> None:
    planned = plan(_baselined(tmp_path))
    assert planned.scan is not None and planned.scan.drift_checked
    # The group the baseline does not have is deleted; SSH's policy fix is not asked for.
    assert ("sg-1", "DeleteSecurityGroup") in _calls(planned.steps)
    assert all("drift/added" in s.rule_ids for s in planned.steps if s.resource_id == "sg-1")
    rules = {r for s in planned.steps for r in s.rule_ids}
    assert rules and all(r.startswith("drift/") for r in rules)
    assert planned.executable == sum(1 for s in planned.steps if s.action.api is not None)
    assert planned.snapshot is planned.scan.snapshot


def test_policy_fixes_are_added_when_asked(tmp_path: Path) -> None:
    request = _baselined(tmp_path)
    only_drift = plan(request)
    with_fixes = plan(RemediationRequest(**{**vars(request), "include_policy_fixes": True}))
    assert set(_calls(only_drift.steps)) < set(_calls(with_fixes.steps))
    assert any(not r.startswith("drift/") for s in with_fixes.steps for r in s.rule_ids), (
        "a policy rule's fix"
    )


def test_a_reviewed_plan_applies_exactly_its_steps(tmp_path: Path) -> None:
    request = _baselined(tmp_path)
    planned = plan(request)
    file = write_plan(planned, tmp_path / "plan.json")
    assert json.loads(file.read_text()) == planned.document()
    again = plan(RemediationRequest(**{**vars(request), "reviewed_plan": str(file)}))
    assert again.steps == planned.steps
    # A person may remove steps, never add one.
    document = planned.document()
    document["steps"] = document["steps"][:1]
    file.write_text(json.dumps(document))
    fewer = plan(RemediationRequest(**{**vars(request), "reviewed_plan": str(file)}))
    assert fewer.steps == planned.steps[:1]


def test_a_reviewed_plan_for_another_state_or_with_an_added_step_applies_nothing(
    tmp_path: Path,
) -> None:
    request = _baselined(tmp_path)
    planned = plan(request)
    moved = _world(sg("sg-1", [perm("tcp", 22, 23, v4=("0.0.0.0/0",))]))
    with pytest.raises(InputError, match="moved since the plan was made"):
        plan_steps(
            planned.scan.findings if planned.scan else (),
            moved,
            reviewed=(planned.steps, planned.document()["state"]["digest"]),
        )
    forged = Step(
        account=ACCOUNT,
        region=REGION,
        resource_type="aws.vpc",
        resource_id="vpc-1",
        action=RemediationAction("Delete the VPC", "aws ec2 delete-vpc --vpc-id vpc-1", None),
        fingerprints=(),
        rule_ids=("drift/added",),
    )
    digest = planned.document()["state"]["digest"]
    with pytest.raises(InputError, match=r"\$.steps\[1\] \(Delete the VPC\) is not a step"):
        plan_steps(
            planned.scan.findings if planned.scan else (),
            planned.snapshot,
            reviewed=((planned.steps[0], forged), digest),
        )


def test_a_bad_reviewed_plan_is_refused_before_any_aws_call(tmp_path: Path) -> None:
    bad = tmp_path / "plan.json"
    bad.write_text('{"schema": "something else"}')
    # No snapshot: a scan would collect, through an endpoint where nothing listens.
    nowhere = AwsOptions(endpoint_url="http://127.0.0.1:9", regions="eu-west-1")
    with pytest.raises(InputError, match="not a netwarden plan") as caught:
        plan(RemediationRequest(aws=nowhere, policies_dir=POLICIES, reviewed_plan=str(bad)))
    assert caught.value.path == str(bad)


def test_the_evidence_is_the_affected_resources_before_any_change(tmp_path: Path) -> None:
    planned = plan(_baselined(tmp_path))
    now = dt.datetime(2026, 12, 3, 1, 2, 3, tzinfo=dt.UTC)
    path = write_evidence(planned, tmp_path / "reports", now)
    assert path == tmp_path / "reports" / "evidence-20261203T010203Z.json"
    evidence = json.loads(path.read_text())
    group = next(r for r in evidence["resources"] if r["resource_id"] == "sg-1")
    assert (group["account"], group["region"], group["resource_type"]) == (
        ACCOUNT,
        REGION,
        "aws.security-group",
    )
    assert group["item"]["IpPermissions"][0]["FromPort"] == 22


def _outcome(status: str) -> Outcome:
    step = Step(
        account=ACCOUNT,
        region=REGION,
        resource_type="aws.security-group",
        resource_id="sg-1",
        action=RemediationAction("Delete sg-1", "aws ec2 delete-security-group", None),
        fingerprints=(),
        rule_ids=("drift/added",),
    )
    return Outcome(step, status)


@pytest.mark.parametrize(
    ("statuses", "code", "done"),
    [
        ((), 0, 0),
        (("applied", "applied", "manual"), 0, 2),
        (("applied", "failed", "not-run"), 1, 1),
        (("dry-run-failed", "not-run"), 1, 0),
    ],
)
def test_a_failed_step_or_dry_run_is_exit_1(
    statuses: tuple[str, ...], code: int, done: int
) -> None:
    outcomes = [_outcome(s) for s in statuses]
    assert exit_code(outcomes) == code
    assert applied(outcomes) == done


def test_an_empty_plan_has_nothing_to_execute() -> None:
    assert RemediationPlan((), snapshot()).executable == 0
