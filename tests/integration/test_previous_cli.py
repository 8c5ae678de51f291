"""scan --previous against the moto server: last night's report directory, tonight's AWS."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from scanner.cli import cli
from tests.conftest import AwsEnv
from tests.integration.test_waivers_cli import POLICIES, REGION, _open_ssh


def test_scan_marks_new_and_resolved_against_last_night(aws: AwsEnv, tmp_path: Path) -> None:
    fixed = _open_ssh(aws, "fixed-today")
    common = [
        "scan", "--regions", REGION, "--policies", POLICIES,
        "--baseline-dir", str(tmp_path / "none"), "--fail-on", "none",
    ]  # fmt: skip
    first = CliRunner().invoke(cli, [*common, "-o", str(tmp_path / "night1")])
    assert first.exit_code == 0, first.output
    aws.client("ec2", REGION).delete_security_group(GroupId=fixed)
    fresh = _open_ssh(aws, "opened-tonight")
    second = CliRunner().invoke(
        cli, [*common, "-o", str(tmp_path / "night2"), "--previous", str(tmp_path / "night1")]
    )
    assert second.exit_code == 0, second.output
    # The terminal summary leads with what is new: the open group's two rule findings and,
    # since _open_ssh puts an instance behind it on the internet, its interface's two exposures.
    assert "4 new, most severe critical, 4 resolved since the previous run" in second.output
    doc = json.loads((tmp_path / "night2" / "findings.json").read_text())
    new = {f["resource_id"] for f in doc["findings"] if f["status"] == "new"}
    resolved = {r["resource_id"] for r in doc["resolved"]}
    assert {r for r in new if r.startswith("sg-")} == {fresh}
    assert {r for r in resolved if r.startswith("sg-")} == {fixed}
    assert len({r for r in new if r.startswith("eni-")}) == 1
    assert len({r for r in resolved if r.startswith("eni-")}) == 1
    md = (tmp_path / "night2" / "report.md").read_text()
    assert md.startswith("# netwarden compliance report\n\n## Since the previous run\n")
