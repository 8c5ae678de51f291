"""ASFF 2018-10-08: every field Security Hub requires, checked against botocore's own model of
BatchImportFindings, and batches of at most 100 in each finding's account and region."""

from __future__ import annotations

from dataclasses import replace

import botocore.session
import pytest
from botocore.validate import ParamValidator

from scanner.previous import RESOLVED_FIELDS
from scanner.report.run import RuleInfo
from scanner.securityhub.asff import (
    ASFF_TYPES,
    batches,
    product_arn,
    resolved_asff,
    to_asff,
)
from tests.unit.signal.findings import ACCOUNT, OTHER, finding

RULE = RuleInfo(
    id="NW-SG-005",
    title="Default security group allows traffic",
    severity="high",
    description="d",
    risk="r",
    remediation_text="Remove every rule of the default security group.",
    references=(
        "https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-2",
    ),
    compliance=("CIS-AWS-5.4", "FSBP-EC2.2"),
)
WHEN = "2026-12-01T03:00:00+00:00"
MODEL = botocore.session.get_session().get_service_model("securityhub")


def assert_valid(items: list) -> None:  # type: ignore[type-arg]
    shape = MODEL.operation_model("BatchImportFindings").input_shape
    report = ParamValidator().validate({"Findings": items}, shape)
    assert not report.has_errors(), report.generate_report()
    for item in items:
        assert set(MODEL.shape_for("AwsSecurityFinding").required_members) <= set(item)
        assert 1 <= len(item["Title"]) <= 256 and 1 <= len(item["Description"]) <= 1024
        assert len(item["Compliance"]["RelatedRequirements"]) <= 32


def test_a_policy_finding_as_asff() -> None:
    f = replace(finding(), status="new")
    item = to_asff(f, RULE, WHEN, account_name="prod")
    assert_valid([item])
    assert item["SchemaVersion"] == "2018-10-08"
    assert item["Id"] == f.fingerprint
    assert item["GeneratorId"] == "NW-SG-005"
    assert item["ProductArn"] == (
        f"arn:aws:securityhub:eu-west-1:{ACCOUNT}:product/{ACCOUNT}/default"
    )
    assert (item["AwsAccountId"], item["Region"], item["AwsAccountName"]) == (
        ACCOUNT,
        "eu-west-1",
        "prod",
    )
    assert (
        item["CreatedAt"]
        == item["UpdatedAt"]
        == item["FirstObservedAt"]
        == ("2026-12-01T03:00:00Z")
    )
    assert item["FindingProviderFields"]["Severity"] == {"Label": "HIGH", "Original": "high"}
    assert item["FindingProviderFields"]["Types"] == [
        "Software and Configuration Checks/AWS Security Best Practices",
        "Software and Configuration Checks/Industry and Regulatory Standards/"
        "AWS-Foundational-Security-Best-Practices",
        "Software and Configuration Checks/Industry and Regulatory Standards/"
        "CIS AWS Foundations Benchmark",
        "Software and Configuration Checks/Industry and Regulatory Standards/"
        "NIST 800-53 Controls (USA)",
    ]
    assert item["Compliance"] == {
        "Status": "FAILED",
        "RelatedRequirements": ["CIS-AWS-5.4", "FSBP-EC2.2", "NIST-800-53-SC-7"],
    }
    assert item["Remediation"]["Recommendation"] == {
        "Text": "Remove every rule of the default security group.",
        "Url": RULE.references[0],
    }
    (resource,) = item["Resources"]
    assert resource["Type"] == "AwsEc2SecurityGroup"
    assert resource["Id"] == f.arn
    assert (resource["Partition"], resource["Region"]) == ("aws", "eu-west-1")
    assert (item["RecordState"], item["Workflow"]) == ("ACTIVE", {"Status": "NEW"})
    assert item["ProductFields"]["netwarden/status"] == "new"


def test_partitions_accounts_and_waivers() -> None:
    china = finding(region="cn-north-1", resource_type="aws.account", resource_id=ACCOUNT)
    item = to_asff(china, None, WHEN)
    assert item["ProductArn"] == (
        f"arn:aws-cn:securityhub:cn-north-1:{ACCOUNT}:product/{ACCOUNT}/default"
    )
    assert item["Resources"][0]["Type"] == "AwsAccount"
    assert item["Resources"][0]["Id"] == f"AWS::::Account:{ACCOUNT}"
    assert "Remediation" not in item
    waived = replace(
        finding(), waiver={"reason": "legacy", "owner": "o@x", "expires": "2027-01-01"}
    )
    item = to_asff(waived, RULE, WHEN)
    assert item["Workflow"] == {"Status": "SUPPRESSED"}
    assert item["ProductFields"]["netwarden/waiver/owner"] == "o@x"
    assert_valid([item])


def test_long_and_hostile_text_is_cut_to_the_limits() -> None:
    hostile = finding(
        title="t" * 1000,
        message="line1\nline2\x1b[31m" + "m" * 5000,
        compliance=tuple(f"NIST-800-53-X-{i}" for i in range(60)),
    )
    item = to_asff(hostile, replace(RULE, remediation_text="r" * 900), WHEN)
    assert_valid([item])
    assert len(item["Title"]) == 256 and len(item["Description"]) == 1024
    assert "\n" not in item["Description"] and "\x1b" not in item["Description"]
    assert len(item["Remediation"]["Recommendation"]["Text"]) == 512
    assert len(item["Compliance"]["RelatedRequirements"]) == 32


def test_a_resolved_entry_is_archived_and_passed() -> None:
    old = finding("NW-SG-001", "sg-2").to_dict()
    entry = {key: old.get(key) for key in RESOLVED_FIELDS}
    item = resolved_asff(entry, RULE, WHEN)
    assert_valid([item])
    assert item["Id"] == old["fingerprint"]
    assert item["RecordState"] == "ARCHIVED"
    assert item["Workflow"] == {"Status": "RESOLVED"}
    assert item["Compliance"]["Status"] == "PASSED"


def test_batches_hold_one_account_and_region_and_at_most_100() -> None:
    items = [
        to_asff(finding(resource_id=f"sg-{i}", account=account, region=region), RULE, WHEN)
        for account in (ACCOUNT, OTHER)
        for region in ("eu-west-1", "us-east-1")
        for i in range(130 if region == "eu-west-1" else 3)
    ]
    got = list(batches(items))
    assert [(a, r, len(b)) for a, r, b in got] == [
        (ACCOUNT, "eu-west-1", 100),
        (ACCOUNT, "eu-west-1", 30),
        (ACCOUNT, "us-east-1", 3),
        (OTHER, "eu-west-1", 100),
        (OTHER, "eu-west-1", 30),
        (OTHER, "us-east-1", 3),
    ]
    for account, region, batch in got:
        assert {i["AwsAccountId"] for i in batch} == {account}
        assert {i["ProductArn"] for i in batch} == {product_arn(account, region)}
    assert sum(len(b) for _, _, b in got) == len(items)


@pytest.mark.parametrize("asff_type", sorted(set(ASFF_TYPES.values())))
def test_every_asff_type_is_one_security_hub_knows(asff_type: str) -> None:
    known = set(MODEL.shape_for("ResourceDetails").members) | {"AwsAccount", "Other"}
    assert asff_type in known
