"""ASFF from attacker text: a finding full of long and hostile strings, and a resolved entry
from a previous run's file, stay within the lengths the Security Hub API reference documents
(botocore's model carries none of them, so an item past one fails the whole batch only on
AWS) and carry no control character into the console."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from scanner.model import Location, RemediationAction
from scanner.previous import RESOLVED_FIELDS
from scanner.securityhub.asff import resolved_asff, to_asff
from tests.unit.hostile.test_shell_text import CONTROL
from tests.unit.signal.findings import finding
from tests.unit.signal.test_asff import RULE, WHEN, assert_valid

EVIL = "\x1b]0;pwn\x07\u202e\x9b31m<script>"

# (path, most characters) from the API reference: AwsSecurityFinding, FindingProviderSeverity,
# Resource, ResourceDetails.Other, Compliance, Remediation.
LIMITS: dict[tuple[str, ...], int] = {
    ("Id",): 512,
    ("GeneratorId",): 512,
    ("Title",): 256,
    ("Description",): 1024,
    ("AwsAccountName",): 50,
    ("FindingProviderFields", "Severity", "Original"): 64,
    ("Remediation", "Recommendation", "Text"): 512,
}


def assert_within_limits(item: dict[str, Any]) -> None:
    assert_valid([item])
    for path, most in LIMITS.items():
        node: Any = item
        for key in path:
            node = node.get(key) if isinstance(node, dict) else None
        if node is not None:
            assert 1 <= len(node) <= most, (path, len(node))
    for resource in item["Resources"]:
        assert len(resource["Id"]) <= 512 and len(resource["Type"]) <= 256
        for key, value in resource["Details"].get("Other", {}).items():
            assert len(key) < 128 and len(value) < 1024, key
    fields = item.get("ProductFields", {})
    assert len(fields) <= 50
    assert all(len(k) <= 128 and len(v) <= 2048 for k, v in fields.items()), fields
    requirements = item["Compliance"]["RelatedRequirements"]
    assert len(requirements) <= 32 and all(1 <= len(r) <= 128 for r in requirements)
    _no_control(item)


def _no_control(value: Any) -> None:
    if isinstance(value, dict):
        for key, inner in value.items():
            _no_control(key)
            _no_control(inner)
    elif isinstance(value, list):
        for inner in value:
            _no_control(inner)
    elif isinstance(value, str):
        assert CONTROL.search(value) is None, value


def test_a_hostile_finding_stays_within_the_limits() -> None:
    hostile = replace(
        finding(
            title=EVIL * 100,
            message=EVIL * 500,
            compliance=tuple(f"NIST-800-53-{EVIL}-{'x' * 200}-{i}" for i in range(60)),
        ),
        location=Location("policies/" + "d/" * 1500 + "pack.yml", 7),
        remediation=(RemediationAction(EVIL, "aws ec2 x " + "y" * 5000, None),),
        waiver={"reason": EVIL * 400, "owner": EVIL, "expires": "2027-01-01"},
    )
    item = to_asff(hostile, replace(RULE, remediation_text=EVIL * 200), WHEN, EVIL * 20)
    assert_within_limits(item)


def test_a_hostile_resolved_entry_stays_within_the_limits() -> None:
    old = finding("NW-SG-001", "sg-2").to_dict()
    entry = {key: old.get(key) for key in RESOLVED_FIELDS}
    entry.update(
        fingerprint="f" * 600 + EVIL,  # a previous run's file may say anything here
        rule_id="NW-" + "R" * 600,
        severity="critical" + EVIL * 20,
        title=EVIL * 100,
        resource_id="sg-" + EVIL * 300,
        arn="arn:aws:ec2:" + EVIL * 300,
        compliance=[EVIL * 50, "CIS-AWS-5.2"],
    )
    assert_within_limits(resolved_asff(entry, None, WHEN, "n" * 80))
