"""`scan --flow-logs`: traffic evidence on open-rule findings and exposures in findings.json,
SARIF and report.md; SKIPDATA makes the scan incomplete; the window flags need --flow-logs."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from scanner.cli import cli
from scanner.collect.collectors import COLLECTORS
from scanner.flows import synth
from tests.unit.exposure import worlds

POLICIES = str(Path(__file__).resolve().parents[2] / "policies")
ACCT = "111111111111"
T0 = 1_764_633_600  # 2025-12-02T00:00:00Z
SSH_OPEN = {
    "GroupId": "sg-1", "GroupName": "bastion", "Description": "b", "VpcId": "vpc-1",
    "OwnerId": ACCT, "IpPermissionsEgress": [],
    "IpPermissions": [{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
                       "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
}  # fmt: skip


def _snapshot(tmp_path: Path) -> str:
    # The exposure tests' world: eni-1 (203.0.113.10 -> 10.0.1.5, instance i-1 "web-1")
    # behind an attached IGW, an open NACL and sg-1, so it is exposed on tcp/22.
    resources: dict[str, list[Any]] = {t: [] for t in COLLECTORS}
    resources.update(worlds.world())
    resources["aws.security-group"] = [SSH_OPEN]
    doc = {
        "schema": "netwarden/snapshot/v1", "collected_at": "2025-12-02T06:00:00+00:00",
        "tool_version": "0.1.0", "stats": {"api_calls": 1, "duration_s": 0.1},
        "accounts": {ACCT: {"regions": {"us-east-1": {"resources": resources, "errors": []}}}},
    }  # fmt: skip
    path = tmp_path / "snapshot.json"
    path.write_text(json.dumps(doc))
    return str(path)


def _flow(src: str, t: int, action: str = "ACCEPT", status: str = "OK") -> dict[str, Any]:
    return {"version": 2, "account_id": ACCT, "interface_id": "eni-1", "srcaddr": src,
            "dstaddr": "10.0.1.5", "srcport": 40000, "dstport": 22, "protocol": 6,
            "packets": 3, "bytes": 240, "start": T0 + t, "end": T0 + t + 20, "action": action,
            "log_status": status}  # fmt: skip


def _logs(tmp_path: Path, records: list[dict[str, Any]]) -> str:
    root = tmp_path / "flows"
    synth.write_text(root / synth.aws_key(ACCT, "us-east-1", date(2025, 12, 2), "a.log.gz"),
                     records)  # fmt: skip
    return str(root)


def _scan(tmp_path: Path, *args: str) -> Any:
    return CliRunner().invoke(cli, [
        "scan", "--snapshot", _snapshot(tmp_path), "--policies", POLICIES,
        "--baseline-dir", str(tmp_path / "none"), "-o", str(tmp_path / "out"),
        "--fail-on", "none", *args,
    ])  # fmt: skip


def test_traffic_on_the_open_ssh_finding(tmp_path: Path) -> None:
    records = [_flow("203.0.113.9", 10), _flow("203.0.113.9", 70), _flow("198.51.100.2", 90),
               _flow("198.51.100.2", 95, "REJECT"), _flow("10.0.0.9", 99)]  # fmt: skip
    result = _scan(tmp_path, "--flow-logs", _logs(tmp_path, records), "--since", "2025-12-02")
    assert result.exit_code == 0, result.output
    findings = json.loads((tmp_path / "out" / "findings.json").read_text())["findings"]
    ssh = [f for f in findings if f["resource_id"] == "sg-1" and "traffic" in f]
    assert ssh, [f["rule_id"] for f in findings]
    traffic = ssh[0]["traffic"]
    assert (traffic["accepted"], traffic["rejected"], traffic["bytes"]) == (3, 1, 720)
    assert traffic["sources"] == [{"address": "198.51.100.2", "flows": 2},
                                  {"address": "203.0.113.9", "flows": 2}]  # fmt: skip
    assert (traffic["first_seen"], traffic["last_seen"]) == (
        "2025-12-02T00:00:10Z", "2025-12-02T00:01:55Z",
    )  # fmt: skip
    # Findings not about an open rule (or a flow detection) carry no traffic field at all.
    assert all(
        "traffic" not in f
        for f in findings
        if f["resource_id"] != "sg-1" and not f["rule_id"].startswith("NW-FLOW-")
    )
    # The accepted SSH from the internet is a detection too, in every report.
    (ssh,) = [f for f in findings if f["rule_id"] == "NW-FLOW-001"]
    assert (ssh["resource_id"], ssh["severity"], ssh["traffic"]["accepted"]) == (
        "eni-1", "critical", 3,
    )  # fmt: skip
    sarif = json.loads((tmp_path / "out" / "netwarden.sarif").read_text())
    results = sarif["runs"][0]["results"]
    props = [r["properties"] for r in results if "traffic" in r["properties"]]
    assert props and all(p["traffic"]["accepted"] == 3 for p in props)
    assert "NW-FLOW-001" in {r["ruleId"] for r in results}
    described = {rule["id"]: rule for rule in sarif["runs"][0]["tool"]["driver"]["rules"]}
    assert "Session Manager" in described["NW-FLOW-001"]["help"]["text"]
    assert traffic["summary"] == (
        "tcp/22 open to the internet: 3 accepted flows from 2 addresses, "
        "last at 00:01 on 2025-12-02; 1 rejected"
    )
    report = (tmp_path / "out" / "report.md").read_text()
    assert (
        "**Observed traffic:** tcp/22 open to the internet: 3 accepted flows from 2 addresses, "
        "last at 00:01 on 2025-12-02; 1 rejected; 720 bytes accepted, first "
        "2025-12-02T00:00:10Z" in report
    )
    # The exposed interface has the same flows (they all reached 10.0.1.5 on tcp/22).
    run = json.loads((tmp_path / "out" / "findings.json").read_text())["run"]["flow_logs"]
    assert (run["files"], run["records"], run["skipped_records"]) == (1, 5, 0)
    (exposed,) = run["exposures"]
    assert (exposed["eni"], exposed["address"], exposed["protocol"]) == (
        "eni-1", "203.0.113.10", "tcp",
    )  # fmt: skip
    assert (exposed["traffic"]["accepted"], exposed["traffic"]["rejected"]) == (3, 1)
    assert "## Traffic in the flow logs" in report
    html = _scan(tmp_path, "--flow-logs", _logs(tmp_path, records), "--format", "html")
    assert html.exit_code == 0, html.output
    page = (tmp_path / "out" / "report.html").read_text()
    assert "<li>Observed traffic: tcp/22 open to the internet: 3 accepted flows" in page
    assert (
        "- 111111111111 / us-east-1: tcp/22 open to the internet on eni-1 (instance i-1 "
        "web-1): 3 accepted flows from 2 addresses" in report
    )


def test_the_scan_never_opens_a_file_outside_the_window(tmp_path: Path) -> None:
    logs = _logs(tmp_path, [_flow("203.0.113.9", 10)])
    # Garbage a day before the window: reading it would be exit 2.
    old = Path(logs) / synth.aws_key(ACCT, "us-east-1", date(2025, 12, 1), "old.log.gz")
    old.parent.mkdir(parents=True)
    old.write_bytes(b"not a flow log")
    result = _scan(tmp_path, "--flow-logs", logs, "--since", "2025-12-02", "--until", "2025-12-03")
    assert result.exit_code == 0, result.output
    run = json.loads((tmp_path / "out" / "findings.json").read_text())["run"]["flow_logs"]
    assert (run["files"], run["pruned_files"], run["records"]) == (1, 1, 1)
    assert (run["since"], run["until"]) == ("2025-12-02T00:00:00Z", "2025-12-03T00:00:00Z")
    assert _scan(tmp_path, "--flow-logs", logs).exit_code == 2  # unbounded, it is read


def test_without_flow_logs_no_traffic_field(tmp_path: Path) -> None:
    assert _scan(tmp_path).exit_code == 0
    findings = json.loads((tmp_path / "out" / "findings.json").read_text())["findings"]
    assert findings and all("traffic" not in f for f in findings)


def test_skipdata_is_a_coverage_gap(tmp_path: Path) -> None:
    records = [_flow("203.0.113.9", 10), _flow("203.0.113.9", 20, status="SKIPDATA")]
    result = _scan(tmp_path, "--flow-logs", _logs(tmp_path, records))
    assert result.exit_code == 3


def test_window_needs_flow_logs(tmp_path: Path) -> None:
    result = _scan(tmp_path, "--since", "24h")
    assert result.exit_code == 2 and "--flow-logs" in result.output


def test_bad_flow_source_exit_2(tmp_path: Path) -> None:
    result = _scan(tmp_path, "--flow-logs", str(tmp_path / "missing"))
    assert result.exit_code == 2 and "no such directory" in result.output
