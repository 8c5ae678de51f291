"""`netwarden collect` against a real moto server over HTTP."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from scanner.cli import cli
from scanner.collect.collectors import COLLECTORS, REDACTED
from scanner.demo import middleware
from scanner.demo.server import MotoServer
from tests.conftest import ACCOUNT, AwsEnv
from tests.integration.builders import create_every_type
from tests.unit.collect.test_iam_policy import observed_calls_are_allowed

REGIONS = ("us-east-1", "eu-west-1")


def run_collect(tmp_path: Path, *args: str) -> tuple[int, dict[str, Any], str]:
    out = tmp_path / "snapshot.json"
    result = CliRunner().invoke(cli, ["collect", "-o", str(out), *args])
    snapshot = json.loads(out.read_text()) if out.exists() else {}
    return result.exit_code, snapshot, result.output


def counts(snapshot: dict[str, Any], account: str, region: str) -> dict[str, int]:
    resources = snapshot["accounts"][account]["regions"][region]["resources"]
    return {rtype: len(items) for rtype, items in resources.items()}


def test_every_type_in_two_regions_with_exact_counts(aws: AwsEnv, tmp_path: Path) -> None:
    code, before, _ = run_collect(tmp_path, "--regions", ",".join(REGIONS))
    assert code == 0
    created = {region: create_every_type(aws.client, region) for region in REGIONS}
    code, after, output = run_collect(tmp_path, "--regions", ",".join(REGIONS))
    assert code == 0, output
    assert set(created["us-east-1"]) == set(COLLECTORS), "the builder covers every type"
    for region in REGIONS:
        old, new = counts(before, ACCOUNT, region), counts(after, ACCOUNT, region)
        assert set(new) == set(COLLECTORS)
        growth = {rtype: new[rtype] - old[rtype] for rtype in new}
        assert growth == created[region], region
        assert after["accounts"][ACCOUNT]["regions"][region]["errors"] == []
    # Every call a full collection made is one the shipped read-only IAM policy allows.
    assert observed_calls_are_allowed(after["stats"]["api_calls_by_operation"]) == []


def test_snapshot_shape_is_the_contracts(aws: AwsEnv, tmp_path: Path) -> None:
    create_every_type(aws.client, "us-east-1")
    code, snapshot, _ = run_collect(tmp_path, "--regions", "us-east-1")
    assert code == 0
    assert snapshot["schema"] == "netwarden/snapshot/v1"
    assert {"collected_at", "tool_version", "accounts", "stats"} <= set(snapshot)
    assert {"api_calls", "duration_s"} <= set(snapshot["stats"])
    region = snapshot["accounts"][ACCOUNT]["regions"]["us-east-1"]
    assert set(region) == {"resources", "errors"}
    groups = region["resources"]["aws.security-group"]
    assert [g["GroupId"] for g in groups] == sorted(g["GroupId"] for g in groups)
    web = next(g for g in groups if g["GroupName"] == "web")
    # The raw DescribeSecurityGroups item, so Custodian filters apply unchanged.
    assert web["IpPermissions"][0]["IpRanges"] == [{"CidrIp": "0.0.0.0/0"}]
    trail = region["resources"]["aws.cloudtrail"][0]
    assert trail["c7n:TrailStatus"]["IsLogging"] is True
    recorder = region["resources"]["aws.config-recorder"][0]
    assert recorder["status"]["name"] == "default"
    detector = region["resources"]["aws.guardduty-detector"][0]
    assert detector["Status"] == "ENABLED"
    assert detector["Administrator"] == {}  # not a member of a delegated administrator
    vpn = region["resources"]["aws.vpn-connection"][0]
    # Tunnel pre-shared keys never reach a snapshot file.
    assert vpn["CustomerGatewayConfiguration"] == REDACTED


def test_api_calls_equal_the_pages_needed(aws: AwsEnv, tmp_path: Path) -> None:
    for region in REGIONS:
        create_every_type(aws.client, region)
    code, snapshot, _ = run_collect(tmp_path, "--regions", ",".join(REGIONS))
    assert code == 0
    # Every type fits in one page here, so the floor is one call per (region, type), plus the
    # identity and organisation calls, plus each posture type's per-resource calls (one
    # trail's status, the recorder's status and delivery channel, one detector and its
    # administrator, one EventBridge rule's targets per region).
    per_region = len(COLLECTORS) + 1 + 2 + 2 + 1
    # And each customer-managed prefix list's entries (AWS-managed ones are not read).
    lists = sum(
        1
        for account in snapshot["accounts"].values()
        for region in REGIONS
        for plist in account["regions"][region]["resources"]["aws.prefix-list"]
        if plist["OwnerId"] != "AWS"
    )
    assert lists == len(REGIONS)
    expected = 2 + per_region * len(REGIONS) + lists
    assert snapshot["stats"]["api_calls"] == expected
    by_operation = snapshot["stats"]["api_calls_by_operation"]
    assert by_operation["ec2:DescribeSecurityGroups"] == len(REGIONS)
    assert by_operation["sts:GetCallerIdentity"] == 1
    assert by_operation["ec2:GetManagedPrefixListEntries"] == lists
    assert snapshot["stats"]["retries"] == 0


def test_discovers_enabled_regions_when_not_told(aws: AwsEnv, tmp_path: Path) -> None:
    ec2 = aws.client("ec2", "us-east-1")
    enabled = {
        r["RegionName"]
        for r in ec2.describe_regions(
            Filters=[{"Name": "opt-in-status", "Values": ["opt-in-not-required", "opted-in"]}]
        )["Regions"]
    }
    code, snapshot, _ = run_collect(tmp_path, "--max-workers", "32")
    assert code == 0
    assert set(snapshot["accounts"][ACCOUNT]["regions"]) == enabled
    assert snapshot["stats"]["api_calls"] == 3 + len(enabled) * len(COLLECTORS)


@pytest.fixture
def refusing_server(monkeypatch: pytest.MonkeyPatch) -> Any:
    refuse = middleware.refuse(
        lambda r: r.region == "eu-west-1" and r.action == "DescribeNatGateways"
    )
    server = MotoServer(refuse)
    server.start()
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_ENDPOINT_URL", server.url)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    yield server
    server.stop()


def test_a_refused_type_is_a_coverage_gap_and_exit_3(refusing_server: Any, tmp_path: Path) -> None:
    code, snapshot, output = run_collect(tmp_path, "--regions", ",".join(REGIONS))
    assert code == 3, output
    eu = snapshot["accounts"][ACCOUNT]["regions"]["eu-west-1"]
    assert eu["errors"] == [
        {
            "type": "aws.nat-gateway",
            "code": "UnauthorizedOperation",
            "message": "You are not authorized to perform this operation.",
        }
    ]
    assert "aws.nat-gateway" not in eu["resources"]
    assert len(eu["resources"]) == len(COLLECTORS) - 1  # the rest of the scan went on
    us = snapshot["accounts"][ACCOUNT]["regions"]["us-east-1"]
    assert us["errors"] == [] and "aws.nat-gateway" in us["resources"]
    assert "could not read aws.nat-gateway" in output


def test_role_arns_collect_each_account(aws: AwsEnv, tmp_path: Path) -> None:
    code, snapshot, output = run_collect(
        tmp_path,
        "--regions",
        "us-east-1",
        "--role-arn",
        "arn:aws:iam::111111111111:role/netwarden-audit",
        "--role-arn",
        "arn:aws:iam::222222222222:role/netwarden-audit",
        "--external-id",
        "ext-123",
    )
    assert code == 0, output
    assert sorted(snapshot["accounts"]) == ["111111111111", "222222222222"]


def test_accounts_file(aws: AwsEnv, tmp_path: Path) -> None:
    accounts = tmp_path / "accounts.yaml"
    accounts.write_text(
        "accounts:\n"
        "  - name: prod\n"
        "    role_arn: arn:aws:iam::111111111111:role/netwarden-audit\n"
        "  - name: dev\n"
        "    role_arn: arn:aws:iam::333333333333:role/netwarden-audit\n"
        "    external_id: abc\n"
    )
    code, snapshot, output = run_collect(
        tmp_path, "--regions", "us-east-1", "--accounts", str(accounts)
    )
    assert code == 0, output
    assert sorted(snapshot["accounts"]) == ["111111111111", "333333333333"]
    assert snapshot["accounts"]["111111111111"]["name"] == "prod"

    # The reports name each account as the accounts file does, next to its id.
    out = tmp_path / "reports"
    scan = CliRunner().invoke(
        cli,
        [
            "scan",
            "--snapshot",
            str(tmp_path / "snapshot.json"),
            "--baseline-dir",
            str(tmp_path / "no-baseline"),
            "-o",
            str(out),
            "--format",
            "markdown,json,html",
            "--fail-on",
            "none",
        ],
    )
    assert scan.exit_code == 0, scan.output
    report = (out / "report.md").read_text()
    assert "`111111111111` (prod), `333333333333` (dev)" in report
    run = json.loads((out / "findings.json").read_text())["run"]
    assert run["account_names"] == {"111111111111": "prod", "333333333333": "dev"}
    assert "<code>111111111111</code> prod" in (out / "report.html").read_text()


def test_bad_accounts_file_names_file_and_line(aws: AwsEnv, tmp_path: Path) -> None:
    accounts = tmp_path / "accounts.yaml"
    accounts.write_text("- name: prod\n  role_arn: arn:aws:iam::111111111111:role/x\n  rol: oops\n")
    result = CliRunner().invoke(
        cli, ["collect", "-o", str(tmp_path / "s.json"), "--accounts", str(accounts)]
    )
    assert result.exit_code == 2
    assert f"{accounts}:3: unknown key 'rol'" in result.output
    assert "Traceback" not in result.output


def test_a_misspelt_region_is_exit_2_with_a_suggestion_before_collecting(
    aws: AwsEnv, tmp_path: Path
) -> None:
    code, snapshot, output = run_collect(tmp_path, "--regions", "us-east-1,eu-wset-1")
    assert code == 2, output
    assert output == (
        "netwarden: error: --regions: unknown region 'eu-wset-1' (did you mean eu-west-1?)\n"
    )
    assert snapshot == {}


def test_no_credentials_at_all_is_exit_2(
    aws: AwsEnv, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    for name in ("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI"):
        monkeypatch.delenv(name, raising=False)
    for flags in ((), ("--role-arn", "arn:aws:iam::111111111111:role/audit")):
        code, snapshot, output = run_collect(tmp_path, "--regions", "us-east-1", *flags)
        assert code == 2, output
        assert output.startswith("netwarden: error: no AWS credentials found")
        assert output.count("\n") == 1 and snapshot == {}


def test_the_organisation_id_is_collected_when_there_is_one(aws: AwsEnv, tmp_path: Path) -> None:
    code, snapshot, output = run_collect(tmp_path, "--regions", "us-east-1")
    assert code == 0, output
    assert "organization_id" not in snapshot["accounts"][ACCOUNT]
    org = aws.client("organizations").create_organization(FeatureSet="ALL")["Organization"]
    code, snapshot, output = run_collect(tmp_path, "--regions", "us-east-1")
    assert code == 0, output
    assert snapshot["accounts"][ACCOUNT]["organization_id"] == org["Id"]
