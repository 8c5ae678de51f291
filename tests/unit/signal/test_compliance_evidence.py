"""Compliance evidence from literal findings, rules and inventory: per control, what was
checked and how much of it passed."""

from __future__ import annotations

from dataclasses import replace

from scanner.report.compliance import control_evidence
from scanner.report.run import RuleInfo
from tests.unit.signal.findings import ACCOUNT, OTHER, finding


def _rule(rule_id: str, rtype: str, *controls: str) -> RuleInfo:
    return RuleInfo(
        id=rule_id,
        title=rule_id,
        severity="high",
        description="",
        risk="",
        remediation_text="",
        compliance=controls,
        resource_type=rtype,
    )


RULES = [
    _rule("NW-SG-002", "aws.security-group", "CIS-AWS-5.2", "FSBP-EC2.13"),
    _rule("NW-SG-003", "aws.security-group", "CIS-AWS-5.2"),
    _rule("NW-NACL-001", "aws.network-acl", "CIS-AWS-5.1"),
    _rule("NW-CT-001", "aws.account", "CIS-AWS-3.1", "NIST-800-53-AU-2"),
    _rule("NW-VPC-001", "aws.vpc", "NIST-800-53-AU-2"),
    # A drift kind maps to controls too, but checks the baseline, not a population.
    replace(_rule("drift/added", "", "CIS-AWS-5.9"), kind="drift"),
]
INVENTORY = [
    (ACCOUNT, "eu-west-1", "aws.security-group", 300),
    (ACCOUNT, "us-east-1", "aws.security-group", 112),
    (ACCOUNT, "eu-west-1", "aws.network-acl", 7),
    (ACCOUNT, "eu-west-1", "aws.vpc", 4),
    (OTHER, "eu-west-1", "aws.vpc", 2),
]


def test_an_auditor_reads_checked_and_failing_per_control() -> None:
    findings = [
        # One group fails two rules of CIS 5.2: one failing resource, not two.
        finding("NW-SG-002", "sg-1", region="eu-west-1"),
        finding("NW-SG-003", "sg-1", region="eu-west-1"),
        # The same id in another region is another resource.
        finding("NW-SG-002", "sg-1", region="us-east-1"),
        # Waived: accepted, not failing, not passing.
        replace(finding("NW-SG-003", "sg-2"), waiver={"owner": "netops"}),
        # Account-level, folded: one account fails, whatever its regions.
        finding("NW-CT-001", ACCOUNT, resource_type="aws.account"),
        finding("drift/added", "sg-9", kind="drift"),
    ]
    evidence = {e.control: e for e in control_evidence(findings, RULES, INVENTORY)}
    assert list(evidence) == [
        "CIS-AWS-3.1",
        "CIS-AWS-5.1",
        "CIS-AWS-5.2",
        "FSBP-EC2.13",
        "NIST-800-53-AU-2",
    ]
    cis52 = evidence["CIS-AWS-5.2"]
    assert cis52.sentence() == "CIS-AWS-5.2: 412 security groups checked, 2 failing, 1 accepted"
    assert (cis52.checked, cis52.passed, cis52.rules) == (412, 409, ("NW-SG-002", "NW-SG-003"))
    assert (
        evidence["FSBP-EC2.13"].sentence() == "FSBP-EC2.13: 412 security groups checked, 2 failing"
    )
    assert evidence["CIS-AWS-5.1"].sentence() == "CIS-AWS-5.1: 7 network ACLs checked, 0 failing"
    assert evidence["CIS-AWS-5.1"].passed == 7
    # Two accounts were read; the one without a trail fails.
    assert evidence["CIS-AWS-3.1"].sentence() == "CIS-AWS-3.1: 2 accounts checked, 1 failing"
    au2 = evidence["NIST-800-53-AU-2"]
    assert au2.checked_text() == "2 accounts and 6 VPCs"
    assert (au2.checked, au2.failing, au2.passed) == (8, 1, 7)
    assert au2.to_dict() == {
        "control": "NIST-800-53-AU-2",
        "framework": "NIST SP 800-53",
        "rules": ["NW-CT-001", "NW-VPC-001"],
        "checked": 8,
        "checked_by_type": {"aws.account": 2, "aws.vpc": 6},
        "passed": 7,
        "failing": 1,
        "accepted": 0,
    }


def test_nothing_read_is_nothing_checked() -> None:
    (item,) = control_evidence([], RULES[2:3], [])
    assert (item.sentence(), item.passed) == ("CIS-AWS-5.1: 0 network ACLs checked, 0 failing", 0)
