"""`netwarden demo --remediate`: the whole story, end to end, on its own embedded server."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from scanner.cli import cli
from tests.integration.demo_run import DemoRun


def test_demo_tells_the_whole_story(demo_run: DemoRun, tmp_path: Path) -> None:
    out, result = demo_run.output_dir, demo_run
    assert result.exit_code == 0, result.output
    # The run is the session's (tests/integration/conftest.py); its SARIF is copied here, under
    # this test's tmp_path, where every SARIF a test writes is checked (tests/conftest.py).
    shutil.copy(out / "netwarden.sarif", tmp_path / "demo.sarif")
    for name in ("netwarden.sarif", "report.md", "findings.json"):
        assert (out / name).is_file(), name
    findings = json.loads((out / "findings.json").read_text())["findings"]
    drift = [f for f in findings if f["kind"] == "drift"]
    # The incident's seven unauthorized changes, each attributed to the leaked CI key.
    assert len(drift) == 7
    assert all(f["attribution"]["principal"].endswith(":user/ci-deploy") for f in drift)
    rules = {f["rule_id"] for f in findings}
    assert {"drift/added", "drift/modified", "drift/removed"} <= rules
    assert "ci-deploy" in (out / "report.md").read_text()
    # The nightly signal: compared with the night before the incident, one finding accepted
    # by a waiver, and a local webhook told about what is new.
    document = json.loads((out / "findings.json").read_text())
    waived = [f for f in findings if f.get("waiver")]
    assert len(waived) == 1 and waived[0]["waiver"]["owner"] == "netops@example.com"
    assert waived[0]["rule_id"] == "NW-SG-005"
    assert {f["status"] for f in drift} == {"new"}
    assert {f["status"] for f in findings} == {"new", "existing"}
    assert document["run"]["previous"]["path"].endswith("previous-night/findings.json")
    (notification,) = document["run"]["notifications"]
    assert notification["ok"] and notification["sent"], notification
    assert "webhook http://127.0.0.1:" in result.output
    report_md = (out / "report.md").read_text()
    assert "## Accepted risks" in report_md
    assert report_md.index("## Since the previous run") < report_md.index("## Executive summary")
    assert "drift after remediation: 0 resource(s)" in result.output
    # The flow logs in the demo's bucket: the SSH through the new rule, after the change.
    bastion = next(f for f in drift if f["resource_type"] == "aws.security-group")
    traffic = bastion["traffic"]
    assert traffic["after"] == bastion["attribution"]["event_time"]
    assert (traffic["accepted"], traffic["rejected"]) == (4, 0)
    assert traffic["sources"][0] == {"address": "203.0.113.66", "flows": 3}
    assert traffic["summary"].startswith(
        f"after the change at {traffic['after']}, tcp/22 and tcp/3389 open to the internet: "
        "4 accepted flows from 2 addresses"
    )
    # Issue 13's done-when: the incident's new exposure is critical drift, with its path and
    # naming the instance it exposes (the SG rule and the NACL entry that let RDP in).
    exposing = {f["resource_type"]: f for f in drift if f.get("exposure")}
    assert set(exposing) == {"aws.security-group", "aws.network-acl"}
    for finding in exposing.values():
        assert finding["severity"] == "critical"
        assert "(bastion) reachable from the internet on tcp/3389" in finding["message"]
        [path] = finding["exposure"]["paths"]
        assert [s["type"] for s in path] == [
            "aws.internet-gateway",
            "aws.route-table",
            "aws.network-acl",
            "aws.network-acl",
            "aws.security-group",
            "aws.eni",
        ]
    shown = CliRunner().invoke(
        cli, ["exposure", "--snapshot", str(out / "snapshot.json"), "--format", "json"]
    )
    assert shown.exit_code == 1, shown.output  # 22 and 3389 are not approved ports
    reached = {
        (e["attachment"]["name"], e["protocol"], e["from_port"])
        for e in json.loads(shown.output)["exposures"]
    }
    assert reached == {
        ("bastion", "tcp", 22),
        ("bastion", "tcp", 3389),
        ("web-a", "tcp", 80),
        ("web-a", "tcp", 443),
    }
    # Before it, the brute force was refused: the open-rule finding counts the whole window.
    (ssh_rule,) = [f for f in findings if f["rule_id"] == "NW-SG-002"]
    assert (ssh_rule["traffic"]["accepted"], ssh_rule["traffic"]["rejected"]) == (3, 220)
    # The detections fire on the incident's traffic, on the bastion's interface.
    detected = {(f["rule_id"], f["resource_type"]) for f in findings if "NW-FLOW" in f["rule_id"]}
    assert detected == {
        ("NW-FLOW-001", "aws.eni"),  # SSH and RDP accepted from the internet
        ("NW-FLOW-003", "aws.eni"),  # 12,000,000 bytes out to the intruder
        ("NW-FLOW-004", "aws.vpc"),  # the port scan an hour and a half before
        ("NW-FLOW-005", "aws.eni"),  # the refused brute force
    }
    (exfil,) = [f for f in findings if f["rule_id"] == "NW-FLOW-003"]
    assert exfil["evidence"] == {"destination": "203.0.113.66"}
    assert exfil["traffic"]["peak_bytes"] == 12_000_000
    report = (out / "report.md").read_text()
    assert "## Traffic in the flow logs" in report and "NW-FLOW-003" in report
    assert "Flow logs:" in result.output
    # The README's excerpt is this report's (make readme regenerates it).
    from scanner.demo.excerpt import excerpt, normalize, readme_block

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    report = (out / "report.md").read_text().replace(str(out), "reports/demo")
    assert normalize(readme_block(readme)) == normalize(excerpt(report)), "run make readme"
