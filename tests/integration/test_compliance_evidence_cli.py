"""Compliance evidence end to end against the moto server: report.md and findings.json say,
per control, how many resources were checked and how many failed."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import AwsEnv
from tests.integration.builders import scan_without_baseline

REGION = "us-east-1"


def test_each_control_says_what_was_checked_and_what_passed(aws: AwsEnv, tmp_path: Path) -> None:
    ec2 = aws.client("ec2", REGION)
    vpc = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
    groups = [
        ec2.create_security_group(GroupName=f"g{n}", Description="g", VpcId=vpc)["GroupId"]
        for n in range(3)
    ]
    ec2.authorize_security_group_ingress(
        GroupId=groups[0],
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 22,
                "ToPort": 22,
                "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
            }
        ],
    )
    waivers = tmp_path / "w.yaml"
    waivers.write_text(
        f"waivers:\n  - rule: NW-SG-002\n    resource: {groups[0]}\n    reason: bastion, SEC-1\n"
        "    owner: netops@example.com\n    expires: 2099-01-01\n"
    )
    doc = scan_without_baseline(tmp_path, REGION)
    total = sum(i["count"] for i in doc["run"]["inventory"] if i["type"] == "aws.security-group")
    assert total >= 4  # the default group and ours
    evidence = {e["control"]: e for e in doc["compliance"]}
    cis52 = evidence["CIS-AWS-5.2"]
    # CIS 5.2 is also covered by the internet-exposure rule on interfaces (NW-EXP-001); this
    # world has none, and the evidence says so rather than leaving the type out.
    enis = sum(i["count"] for i in doc["run"]["inventory"] if i["type"] == "aws.eni")
    assert cis52["checked_by_type"] == {"aws.security-group": total, "aws.eni": enis}
    assert (cis52["failing"], cis52["passed"]) == (1, total - 1)
    assert "NW-SG-002" in cis52["rules"]
    md = (tmp_path / "out" / "report.md").read_text().split("## Compliance evidence", 1)[1]
    interfaces = f"{enis} network interface" + ("" if enis == 1 else "s")
    assert f"CIS-AWS-5.2: {interfaces} and {total} security groups checked, 1 failing" in md

    # Waived, the open group is an accepted risk: neither failing nor passing.
    doc = scan_without_baseline(tmp_path, REGION, "--waivers", str(waivers))
    cis52 = next(e for e in doc["compliance"] if e["control"] == "CIS-AWS-5.2")
    failing = [
        f for f in doc["findings"] if "CIS-AWS-5.2" in f["compliance"] and not f.get("waiver")
    ]
    assert (cis52["failing"], cis52["accepted"]) == (len({f["resource_id"] for f in failing}), 1)
