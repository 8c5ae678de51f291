"""Flow detections on generated flow logs: each one fires on the traffic it is about, and
stays quiet on the traffic next to it (private sources, rejected flows, slower transfers,
other ports)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from scanner.flows import rules, synth
from scanner.flows.detections import detect
from scanner.flows.layout import Window
from scanner.flows.reader import FlowStore
from scanner.flows.source import list_local
from scanner.model import Finding

ACCT = "123456789012"
T0 = 1_764_633_600  # 2025-12-02T00:00:00Z
SNAPSHOT = {"accounts": {ACCT: {"regions": {"eu-west-1": {"resources": {"aws.eni": [
    {"NetworkInterfaceId": "eni-1", "VpcId": "vpc-1"},
    {"NetworkInterfaceId": "eni-2", "VpcId": "vpc-1"},
]}}}}}}  # fmt: skip


def flow(src: str, dst: str = "10.0.1.5", port: int = 22, action: str = "ACCEPT",
         t: int = 0, eni: str = "eni-1", size: int = 100, protocol: int = 6,
         status: str = "OK") -> dict[str, Any]:  # fmt: skip
    return {"version": 2, "account_id": ACCT, "interface_id": eni, "srcaddr": src,
            "dstaddr": dst, "srcport": 40000, "dstport": port, "protocol": protocol,
            "packets": 2, "bytes": size, "start": T0 + t, "end": T0 + t + 30, "action": action,
            "log_status": status}  # fmt: skip


def run(tmp_path: Path, records: list[dict[str, Any]], **settings: Any) -> list[Finding]:
    synth.write_text(tmp_path / "flows.log.gz", records)
    with FlowStore() as store:
        stats = store.load(list_local(tmp_path), Window())
        return detect(store, SNAPSHOT, Window(), stats, rules.Settings(**settings), "./logs")


def fired(findings: list[Finding], rule_id: str) -> list[Finding]:
    return [f for f in findings if f.rule_id == rule_id]


# Traffic that no detection is about: a web server answering the internet on 443.
QUIET = [flow(f"203.0.113.{i}", port=443, t=i * 60) for i in range(1, 6)]


def test_nothing_fires_on_ordinary_web_traffic(tmp_path: Path) -> None:
    assert run(tmp_path, QUIET) == []


def test_accepted_ssh_and_rdp_from_the_internet(tmp_path: Path) -> None:
    records = [
        *QUIET,
        flow("203.0.113.9", t=10), flow("203.0.113.9", t=20), flow("198.51.100.4", t=600),
        flow("198.51.100.5", t=700, action="REJECT"),
        flow("198.51.100.6", port=3389, t=800),
    ]  # fmt: skip
    ssh, rdp = fired(run(tmp_path, records), rules.SSH_RDP)
    assert (ssh.resource_type, ssh.resource_id, ssh.account, ssh.region) == (
        "aws.eni", "eni-1", ACCT, "eu-west-1",
    )  # fmt: skip
    assert ssh.severity == "critical" and ssh.evidence == {"port": 22, "protocol": "tcp"}
    assert ssh.traffic is not None
    assert (ssh.traffic["accepted"], ssh.traffic["rejected"]) == (3, 1)
    assert ssh.traffic["sources"][0] == {"address": "203.0.113.9", "flows": 2}
    assert ssh.message.startswith(
        "tcp/22 from the internet: 3 accepted flows from 2 addresses, last at 00:10"
    )
    assert ssh.location.path == "./logs" and ssh.arn.endswith(":network-interface/eni-1")
    assert rdp.evidence == {"port": 3389, "protocol": "tcp"}
    assert ssh.remediation and "describe-network-interfaces" in ssh.remediation[0].cli


def test_ssh_that_is_not_accepted_from_the_internet_is_not_a_detection(tmp_path: Path) -> None:
    records = [
        flow("198.51.100.5", action="REJECT"),  # refused
        flow("10.0.0.8", t=60),  # from inside the VPC
        flow("100.64.0.9", t=90),  # shared address space: never from the internet
        flow("10.0.1.5", dst="198.51.100.7", t=120),  # the instance logging in elsewhere
    ]
    assert fired(run(tmp_path, records), rules.SSH_RDP) == []


def test_accepted_database_traffic_from_the_internet(tmp_path: Path) -> None:
    records = [flow("203.0.113.9", port=3306), flow("10.0.0.8", port=5432, t=60),
               flow("203.0.113.9", port=6379, t=90, action="REJECT")]  # fmt: skip
    (mysql,) = fired(run(tmp_path, records), rules.DATABASE)
    assert mysql.evidence == {"port": 3306, "protocol": "tcp"} and mysql.severity == "critical"


def test_database_ports_reached_only_from_inside_is_quiet(tmp_path: Path) -> None:
    records = [flow("10.0.0.8", port=5432), flow("203.0.113.9", port=5432, action="REJECT")]
    assert fired(run(tmp_path, records), rules.DATABASE) == []


def _transfer(spacing: int, dst: str = "198.51.100.77") -> list[dict[str, Any]]:
    # Six accepted flows of 1,000,000 bytes each from the instance to one address.
    return [flow("10.0.1.5", dst=dst, port=443, t=i * spacing, size=1_000_000) for i in range(6)]


def test_egress_above_the_threshold_in_fifteen_minutes(tmp_path: Path) -> None:
    (out,) = fired(run(tmp_path, [*QUIET, *_transfer(spacing=120)]), rules.EGRESS)
    assert (out.resource_id, out.evidence, out.severity) == (
        "eni-1", {"destination": "198.51.100.77"}, "high",
    )  # fmt: skip
    assert out.traffic is not None
    assert (out.traffic["peak_bytes"], out.traffic["bytes"], out.traffic["accepted"]) == (
        6_000_000, 6_000_000, 6,
    )  # fmt: skip
    assert out.traffic["peak_start"] == "2025-12-02T00:00:00Z"
    assert out.message.startswith("eni-1 (10.0.1.5) sent 6,000,000 bytes to 198.51.100.77")


def test_egress_threshold_is_a_parameter(tmp_path: Path) -> None:
    records = _transfer(spacing=120)
    assert fired(run(tmp_path, records, egress_bytes=7_000_000), rules.EGRESS) == []


def test_the_same_bytes_spread_over_two_hours_is_quiet(tmp_path: Path) -> None:
    # 20 minutes apart: no 15-minute period holds more than 1,000,000 bytes.
    assert fired(run(tmp_path, _transfer(spacing=1200)), rules.EGRESS) == []


def test_large_transfers_inside_or_inbound_are_not_egress(tmp_path: Path) -> None:
    inside = _transfer(spacing=60, dst="10.0.2.9")
    inbound = [flow("198.51.100.77", port=443, t=i * 60, size=1_000_000) for i in range(6)]
    assert fired(run(tmp_path, [*inside, *inbound]), rules.EGRESS) == []


def test_one_source_scanning_many_ports(tmp_path: Path) -> None:
    probes = [flow("192.0.2.66", port=1000 + i, t=i * 10, action="REJECT") for i in range(25)]
    (scan,) = fired(run(tmp_path, [*QUIET, *probes]), rules.SCAN)
    assert (scan.resource_type, scan.resource_id, scan.evidence) == (
        "aws.vpc", "vpc-1", {"source": "192.0.2.66"},
    )  # fmt: skip
    assert scan.traffic is not None
    assert (scan.traffic["distinct_ports"], scan.traffic["rejected"]) == (25, 25)
    assert "192.0.2.66/32" in scan.remediation[0].cli


def test_one_source_scanning_many_hosts(tmp_path: Path) -> None:
    probes = [flow("192.0.2.66", dst=f"10.0.1.{i}", eni=f"eni-h{i}", action="REJECT", t=i)
              for i in range(30)]  # fmt: skip
    (scan,) = fired(run(tmp_path, probes), rules.SCAN)
    assert scan.traffic is not None and scan.traffic["distinct_hosts"] == 30
    # Interfaces the snapshot does not know: the record's account, and its only region.
    assert (scan.resource_type, scan.account, scan.region) == ("aws.eni", ACCT, "eu-west-1")


def test_slow_or_private_probing_is_not_a_scan(tmp_path: Path) -> None:
    slow = [flow("192.0.2.66", port=1000 + i, t=i * 1000, action="REJECT") for i in range(25)]
    private = [flow("10.0.3.3", port=1000 + i, t=i, action="REJECT") for i in range(25)]
    few = [flow("192.0.2.67", port=1000 + i, t=i) for i in range(19)]
    assert fired(run(tmp_path, [*slow, *private, *few]), rules.SCAN) == []


def test_a_spike_of_rejected_connections(tmp_path: Path) -> None:
    steady = [flow("198.51.100.9", port=80, action="REJECT", eni="eni-2", t=p * 900 + 5)
              for p in range(8)]  # fmt: skip
    burst = [flow(f"198.51.100.{i % 50}", port=80, action="REJECT", eni="eni-2", t=9 * 900 + i)
             for i in range(150)]  # fmt: skip
    (spike,) = fired(run(tmp_path, [*steady, *burst]), rules.REJECT_SPIKE)
    assert spike.resource_id == "eni-2" and spike.traffic is not None
    assert (spike.traffic["peak_rejected"], spike.traffic["peak_start"]) == (
        150, "2025-12-02T02:15:00Z",
    )  # fmt: skip


def test_steady_or_small_rejections_are_no_spike(tmp_path: Path) -> None:
    steady = [flow("198.51.100.9", port=80, action="REJECT", eni="eni-2", t=p * 900 + i)
              for p in range(4) for i in range(120)]  # fmt: skip
    small = [flow("198.51.100.9", port=80, action="REJECT", t=9 * 900 + i) for i in range(99)]
    assert fired(run(tmp_path, [*steady, *small]), rules.REJECT_SPIKE) == []


def test_skipdata_is_a_coverage_gap_finding(tmp_path: Path) -> None:
    lost = {**flow("-", t=300), "srcaddr": None, "dstaddr": None, "log_status": "SKIPDATA"}
    (gap,) = fired(run(tmp_path, [*QUIET, lost, {**lost, "start": T0 + 900}]), rules.SKIPDATA)
    assert gap.resource_id == "eni-1" and gap.traffic is not None
    assert gap.traffic["skipped_records"] == 2
    assert fired(run(tmp_path / "none", QUIET), rules.SKIPDATA) == []


def test_every_rule_is_described() -> None:
    assert len(rules.IDS) == len(set(rules.IDS)) == 6
    for rule in rules.RULES:
        assert rule.id.startswith("NW-FLOW-") and rule.description and rule.remediation_text


def test_hostile_interface_ids_stay_one_quoted_word(tmp_path: Path) -> None:
    hostile = "eni-x;$(id)\x1b[31m"
    (ssh,) = fired(run(tmp_path, [flow("203.0.113.9", eni=hostile)]), rules.SSH_RDP)
    assert ssh.resource_id == hostile  # the data is kept as it is
    cli = ssh.remediation[0].cli
    assert "\x1b" not in cli and "\x1b" not in ssh.message
    # One word, ANSI-C quoted: the shell passes it as the id, never runs $(id).
    assert "$'eni-x;$(id)\\x1b[31m'" in cli.split(" ")
