"""Every remediation's CLI string and API call describe the same action."""

from __future__ import annotations

import json
import shlex
from typing import Any

import boto3
import pytest
from botocore.validate import ParamValidator

from scanner.baseline import store
from scanner.baseline.projection import project
from scanner.drift.engine import diff_region
from scanner.drift.findings import drift_finding
from scanner.model import RemediationAction
from scanner.remediate.cli_text import kebab
from scanner.remediate.drift_plan import revert_actions


def parse_cli(cli: str, service_model: Any) -> tuple[str, dict[str, Any], str]:
    """Map an `aws ec2 ...` line back to (operation, params, region) via the service model."""
    words = shlex.split(cli)
    assert words[:2] == ["aws", "ec2"]
    operations = {kebab(name): name for name in service_model.operation_names}
    operation = operations[words[2]]
    members = service_model.operation_model(operation).input_shape.members
    options = {f"--{kebab(name)}": name for name in members}
    params: dict[str, Any] = {}
    region = ""
    rest = words[3:]
    while rest:
        word = rest.pop(0)
        if word == "--region":
            region = rest.pop(0)
        elif word.startswith("--no-") and f"--{word[5:]}" in options:
            params[options[f"--{word[5:]}"]] = False
        elif members[options[word]].type_name == "boolean":
            params[options[word]] = True
        else:
            value = rest.pop(0)
            shape = members[options[word]].type_name
            params[options[word]] = (
                json.loads(value)
                if shape in ("structure", "list")
                else (int(value) if shape == "integer" else value)
            )
    return operation, params, region


SG = {
    "GroupId": "sg-1",
    "GroupName": "web",
    "VpcId": "vpc-1",
    "OwnerId": "111111111111",
    "IpPermissions": [
        {
            "IpProtocol": "tcp",
            "FromPort": 443,
            "ToPort": 443,
            "IpRanges": [{"CidrIp": "10.0.0.0/8", "Description": "corp"}],
        }
    ],
}
RTB = {
    "RouteTableId": "rtb-1",
    "VpcId": "vpc-1",
    "Routes": [{"DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": "nat-1"}],
}
ACL = {
    "NetworkAclId": "acl-1",
    "VpcId": "vpc-1",
    "Entries": [
        {
            "RuleNumber": 100,
            "Protocol": "6",
            "RuleAction": "deny",
            "Egress": False,
            "CidrBlock": "0.0.0.0/0",
            "PortRange": {"From": 22, "To": 22},
        }
    ],
}


def deltas_for(rtype: str, before: dict[str, Any], after: dict[str, Any]) -> list[Any]:
    rid = "x"
    text = store.render("111111111111", "eu-west-1", {rtype: {rid: project(rtype, before)}})
    baseline = store.parse(text, "b.yaml")
    return diff_region("111111111111", "eu-west-1", baseline, {rtype: {rid: project(rtype, after)}})


CASES = [
    (
        "aws.security-group",
        SG,
        {
            **SG,
            "IpPermissions": [
                *SG["IpPermissions"],
                {
                    "IpProtocol": "tcp",
                    "FromPort": 22,
                    "ToPort": 22,
                    "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
                },
            ],
        },
    ),
    ("aws.security-group", SG, {**SG, "IpPermissions": []}),
    (
        "aws.route-table",
        RTB,
        {**RTB, "Routes": [{"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "igw-1"}]},
    ),
    ("aws.route-table", RTB, {**RTB, "Routes": []}),
    ("aws.network-acl", ACL, {**ACL, "Entries": []}),
    ("aws.network-acl", ACL, {**ACL, "Entries": [{**ACL["Entries"][0], "RuleAction": "allow"}]}),
]


@pytest.mark.parametrize(("rtype", "before", "after"), CASES)
def test_cli_and_api_call_are_the_same_action(rtype: str, before: Any, after: Any) -> None:
    model = boto3.client("ec2", region_name="eu-west-1").meta.service_model
    [delta] = deltas_for(rtype, before, after)
    actions: tuple[RemediationAction, ...] = revert_actions(delta)
    assert actions
    for step in actions:
        assert step.api is not None
        operation, params, region = parse_cli(step.cli, model)
        assert (operation, params, region) == (
            step.api.operation,
            dict(step.api.params),
            "eu-west-1",
        )
        # The parameters are valid for the operation: botocore would reject the call otherwise.
        report = ParamValidator().validate(
            dict(step.api.params), model.operation_model(operation).input_shape
        )
        assert not report.has_errors(), report.generate_report()


def test_revoke_uses_the_exact_offending_permission() -> None:
    after = {
        **SG,
        "IpPermissions": [
            *SG["IpPermissions"],
            {
                "IpProtocol": "tcp",
                "FromPort": 22,
                "ToPort": 22,
                "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
            },
        ],
    }
    [delta] = deltas_for("aws.security-group", SG, after)
    [step] = revert_actions(delta)
    assert step.api is not None and step.api.operation == "RevokeSecurityGroupIngress"
    assert step.api.params == {
        "GroupId": "x",
        "IpPermissions": [
            {
                "IpProtocol": "tcp",
                "FromPort": 22,
                "ToPort": 22,
                "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
            }
        ],
    }
    finding = drift_finding(delta, revert_actions)
    assert finding.rule_id == "drift/modified" and finding.severity == "high"
    assert finding.remediation == (step,)
