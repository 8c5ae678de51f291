"""Custodian filters that call AWS while they filter, answered from the snapshot."""

from __future__ import annotations

from pathlib import Path

import pytest

from scanner.errors import InputError
from scanner.policy.evaluate import evaluate
from scanner.policy.loader import load_policy_pack
from tests.unit.policy.snapshots import perm, sg, snapshot

METADATA = """    metadata:
      id: NW-TEST-001
      title: t
      severity: low
      description: d
      risk: r
      remediation:
        text: x
        actions:
          - {description: d, cli: c, api: {service: ec2, operation: DescribeVpcs, params: {}}}
      compliance: []
      references: [https://example.com]
"""

NETWORK = {
    "aws.vpc": [
        {"VpcId": "vpc-default", "IsDefault": True, "Tags": []},
        {
            "VpcId": "vpc-app",
            "IsDefault": False,
            "Tags": [{"Key": "Exposure", "Value": "internal"}],
        },
    ],
    "aws.subnet": [
        {"SubnetId": "subnet-a", "VpcId": "vpc-app"},
        {"SubnetId": "subnet-d", "VpcId": "vpc-default"},
    ],
    "aws.security-group": [
        sg("sg-app", [perm("tcp", 22, v4=("0.0.0.0/0",))], vpc="vpc-app"),
        sg("sg-dflt", [], vpc="vpc-default"),
    ],
    "aws.eni": [
        {
            "NetworkInterfaceId": "eni-a",
            "SubnetId": "subnet-a",
            "VpcId": "vpc-app",
            "Groups": [{"GroupId": "sg-app"}],
        },
        {
            "NetworkInterfaceId": "eni-d",
            "SubnetId": "subnet-d",
            "VpcId": "vpc-default",
            "Groups": [{"GroupId": "sg-dflt"}],
        },
    ],
    "aws.internet-gateway": [
        {"InternetGatewayId": "igw-1", "Attachments": [{"VpcId": "vpc-app", "State": "available"}]}
    ],
    "aws.flow-log": [
        {"FlowLogId": "fl-1", "ResourceId": "subnet-a", "TrafficType": "ALL"},
        {"FlowLogId": "fl-2", "ResourceId": "eni-d", "TrafficType": "REJECT"},
    ],
}


def run(tmp_path: Path, resource: str, filters: str) -> list[str]:
    (tmp_path / "p.yml").write_text(
        f"policies:\n  - name: served\n    resource: {resource}\n    filters:\n{filters}\n"
        + METADATA
    )
    findings = evaluate(snapshot(NETWORK), load_policy_pack(tmp_path))
    return sorted(f.resource_id for f in findings)


@pytest.mark.parametrize(
    ("resource", "filters", "expected"),
    [
        ("aws.subnet", "      - type: flow-logs\n        enabled: true", ["subnet-a"]),
        ("aws.eni", "      - type: flow-logs", ["eni-a"]),
        ("aws.security-group", "      - type: default-vpc", ["sg-dflt"]),
        (
            "aws.subnet",
            "      - type: vpc\n        key: tag:Exposure\n        value: internal",
            ["subnet-a"],
        ),
        (
            "aws.eni",
            "      - type: security-group\n        key: IpPermissions[].FromPort\n"
            "        value: 22\n        op: contains",
            ["eni-a"],
        ),
        (
            "aws.eni",
            "      - type: subnet\n        key: VpcId\n        value: vpc-default",
            ["eni-d"],
        ),
        (
            "aws.vpc",
            "      - type: internet-gateway\n        key: InternetGatewayId\n        value: igw-1",
            ["vpc-app"],
        ),
    ],
)
def test_custodian_filter_served_offline(
    tmp_path: Path, resource: str, filters: str, expected: list[str]
) -> None:
    assert run(tmp_path, resource, filters) == expected


def test_unused_is_refused_with_the_service_it_needs(tmp_path: Path) -> None:
    # Custodian's `unused`/`used` ask Lambda, ELB, RDS...: use `unreferenced` instead.
    with pytest.raises(InputError, match="cannot answer"):
        run(tmp_path, "aws.security-group", "      - used")
