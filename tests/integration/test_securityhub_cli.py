"""--security-hub and `report securityhub` against moto's Security Hub: get_findings shows the
imported findings, and a finding resolved since --previous comes back archived."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from scanner.cli import cli
from tests.conftest import ACCOUNT, AwsEnv
from tests.integration.test_waivers_cli import POLICIES, REGION, _open_ssh


def _hub(aws: AwsEnv) -> dict[str, dict[str, Any]]:
    client = aws.client("securityhub", REGION)
    found: dict[str, dict[str, Any]] = {}
    token: str | None = None
    while True:
        page = client.get_findings(**({"NextToken": token} if token else {}))
        found.update((f["Id"], f) for f in page["Findings"])
        token = page.get("NextToken")
        if not token:
            return found


def _scan(tmp_path: Path, out: str, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(
        cli,
        [
            "scan", "--regions", REGION, "--policies", POLICIES, "--fail-on", "none",
            "--baseline-dir", str(tmp_path / "none"), "-o", str(tmp_path / out),
            "--format", "json", *args,
        ],
    )  # fmt: skip
    assert "Traceback" not in result.output, result.output
    return result.exit_code, result.output


def test_scan_imports_asff_and_archives_what_was_resolved(aws: AwsEnv, tmp_path: Path) -> None:
    fixed = _open_ssh(aws, "fixed-tomorrow", public=False)  # the group alone is fixed
    code, output = _scan(tmp_path, "night1", "--security-hub")
    assert code == 0, output
    doc = json.loads((tmp_path / "night1" / "findings.json").read_text())
    hub = _hub(aws)
    assert set(hub) == {f["fingerprint"] for f in doc["findings"]}
    ssh = next(f for f in doc["findings"] if f["rule_id"] == "NW-SG-002")
    item = hub[ssh["fingerprint"]]
    assert item["GeneratorId"] == "NW-SG-002"
    assert item["ProductArn"] == (
        f"arn:aws:securityhub:{REGION}:{ACCOUNT}:product/{ACCOUNT}/default"
    )
    assert item["AwsAccountId"] == ACCOUNT and item["Region"] == REGION
    assert "CIS-AWS-5.2" in item["Compliance"]["RelatedRequirements"]
    assert item["Resources"][0]["Type"] == "AwsEc2SecurityGroup"
    assert item["Remediation"]["Recommendation"]["Text"]
    assert item["RecordState"] == "ACTIVE"
    assert doc["run"]["security_hub"]["imported"] == len(doc["findings"])
    assert f"imported {len(doc['findings'])} finding(s) into Security Hub" in output

    aws.client("ec2", REGION).delete_security_group(GroupId=fixed)
    code, output = _scan(
        tmp_path, "night2", "--security-hub", "--previous", str(tmp_path / "night1")
    )
    assert code == 0, output
    resolved = json.loads((tmp_path / "night2" / "findings.json").read_text())["resolved"]
    assert {r["resource_id"] for r in resolved} == {fixed}
    hub = _hub(aws)
    for entry in resolved:
        archived = hub[entry["fingerprint"]]
        assert archived["RecordState"] == "ARCHIVED"
        assert archived["Workflow"]["Status"] == "RESOLVED"
        assert archived["Compliance"]["Status"] == "PASSED"


def test_report_securityhub_imports_a_report_directory_in_batches_of_100(
    aws: AwsEnv, tmp_path: Path
) -> None:
    for n in range(40):  # 40 groups x 3 findings each: more than one batch of 100
        _open_ssh(aws, f"g{n}")
    code, output = _scan(tmp_path, "out")
    assert code == 0, output
    assert _hub(aws) == {}  # nothing without --security-hub
    result = CliRunner().invoke(
        cli, ["report", "securityhub", str(tmp_path / "out"), "--policies", POLICIES]
    )
    assert result.exit_code == 0, result.output
    doc = json.loads((tmp_path / "out" / "findings.json").read_text())
    total = len(doc["findings"])
    assert total > 100
    assert (
        f"imported {total} finding(s) into Security Hub (0 archived as resolved) in 2 call(s)"
        in (result.output)
    )
    assert len(_hub(aws)) == total


def test_report_securityhub_refuses_what_is_not_a_report(aws: AwsEnv, tmp_path: Path) -> None:
    bad = tmp_path / "findings.json"
    bad.write_text("[1, 2]")
    result = CliRunner().invoke(cli, ["report", "securityhub", str(bad), "--policies", POLICIES])
    assert result.exit_code == 2 and "not a netwarden findings.json" in result.output


def test_an_account_the_scan_cannot_reach_is_a_coverage_note(aws: AwsEnv, tmp_path: Path) -> None:
    from tests.integration.test_scan_exit_codes import SSH_OPEN, snapshot

    # The snapshot is of 111111111111; the credentials reach only moto's 123456789012.
    snap = snapshot(tmp_path, [SSH_OPEN], [])
    result = CliRunner().invoke(
        cli,
        [
            "scan", "--snapshot", snap, "--policies", POLICIES, "--fail-on", "none",
            "--baseline-dir", str(tmp_path / "none"), "-o", str(tmp_path / "out"),
            "--format", "json,markdown", "--security-hub",
        ],
    )  # fmt: skip
    assert result.exit_code == 3, result.output
    assert "not imported into Security Hub in account 111111111111" in result.output
    md = (tmp_path / "out" / "report.md").read_text()
    assert "**Note (security-hub-failed):**" in md
    assert _hub(aws) == {}
