"""Waivers end to end against the moto server: scan and diff collect from AWS, read
waivers.yaml, and write what each waiver did into every report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from scanner.cli import cli
from tests.conftest import ACCOUNT, AwsEnv
from tests.integration.builders import main_route_table

POLICIES = str(Path(__file__).resolve().parents[2] / "policies")
REGION = "us-east-1"


def _open_ssh(aws: AwsEnv, name: str, public: bool = True) -> str:
    ec2 = aws.client("ec2", REGION)
    vpc = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
    group: str = ec2.create_security_group(GroupName=name, Description=name, VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(
        GroupId=group,
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 22,
                "ToPort": 22,
                "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
            }
        ],
    )
    if not public:
        return group
    # On an internet-facing instance, so that the open rule is reachable and keeps its
    # severity: moto's default VPC has no internet gateway, give it one and a default route.
    attached = [{"Name": "attachment.vpc-id", "Values": [vpc]}]
    if not ec2.describe_internet_gateways(Filters=attached)["InternetGateways"]:
        igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
        ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
        main = main_route_table(ec2, vpc)
        ec2.create_route(RouteTableId=main, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    subnet = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"][0]
    image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    instance = ec2.run_instances(
        ImageId=image,
        MinCount=1,
        MaxCount=1,
        NetworkInterfaces=[{"DeviceIndex": 0, "SubnetId": subnet["SubnetId"], "Groups": [group]}],
    )["Instances"][0]
    allocation = ec2.allocate_address(Domain="vpc")["AllocationId"]
    eni = instance["NetworkInterfaces"][0]["NetworkInterfaceId"]
    ec2.associate_address(AllocationId=allocation, NetworkInterfaceId=eni)
    return group


def _waiver(rule: str, resource: str, expires: str = "2099-12-31") -> str:
    return (
        f'  - rule: {rule}\n    resource: {resource}\n    account: "{ACCOUNT}"\n'
        f"    region: {REGION}\n    reason: Bastion kept for the migration, SEC-7\n"
        f"    owner: netops@example.com\n    expires: {expires}\n"
    )


def _invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    assert "Traceback" not in result.output, result.output
    return result.exit_code, result.output


def test_scan_waives_a_finding_collected_from_aws(
    aws: AwsEnv, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    group = _open_ssh(aws, "bastion")
    monkeypatch.chdir(tmp_path)
    common = ["scan", "--regions", REGION, "--policies", POLICIES, "--baseline-dir", "none"]
    code, output = _invoke(*common, "-o", "before", "--fail-on", "critical")
    assert code == 1, output  # SSH open to the world is critical
    # ./waivers.yaml is read without --waivers; a stale waiver is warned about.
    (tmp_path / "waivers.yaml").write_text(
        "waivers:\n"
        + _waiver("NW-SG-002", group)
        + _waiver("NW-SG-005", "sg-nothing*")
        # The bastion's interface is reachable on 22 too (NW-EXP-001): accepted with it.
        + _waiver("NW-EXP-001", "eni-*")
    )
    code, output = _invoke(*common, "-o", "after", "--fail-on", "critical")
    assert code == 0, output
    assert "waivers.yaml:9: waiver matches no finding (stale)" in output
    doc = json.loads((tmp_path / "after" / "findings.json").read_text())
    waived = [f for f in doc["findings"] if f.get("waiver")]
    assert [f["rule_id"] for f in waived] == ["NW-EXP-001", "NW-SG-002"]
    waived = [f for f in waived if f["rule_id"] == "NW-SG-002"]
    assert [(f["rule_id"], f["resource_id"]) for f in waived] == [("NW-SG-002", group)]
    assert waived[0]["waiver"] == {
        "reason": "Bastion kept for the migration, SEC-7",
        "owner": "netops@example.com",
        "expires": "2099-12-31",
        "path": "waivers.yaml",
        "line": 2,
    }
    assert [w["resource"] for w in doc["run"]["waivers"]["stale"]] == ["sg-nothing*"]
    sarif = json.loads((tmp_path / "after" / "netwarden.sarif").read_text())
    suppressed = [r for r in sarif["runs"][0]["results"] if "suppressions" in r]
    assert sorted(r["properties"]["ruleId"] for r in suppressed) == ["NW-EXP-001", "NW-SG-002"]
    assert suppressed[0]["suppressions"][0]["status"] == "accepted"
    assert "## Accepted risks" in (tmp_path / "after" / "report.md").read_text()


def test_an_expired_waiver_fails_the_scan_again(aws: AwsEnv, tmp_path: Path) -> None:
    group = _open_ssh(aws, "bastion")
    waivers = tmp_path / "w.yaml"
    waivers.write_text("waivers:\n" + _waiver("NW-SG-002", group, expires="2020-01-01"))
    code, output = _invoke(
        "scan", "--regions", REGION, "--policies", POLICIES, "--baseline-dir",
        str(tmp_path / "none"), "-o", str(tmp_path / "out"), "--fail-on", "critical",
        "--waivers", str(waivers),
    )  # fmt: skip
    assert code == 1, output
    assert f"{waivers}:2: waiver expired on 2020-01-01; 1 finding(s) count again" in output


def test_a_bad_waiver_exits_2_at_its_line_before_any_aws_call(aws: AwsEnv, tmp_path: Path) -> None:
    waivers = tmp_path / "w.yaml"
    waivers.write_text("waivers:\n" + _waiver("NW-SG-002", "sg-1").replace("    owner:", "    #"))
    out = tmp_path / "out"
    code, output = _invoke(
        "scan", "--regions", REGION, "--policies", POLICIES, "-o", str(out),
        "--waivers", str(waivers),
    )  # fmt: skip
    assert code == 2
    assert f"netwarden: error: {waivers}:2: waiver has no 'owner'" in output
    assert not out.exists()
    code, output = _invoke("diff", "--regions", REGION, "--waivers", str(tmp_path / "missing"))
    assert code == 2 and "cannot read waivers" in output


def test_diff_accepts_a_waived_drift(aws: AwsEnv, tmp_path: Path) -> None:
    baselines = str(tmp_path / "baselines")
    assert _invoke("baseline", "create", "--regions", REGION, "--baseline-dir", baselines)[0] == 0
    group = _open_ssh(aws, "added-later", public=False)  # only the group is new
    waivers = tmp_path / "w.yaml"
    waivers.write_text("waivers:\n" + _waiver("drift/added", group))
    diff = ["diff", "--regions", REGION, "--baseline-dir", baselines, "--format", "json"]
    code, output = _invoke(*diff)
    assert code == 1, output
    code, output = _invoke(*diff, "--waivers", str(waivers))
    assert code == 0, output
    document = json.loads(output)
    assert [(d["resource_id"], d["waiver"]["owner"]) for d in document["drift"]] == [
        (group, "netops@example.com")
    ]


def test_a_waived_finding_reads_as_accepted_in_every_report(aws: AwsEnv, tmp_path: Path) -> None:
    """SARIF, report.md, report.html and findings.json all say who accepted the risk, why
    and until when; an expired waiver and a stale one are listed in report.md as well."""
    group = _open_ssh(aws, "bastion")
    legacy = _open_ssh(aws, "legacy")
    waivers = tmp_path / "w.yaml"
    waivers.write_text(
        "waivers:\n"
        + _waiver("NW-SG-002", group, expires="2031-06-30")
        + _waiver("NW-SG-002", legacy, expires="2020-01-01")
        + _waiver("NW-SG-005", "sg-nothing*")
    )
    out = tmp_path / "out"
    code, output = _invoke(
        "scan", "--regions", REGION, "--policies", POLICIES, "--baseline-dir",
        str(tmp_path / "none"), "-o", str(out), "--fail-on", "critical",
        "--waivers", str(waivers), "--format", "sarif,markdown,json,html",
    )  # fmt: skip
    assert code == 1, output  # the expired waiver's finding counts again
    results = json.loads((out / "netwarden.sarif").read_text())["runs"][0]["results"]
    ssh = [r for r in results if r["properties"]["ruleId"] == "NW-SG-002"]
    by_group = {r["properties"]["resourceId"]: r for r in ssh}
    assert "suppressions" not in by_group[legacy]
    (suppression,) = by_group[group]["suppressions"]
    assert (suppression["kind"], suppression["status"]) == ("external", "accepted")
    assert suppression["justification"] == (
        "Bastion kept for the migration, SEC-7 (owner netops@example.com, expires 2031-06-30)"
    )
    md = (out / "report.md").read_text()
    accepted = md.split("## Accepted risks", 1)[1].split("\n## ", 1)[0]
    (row,) = [line for line in accepted.splitlines() if f"`{group}`" in line]
    assert "netops@example.com" in row and "2031-06-30" in row and "line 2" in row
    expired = accepted.split("### Expired waivers", 1)[1].split("###", 1)[0]
    assert f"`{legacy}`" in expired and "2020-01-01" in expired
    assert "`sg-nothing*`" in accepted.split("### Stale waivers", 1)[1]
    html = (out / "report.html").read_text()
    assert "Accepted risks" in html and "2031-06-30" in html
    run = json.loads((out / "findings.json").read_text())["run"]["waivers"]
    assert [(w["resource"], w["findings"]) for w in run["applied"]] == [(group, 1)]
    assert [(w["resource"], w["findings"]) for w in run["expired"]] == [(legacy, 1)]
    assert [w["line"] for w in run["stale"]] == [16]


@pytest.mark.parametrize(
    ("edit", "line", "message"),
    [
        (("NW-SG-002", "NW-SG-999"), 2, "unknown rule 'NW-SG-999'"),
        (("    reason: Bastion kept for the migration, SEC-7\n", ""), 2, "has no 'reason'"),
        (("    expires: 2099-12-31\n", ""), 2, "has no 'expires'"),
        (("2099-12-31", "someday"), 8, "'expires' must be a date"),
    ],
)
def test_an_invalid_waiver_is_exit_2_at_its_line(
    aws: AwsEnv, tmp_path: Path, edit: tuple[str, str], line: int, message: str
) -> None:
    waivers = tmp_path / "w.yaml"
    waivers.write_text("waivers:\n" + _waiver("NW-SG-002", "sg-1").replace(*edit))
    out = tmp_path / "out"
    code, output = _invoke(
        "scan", "--regions", REGION, "--policies", POLICIES, "-o", str(out),
        "--waivers", str(waivers),
    )  # fmt: skip
    assert code == 2, output
    assert f"netwarden: error: {waivers}:{line}: " in output and message in output
    assert not out.exists()
