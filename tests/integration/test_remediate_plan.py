"""`remediate --apply --plan F` against moto: the reviewed plan is applied exactly, and
refused (nothing changed) when the resources moved or the file asks for another call."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.conftest import AwsEnv
from tests.integration.test_drift import (
    REGION,
    build_network,
    cli_run,
    drift_json,
    make_every_drift_kind,
)
from tests.integration.test_remediate import POLICIES, network_state


def _plan(tmp_path: Path, baselines: str) -> Path:
    plan = tmp_path / "plan.json"
    code, output = cli_run(
        "remediate", "--regions", REGION, "--baseline-dir", baselines, "--policies", POLICIES,
        "--plan-out", str(plan),
    )  # fmt: skip
    assert code == 0, output
    return plan


def _apply(tmp_path: Path, baselines: str, plan: Path) -> tuple[int, str]:
    return cli_run(
        "remediate", "--regions", REGION, "--baseline-dir", baselines, "--policies", POLICIES,
        "--evidence-dir", str(tmp_path / "evidence"), "--apply", "--yes", "--plan", str(plan),
    )  # fmt: skip


def _setup(aws: AwsEnv, tmp_path: Path) -> tuple[Any, str]:
    net = build_network(aws)
    baselines = str(tmp_path / "baselines")
    assert cli_run("baseline", "create", "--regions", REGION, "--baseline-dir", baselines)[0] == 0
    make_every_drift_kind(aws, net)
    return net, baselines


def test_the_reviewed_plan_is_applied(aws: AwsEnv, tmp_path: Path) -> None:
    _, baselines = _setup(aws, tmp_path)
    plan = _plan(tmp_path, baselines)
    assert json.loads(plan.read_text())["state"]["digest"]
    code, output = _apply(tmp_path, baselines, plan)
    assert code == 0, output
    assert drift_json(tmp_path) == (0, [])


def test_a_plan_for_a_state_that_moved_is_refused(aws: AwsEnv, tmp_path: Path) -> None:
    net, baselines = _setup(aws, tmp_path)
    plan = _plan(tmp_path, baselines)
    # After the review, someone opens another port on a group the plan touches.
    aws.client("ec2", REGION).authorize_security_group_ingress(
        GroupId=net.web_sg,
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 6379,
                "ToPort": 6379,
                "IpRanges": [{"CidrIp": "198.51.100.0/24"}],
            }
        ],
    )
    before = network_state(aws)
    code, output = _apply(tmp_path, baselines, plan)
    assert code == 2, output
    assert "moved since the plan was made" in output
    assert network_state(aws) == before


def test_a_plan_with_a_call_netwarden_would_not_make_is_refused(
    aws: AwsEnv, tmp_path: Path
) -> None:
    _, baselines = _setup(aws, tmp_path)
    plan = _plan(tmp_path, baselines)
    document = json.loads(plan.read_text())
    step = next(s for s in document["steps"] if s["api"])
    step["api"]["params"] = {**step["api"]["params"], "GroupId": "sg-0somebodyelse"}
    plan.write_text(json.dumps(document))
    before = network_state(aws)
    code, output = _apply(tmp_path, baselines, plan)
    assert code == 2, output
    assert "is not a step netwarden derives" in output
    assert network_state(aws) == before


def test_a_plan_without_its_state_is_refused(tmp_path: Path) -> None:
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps({"schema": "netwarden/plan/v1", "steps": []}))
    code, output = _apply(tmp_path, str(tmp_path), plan)
    assert code == 2 and "$.state.digest" in output
