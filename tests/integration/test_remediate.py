"""`netwarden remediate` against moto: revert every drift kind, re-collect, zero drift."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from scanner.cli import cli
from tests.conftest import AwsEnv
from tests.integration.test_drift import (
    REGION,
    Network,
    build_network,
    cli_run,
    drift_json,
    make_every_drift_kind,
)

POLICIES = str(Path(__file__).resolve().parents[2] / "policies")


def baselined_network(aws: AwsEnv, tmp_path: Path) -> tuple[Network, str]:
    """The drift tests' network, baselined into ``tmp_path/baselines`` (returned)."""
    net = build_network(aws)
    baselines = str(tmp_path / "baselines")
    assert cli_run("baseline", "create", "--regions", REGION, "--baseline-dir", baselines)[0] == 0
    return net, baselines


def apply_remediation(tmp_path: Path, baselines: str, *args: str) -> list[dict[str, Any]]:
    """``netwarden remediate --apply --yes`` against ``baselines``, with the plan written to
    ``tmp_path/plan.json`` and evidence to ``tmp_path/evidence``; it must exit 0. Returns the
    plan's steps."""
    plan = tmp_path / "plan.json"
    code, output = cli_run(
        "remediate", "--regions", REGION, "--baseline-dir", baselines, *args,
        "--plan-out", str(plan), "--evidence-dir", str(tmp_path / "evidence"), "--apply", "--yes",
    )  # fmt: skip
    assert code == 0, output
    steps: list[dict[str, Any]] = json.loads(plan.read_text())["steps"]
    return steps


def network_state(aws: AwsEnv) -> str:
    """Everything remediation could touch, as comparable text."""
    ec2 = aws.client("ec2", REGION)
    calls = (
        "describe_security_groups",
        "describe_route_tables",
        "describe_network_acls",
        "describe_internet_gateways",
        "describe_vpc_peering_connections",
        "describe_flow_logs",
        "describe_addresses",
    )
    state = {}
    for call in calls:
        response = getattr(ec2, call)()
        response.pop("ResponseMetadata", None)
        state[call] = response
    return json.dumps(state, sort_keys=True, default=str)


def test_apply_reverts_every_drift_kind_to_zero_drift(aws: AwsEnv, tmp_path: Path) -> None:
    net, baselines = baselined_network(aws, tmp_path)
    make_every_drift_kind(aws, net)
    code, drift = drift_json(tmp_path)
    assert code == 1 and len(drift) == 9

    steps = apply_remediation(tmp_path, baselines, "--policies", POLICIES)
    operations = [s["api"]["operation"] for s in steps if s["api"]]
    # Safe order: close exposure first, detach before delete, restore last.
    assert operations.index("RevokeSecurityGroupIngress") < operations.index(
        "DetachInternetGateway"
    )
    assert operations.index("DetachInternetGateway") < operations.index("DeleteInternetGateway")
    assert sorted(operations[-2:]) == ["AuthorizeSecurityGroupIngress", "CreateFlowLogs"]
    [evidence] = list((tmp_path / "evidence").glob("evidence-*.json"))
    preserved = {r["resource_id"] for r in json.loads(evidence.read_text())["resources"]}
    assert net.web_sg in preserved

    assert drift_json(tmp_path) == (0, [])


def test_without_apply_nothing_changes(aws: AwsEnv, tmp_path: Path) -> None:
    net, baselines = baselined_network(aws, tmp_path)
    make_every_drift_kind(aws, net)
    before = network_state(aws)
    code, output = cli_run(
        "remediate", "--regions", REGION, "--baseline-dir", baselines, "--policies", POLICIES
    )
    assert code == 0, output
    assert "RevokeSecurityGroupIngress" in output
    assert network_state(aws) == before


def test_apply_without_a_terminal_needs_yes(aws: AwsEnv, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli,
        [
            "remediate",
            "--regions",
            REGION,
            "--apply",
            "--baseline-dir",
            str(tmp_path),
            "--policies",
            POLICIES,
        ],
    )
    assert result.exit_code == 2 and "needs --yes" in result.output


def test_apply_reverts_tags_a_policy_reads(aws: AwsEnv, tmp_path: Path) -> None:
    net, baselines = baselined_network(aws, tmp_path)
    ec2 = aws.client("ec2", REGION)
    # The attacker flips the policy input and marks the group; the plan must undo both.
    ec2.create_tags(Resources=[net.internal_vpc], Tags=[{"Key": "Exposure", "Value": "public"}])
    ec2.create_tags(Resources=[net.web_sg], Tags=[{"Key": "Owner", "Value": "x$(touch y)"}])
    code, drift = drift_json(tmp_path)
    assert code == 1 and {d["resource_id"] for d in drift} == {net.internal_vpc, net.web_sg}

    steps = apply_remediation(tmp_path, baselines)
    assert {s["api"]["operation"] for s in steps if s["api"]} == {"CreateTags", "DeleteTags"}
    assert not [s for s in steps if not s["api"]]  # nothing left to do by hand
    assert drift_json(tmp_path) == (0, [])
