"""Less noise: account-level findings once per account, unbaselined regions as one note,
related findings grouped with every control kept (literal data)."""

from __future__ import annotations

from dataclasses import replace

from scanner.consolidate import (
    anchor_region,
    baseline_coverage,
    fold_account_level,
    group_related,
    rule_family,
)
from scanner.model import RemediationAction
from tests.unit.signal.findings import ACCOUNT, OTHER, finding

REGIONS = [f"xx-region-{i}" for i in range(37)] + ["us-east-1"]  # 38 regions


def posture(rule: str, region: str, account: str = ACCOUNT):  # type: ignore[no-untyped-def]
    return replace(
        finding(
            rule,
            account,
            account=account,
            region=region,
            resource_type="aws.account",
            severity="medium",
            title="GuardDuty is not enabled",
            evidence={"c7n:guard-duty": {"Detector": {"Status": None}}},
        ),
        remediation=(
            RemediationAction(f"Enable GuardDuty in {region}", f"aws guardduty ... {region}", None),
        ),
    )


def test_38_regions_give_one_finding_per_control_and_account() -> None:
    findings = [posture("NW-DET-003", r) for r in REGIONS]
    findings += [posture("NW-DET-001", r) for r in REGIONS]
    findings += [posture("NW-DET-003", r, OTHER) for r in ("eu-west-1", "eu-north-1")]
    other = finding("NW-SG-001", "sg-1")
    folded = fold_account_level(
        [*findings, other], {ACCOUNT: REGIONS, OTHER: ["eu-west-1", "eu-north-1"]}
    )
    assert len(folded) == 4
    assert folded[0] is other
    by_key = {(f.rule_id, f.account): f for f in folded[1:]}
    guard = by_key[("NW-DET-003", ACCOUNT)]
    assert guard.region == "us-east-1" and guard.resource_id == ACCOUNT
    assert guard.arn == f"arn:aws:iam::{ACCOUNT}:root"
    assert guard.evidence["regions"] == sorted(REGIONS)
    assert set(guard.evidence["by_region"]) == set(REGIONS)
    assert "in 38 of 38 region(s)" in guard.message
    assert len(guard.remediation) == 38  # each region's own step, once
    assert guard.compliance == findings[0].compliance
    assert by_key[("NW-DET-003", OTHER)].region == "eu-north-1"  # no us-east-1: first scanned
    assert (
        "in 2 of 2 region(s) scanned: eu-north-1, eu-west-1"
        in by_key[("NW-DET-003", OTHER)].message
    )


def test_the_regions_lacking_a_control_are_listed_out_of_those_scanned() -> None:
    findings = [posture("NW-DET-003", r) for r in ("eu-west-1", "ap-south-1")]
    (folded,) = fold_account_level(findings, {ACCOUNT: REGIONS})
    assert folded.evidence["regions"] == ["ap-south-1", "eu-west-1"]
    assert "in 2 of 38 region(s)" in folded.message
    # The same lacking regions give the same fingerprint from one night to the next.
    again = fold_account_level(list(reversed(findings)), {ACCOUNT: REGIONS})
    assert again[0].fingerprint == folded.fingerprint


def test_waived_regions_fold_apart_from_the_others() -> None:
    waiver = {"reason": "opt-in region unused", "owner": "o", "expires": "2027-01-01"}
    findings = [
        replace(posture("NW-DET-003", "ap-east-1"), waiver=waiver),
        replace(posture("NW-DET-003", "me-south-1"), waiver=waiver),
        posture("NW-DET-003", "eu-west-1"),
    ]
    folded = fold_account_level(findings, {ACCOUNT: REGIONS})
    assert sorted((f.waiver is not None, tuple(f.evidence["regions"])) for f in folded) == [
        (False, ("eu-west-1",)),
        (True, ("ap-east-1", "me-south-1")),
    ]


def test_anchor_region() -> None:
    assert anchor_region(["eu-west-1", "us-east-1"]) == "us-east-1"
    assert anchor_region(["eu-west-1", "ap-south-1"]) == "ap-south-1"
    assert anchor_region([]) == "us-east-1"


def test_unbaselined_regions_are_one_note() -> None:
    collected = [(ACCOUNT, r) for r in ("us-east-1", "eu-west-1", "eu-north-1", "ap-south-1")]
    collected += [(OTHER, "us-east-1")]
    coverage = baseline_coverage(collected, [(ACCOUNT, "us-east-1"), (ACCOUNT, "eu-west-1")])
    assert coverage.baselined == {(ACCOUNT, "us-east-1"), (ACCOUNT, "eu-west-1")}
    assert coverage.missing == {ACCOUNT: ("ap-south-1", "eu-north-1"), OTHER: ("us-east-1",)}
    assert coverage.accounts_without_any == (OTHER,)
    note = coverage.note()
    assert note is not None and note["kind"] == "not-baselined"
    assert "3 region(s)" in note["message"]
    assert f"{ACCOUNT}: ap-south-1, eu-north-1" in note["message"]
    assert f"{OTHER} (no baseline at all): us-east-1" in note["message"]
    assert "baseline create --regions ap-south-1,eu-north-1,us-east-1" in note["message"]
    assert baseline_coverage(collected[:2], collected[:2]).note() is None


def test_related_findings_group_by_resource_and_family_keeping_every_control() -> None:
    ssh = finding("NW-SG-002", "sg-1", severity="critical", compliance=("CIS-AWS-5.2",))
    port = finding("NW-SG-001", "sg-1", severity="high", compliance=("FSBP-EC2.18",))
    other_sg = finding("NW-SG-001", "sg-2", severity="high", compliance=("FSBP-EC2.18",))
    nacl = finding("NW-NACL-001", "sg-1", severity="high", compliance=("CIS-AWS-5.1",))
    groups = group_related([port, ssh, other_sg, nacl])
    assert [g.rule_ids for g in groups] == [
        ("NW-SG-002", "NW-SG-001"),
        ("NW-SG-001",),
        ("NW-NACL-001",),
    ]
    assert groups[0].compliance == ("CIS-AWS-5.2", "FSBP-EC2.18")
    assert groups[0].lead is ssh


def test_rule_family() -> None:
    assert rule_family("NW-SG-002") == "NW-SG"
    assert rule_family("NW-NACL-001") == "NW-NACL"
    assert rule_family("drift/added") == "drift"
    assert rule_family("custom") == "custom"
