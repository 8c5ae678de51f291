"""A remediation plan from literal findings: drift reverts only unless asked, one step per
distinct call with every finding it resolves, in the safe order (contain, detach, delete,
restore, then what a person does), and the evidence of what it touches."""

from __future__ import annotations

import dataclasses

import pytest

from scanner.model import ApiCall, Finding, Location, RemediationAction
from scanner.remediate.cli_text import action, manual
from scanner.remediate.plan import PHASES, build_plan, evidence_document, phase_of, plan_document

ACCOUNT = "111111111111"


def finding(
    rule_id: str,
    rid: str,
    *steps: RemediationAction,
    kind: str = "drift",
    region: str = "eu-west-1",
    rtype: str = "aws.security-group",
) -> Finding:
    return Finding(
        rule_id=rule_id,
        kind=kind,  # type: ignore[arg-type]
        severity="high",
        title=rule_id,
        message=f"{rule_id} on {rid}",
        account=ACCOUNT,
        region=region,
        resource_type=rtype,
        resource_id=rid,
        arn="",
        evidence={"rid": rid},
        remediation=steps,
        compliance=(),
        location=Location("b.yaml", 1),
    )


def call(operation: str, **params: object) -> RemediationAction:
    return action(operation, "ec2", operation, params, "eu-west-1")


REVOKE = call("RevokeSecurityGroupIngress", GroupId="sg-1")
DETACH = call("DetachInternetGateway", InternetGatewayId="igw-1", VpcId="vpc-1")
DELETE = call("DeleteInternetGateway", InternetGatewayId="igw-1")
AUTHORIZE = call("AuthorizeSecurityGroupIngress", GroupId="sg-1")
HAND = manual("Re-create the peering connection")


@pytest.mark.parametrize(
    ("operation", "phase"),
    [
        ("RevokeSecurityGroupIngress", "contain"),
        ("DisassociateRouteTable", "contain"),
        ("ReplaceRoute", "contain"),
        ("DetachVpnGateway", "detach"),
        ("DeleteSecurityGroup", "delete"),
        ("ReleaseAddress", "delete"),
        ("AuthorizeSecurityGroupIngress", "restore"),
        ("CreateRoute", "restore"),
    ],
)
def test_each_operation_has_its_phase(operation: str, phase: str) -> None:
    assert PHASES[phase_of(operation)][0] == phase


def test_steps_run_contain_detach_delete_restore_then_manual() -> None:
    findings = [
        finding("drift/removed", "pcx-1", HAND, rtype="aws.peering-connection"),
        finding("drift/modified", "sg-1", AUTHORIZE, REVOKE),
        finding("drift/added", "igw-1", DELETE, DETACH, rtype="aws.internet-gateway"),
    ]
    plan = build_plan(findings)
    assert [(s.phase, s.action.description) for s in plan] == [
        ("contain", "RevokeSecurityGroupIngress"),
        ("detach", "DetachInternetGateway"),
        ("delete", "DeleteInternetGateway"),
        ("restore", "AuthorizeSecurityGroupIngress"),
        ("manual", "Re-create the peering connection"),
    ]
    assert [s.executable for s in plan] == [True, True, True, True, False]


def test_policy_fixes_only_when_asked() -> None:
    policy = finding("NW-SG-002", "sg-1", REVOKE, kind="policy")
    assert build_plan([policy]) == []
    (step,) = build_plan([policy], include_policy=True)
    assert step.rule_ids == ("NW-SG-002",)


def test_the_same_call_for_two_findings_is_one_step_resolving_both() -> None:
    drift = finding("drift/modified", "sg-1", REVOKE)
    policy = finding("NW-SG-002", "sg-1", REVOKE, kind="policy")
    (step,) = build_plan([policy, drift, drift], include_policy=True)
    assert step.rule_ids == ("NW-SG-002", "drift/modified")
    assert step.fingerprints == tuple(sorted({drift.fingerprint, policy.fingerprint}))


def test_the_same_call_in_another_region_is_another_step() -> None:
    here = finding("drift/modified", "sg-1", REVOKE)
    there = finding("drift/modified", "sg-1", REVOKE, region="us-east-1")
    assert [s.region for s in build_plan([there, here])] == ["eu-west-1", "us-east-1"]


def test_the_plan_document() -> None:
    (step,) = build_plan([finding("drift/added", "igw-1", DELETE, rtype="aws.internet-gateway")])
    assert plan_document([step]) == {
        "schema": "netwarden/plan/v1",
        "steps": [
            {
                "phase": "delete",
                "account": ACCOUNT,
                "region": "eu-west-1",
                "resource_type": "aws.internet-gateway",
                "resource_id": "igw-1",
                "rule_ids": ["drift/added"],
                "fingerprints": [step.fingerprints[0]],
                "description": "DeleteInternetGateway",
                "cli": "aws ec2 delete-internet-gateway --region eu-west-1 "
                "--internet-gateway-id igw-1",
                "api": {
                    "service": "ec2",
                    "operation": "DeleteInternetGateway",
                    "params": {"InternetGatewayId": "igw-1"},
                },
            }
        ],
    }


def test_evidence_holds_the_raw_item_of_each_resource_the_plan_touches_once() -> None:
    sg = {"GroupId": "sg-1", "IpPermissions": [{"IpProtocol": "-1"}]}
    snapshot = {
        "collected_at": "2026-12-01T00:00:00+00:00",
        "accounts": {
            ACCOUNT: {
                "regions": {
                    "eu-west-1": {"resources": {"aws.security-group": [{"GroupId": "sg-2"}, sg]}}
                }
            }
        },
    }
    steps = build_plan(
        [
            finding("drift/modified", "sg-1", REVOKE, AUTHORIZE),
            finding("drift/added", "igw-1", DELETE, rtype="aws.internet-gateway"),  # not collected
        ]
    )
    assert evidence_document(snapshot, steps) == {
        "schema": "netwarden/evidence/v1",
        "collected_at": "2026-12-01T00:00:00+00:00",
        "resources": [
            {
                "account": ACCOUNT,
                "region": "eu-west-1",
                "resource_type": "aws.security-group",
                "resource_id": "sg-1",
                "item": sg,
            }
        ],
    }


def test_a_step_is_immutable() -> None:
    (step,) = build_plan([finding("drift/modified", "sg-1", REVOKE)])
    with pytest.raises(dataclasses.FrozenInstanceError):
        step.region = "x"  # type: ignore[misc]
    assert step.action.api == ApiCall("ec2", "RevokeSecurityGroupIngress", {"GroupId": "sg-1"})
