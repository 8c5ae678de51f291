"""Literal findings for the signal tests (waivers, previous runs, notifications, ASFF)."""

from __future__ import annotations

from typing import Any

from scanner.model import ApiCall, Finding, Location, RemediationAction, Severity

ACCOUNT = "123456789012"
OTHER = "210987654321"


def finding(
    rule_id: str = "NW-SG-005",
    resource_id: str = "sg-0abc1234",
    *,
    account: str = ACCOUNT,
    region: str = "eu-west-1",
    severity: Severity = "high",
    resource_type: str = "aws.security-group",
    kind: str = "policy",
    evidence: dict[str, Any] | None = None,
    title: str = "Default security group allows traffic",
    compliance: tuple[str, ...] = ("CIS-AWS-5.4", "FSBP-EC2.2", "NIST-800-53-SC-7"),
    message: str | None = None,
) -> Finding:
    arn = (
        f"arn:aws:ec2:{region}:{account}:security-group/{resource_id}"
        if resource_type == "aws.security-group"
        else ""
    )
    return Finding(
        rule_id=rule_id,
        kind=kind,  # type: ignore[arg-type]
        severity=severity,
        title=title,
        message=message or f"{resource_id} in {account}/{region}",
        account=account,
        region=region,
        resource_type=resource_type,
        resource_id=resource_id,
        arn=arn,
        evidence=evidence if evidence is not None else {"rule": resource_id},
        remediation=(
            RemediationAction(
                "Revoke the rule",
                f"aws ec2 revoke-security-group-ingress --group-id {resource_id}",
                ApiCall("ec2", "RevokeSecurityGroupIngress", {"GroupId": resource_id}),
            ),
        ),
        compliance=compliance,
        location=Location("policies/security-group-hygiene.yml", 7),
    )
