"""Literal findings and run metadata shared by the reporter tests and the golden files."""

from __future__ import annotations

from dataclasses import replace

from scanner.model import ApiCall, Attribution, Finding, Location, RemediationAction
from scanner.report import RuleInfo, RunInfo

ACCOUNT = "123456789012"
OTHER = "210987654321"
HOSTILE = "x | <img src=x onerror=alert(1)> **bold**"

SG_RULE = RuleInfo(
    id="NW-SG-001",
    title="Security group allows SSH from the internet",
    severity="high",
    description="A security group lets 0.0.0.0/0 or ::/0 reach port 22.",
    risk="Anyone on the internet can try to log in to the instances behind the group.",
    remediation_text="Remove the rule, or narrow its source to the bastion's CIDR.",
    references=("https://docs.aws.amazon.com/vpc/latest/userguide/vpc-security-groups.html",),
    compliance=("CIS-AWS-5.2", "FSBP-EC2.13", "NIST-800-53-SC-7"),
    location=Location("policies/network.yml", 12),
    resource_type="aws.security-group",
)
FLOW_RULE = RuleInfo(
    id="NW-VPC-002",
    title="VPC has no flow logs",
    severity="medium",
    description="The VPC records no flow logs.",
    risk="Without flow logs, an incident cannot be investigated.",
    remediation_text="Enable flow logs to CloudWatch Logs or S3.",
    references=("https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs.html",),
    compliance=("CIS-AWS-3.7", "FSBP-EC2.6", "NIST-800-53-AU-12"),
    location=Location("policies/network.yml", 48),
    resource_type="aws.vpc",
)
TAG_RULE = RuleInfo(
    id="NW-TAG-003",
    title="Security group has no description",
    severity="info",
    description="A security group keeps the default description.",
    risk="Reviewers cannot tell what the group is for.",
    remediation_text="Describe the group's purpose.",
    references=("https://docs.aws.amazon.com/vpc/latest/userguide/security-groups.html",),
    compliance=(),
    location=Location("policies/hygiene.yml", 3),
)
RULES = (SG_RULE, FLOW_RULE, TAG_RULE)


def _revoke(group: str) -> RemediationAction:
    return RemediationAction(
        description=f"Revoke the SSH rule of {group}",
        cli=(
            f"aws ec2 revoke-security-group-ingress --group-id {group} "
            "--ip-permissions 'IpProtocol=tcp,FromPort=22,ToPort=22,IpRanges=[{CidrIp=0.0.0.0/0}]'"
        ),
        api=ApiCall("ec2", "RevokeSecurityGroupIngress", {"GroupId": group}),
    )


def sg_finding(group: str = "sg-0a1b2c3d", account: str = ACCOUNT, name: str = "web") -> Finding:
    """A policy finding: SSH open to the world."""
    return Finding(
        rule_id="NW-SG-001",
        kind="policy",
        severity="high",
        title=SG_RULE.title,
        message=f"{name} ({group}) allows tcp 22 from 0.0.0.0/0",
        account=account,
        region="us-east-1",
        resource_type="aws.security-group",
        resource_id=group,
        arn=f"arn:aws:ec2:us-east-1:{account}:security-group/{group}",
        evidence={
            "GroupName": name,
            "MatchedIpPermissions": [
                {
                    "IpProtocol": "tcp",
                    "FromPort": 22,
                    "ToPort": 22,
                    "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
                }
            ],
        },
        remediation=(_revoke(group),),
        compliance=SG_RULE.compliance,
        location=Location("policies/network.yml", 12),
    )


def flow_finding() -> Finding:
    return Finding(
        rule_id="NW-VPC-002",
        kind="policy",
        severity="medium",
        title=FLOW_RULE.title,
        message="vpc-0123 has no flow logs",
        account=ACCOUNT,
        region="eu-west-1",
        resource_type="aws.vpc",
        resource_id="vpc-0123",
        arn=f"arn:aws:ec2:eu-west-1:{ACCOUNT}:vpc/vpc-0123",
        evidence={"c7n:flow-logs": []},
        remediation=(
            RemediationAction(
                description="Enable flow logs for vpc-0123",
                cli=(
                    "aws ec2 create-flow-logs --resource-type VPC --resource-ids vpc-0123 "
                    "--traffic-type ALL --log-destination-type s3 "
                    "--log-destination arn:aws:s3:::flow-logs"
                ),
                api=ApiCall("ec2", "CreateFlowLogs", {"ResourceIds": ["vpc-0123"]}),
            ),
        ),
        compliance=FLOW_RULE.compliance,
        location=Location("policies/network.yml", 48),
    )


def drift_finding(line: int = 27) -> Finding:
    """A drift finding: an ingress rule added by hand, attributed from CloudTrail."""
    return Finding(
        rule_id="drift/modified",
        kind="drift",
        severity="high",
        title="Network resource changed outside the baseline",
        message="sg-0a1b2c3d: IpPermissions gained tcp 3389 from 0.0.0.0/0",
        account=ACCOUNT,
        region="us-east-1",
        resource_type="aws.security-group",
        resource_id="sg-0a1b2c3d",
        arn=f"arn:aws:ec2:us-east-1:{ACCOUNT}:security-group/sg-0a1b2c3d",
        evidence={
            "changes": [
                {
                    "field": "IpPermissions",
                    "change": "added",
                    "new": {
                        "IpProtocol": "tcp",
                        "FromPort": 3389,
                        "ToPort": 3389,
                        "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
                    },
                }
            ]
        },
        remediation=(
            RemediationAction(
                description="Revoke the rule that is not in the baseline",
                cli="aws ec2 revoke-security-group-ingress --group-id sg-0a1b2c3d --protocol tcp "
                "--port 3389 --cidr 0.0.0.0/0",
                api=None,
            ),
        ),
        compliance=("NIST-800-53-CM-3",),
        location=Location(f"baselines/{ACCOUNT}/us-east-1.yaml", line),
        attribution=Attribution(
            principal="arn:aws:iam::123456789012:user/mallory",
            access_key_id="AKIAEXAMPLE",
            source_ip="203.0.113.7",
            user_agent="aws-cli/2.15",
            event_name="AuthorizeSecurityGroupIngress",
            event_time="2026-11-27T23:12:09Z",
        ),
    )


def added_finding() -> Finding:
    return Finding(
        rule_id="drift/added",
        kind="drift",
        severity="medium",
        title="Network resource added outside the baseline",
        message="igw-0feed appeared and is attached to vpc-0123",
        account=OTHER,
        region="eu-west-1",
        resource_type="aws.internet-gateway",
        resource_id="igw-0feed",
        arn=f"arn:aws:ec2:eu-west-1:{OTHER}:internet-gateway/igw-0feed",
        evidence={"after": {"Attachments": [{"VpcId": "vpc-0123"}]}},
        remediation=(),
        compliance=(),
        location=Location(f"baselines/{OTHER}/eu-west-1.yaml", 1),
    )


def info_finding() -> Finding:
    return Finding(
        rule_id="NW-TAG-003",
        kind="policy",
        severity="info",
        title=TAG_RULE.title,
        message="sg-0dead keeps the default description",
        account=OTHER,
        region="eu-west-1",
        resource_type="aws.security-group",
        resource_id="sg-0dead",
        arn="",
        evidence={"Description": "default VPC security group"},
        remediation=(),
        compliance=(),
        location=Location("policies/hygiene.yml", 3),
    )


def hostile_finding() -> Finding:
    """Every field an attacker controls, filled with markup."""
    base = sg_finding("sg-0bad", name=HOSTILE)
    return replace(
        base,
        message=f"{HOSTILE} allows tcp 22 from 0.0.0.0/0\n# injected heading\n| a | b |",
        evidence={
            "GroupName": HOSTILE,
            "Tags": [{"Key": "Owner|x", "Value": "line1\nline2 ```\n<script>alert(1)</script>"}],
            "Description": "[click](https://evil.example) `code` $x$",
        },
        remediation=(
            RemediationAction(
                description=f"Fix {HOSTILE}",
                cli="aws ec2 delete-security-group --group-id sg-0bad  # ```\n```\n<script>",
                api=None,
            ),
        ),
    )


FINDINGS = (
    sg_finding(),
    sg_finding("sg-0ffff", name="db"),
    flow_finding(),
    drift_finding(),
    added_finding(),
    info_finding(),
)

RUN = RunInfo(
    tool_version="0.1.0",
    collected_at="2026-11-28T03:00:00+00:00",
    accounts=(ACCOUNT, OTHER),
    regions=("eu-west-1", "us-east-1"),
    policy_pack_digest="sha256:9f2c4e1b7a3d",
    policy_pack_dir="policies",
    baseline_dir="baselines",
    baseline_commit="4b825dc642cb6eb9a060e54bf8d69288fbee4904",
    coverage_gaps=(
        {
            "account": OTHER,
            "region": "eu-west-1",
            "type": "aws.network-firewall",
            "code": "AccessDenied",
            "message": "not authorized to perform ListFirewalls",
        },
    ),
    inventory=(
        (ACCOUNT, "eu-west-1", "aws.vpc", 1),
        (ACCOUNT, "us-east-1", "aws.security-group", 3),
        (ACCOUNT, "us-east-1", "aws.vpc", 2),
        (OTHER, "eu-west-1", "aws.internet-gateway", 1),
        (OTHER, "eu-west-1", "aws.security-group", 2),
    ),
    rules=RULES,
    api_calls=42,
    tool_uri="https://github.com/netwarden/netwarden",
)
