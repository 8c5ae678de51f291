"""The demo's VPC Flow Logs: what the production VPC's flow log delivered around the incident.

The story in records, on the bastion's interface (times are relative to the incident's own
API calls, so every record is in the past when the scan reads it):

- ninety minutes before: an internet address probes 30 ports of the bastion (rejected);
- an hour before: an SSH brute force from the intruder's address and a few others (220
  attempts), rejected by the office-only rule (a spike of rejected connections);
- from the moment the bastion is opened to the internet: the intruder's SSH sessions and
  an RDP session are accepted, and the bastion sends 12,000,000 bytes to the intruder's
  address (a transfer out above the playbook's 5,000,000 bytes in 15 minutes);
- all along: ordinary HTTPS to the web tier, which no detection is about.

The intruder deleted the flow log first; a deleted flow log still delivers what it captured
in the minutes before it stops, which is where the records after the change come from.

The records are AWS's default (version 2) format, gzip, under the AWS layout in the flow
log's S3 bucket: ``AWSLogs/<account>/vpcflowlogs/<region>/YYYY/MM/DD/<file>.log.gz``.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from scanner.flows.synth import aws_key, text_lines

PROBER = "198.51.100.23"  # the scanner, later the RDP session
BRUTE_FORCE = ("203.0.113.77", "203.0.113.78", "203.0.113.79")
VISITORS = tuple(f"198.51.100.{n}" for n in range(100, 140))
EXFIL_BYTES = 1_500_000  # per flow; eight of them
EXFIL_FLOWS = 8
BRUTE_FORCE_ATTEMPTS = 220


@dataclass(frozen=True)
class Interface:
    eni: str
    address: str


@dataclass(frozen=True)
class DemoFlows:
    records: tuple[Mapping[str, Any], ...]
    keys: tuple[str, ...]
    source: str  # s3://bucket/ as scan --flow-logs takes it


def _epoch(text: str) -> int:
    return int(dt.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp())


def _quarter(epoch: int) -> int:
    return epoch - epoch % 900


def incident_records(
    account: str,
    bastion: Interface,
    web: Interface,
    intruder: str,
    opened_at: int,
    now: int,
) -> list[dict[str, Any]]:
    """The flow records of the story; ``opened_at`` is when the bastion was opened to the
    internet and ``now`` is when the flow log was read (no record ends after it)."""
    records: list[dict[str, Any]] = []

    def add(src: str, dst: Interface | str, port: int, action: str, start: int, *,
            eni: Interface, size: int = 320, packets: int = 4,
            sport: int = 40_000) -> None:  # fmt: skip
        end = min(start + 30, now)
        records.append({
            "version": 2, "account_id": account, "interface_id": eni.eni,
            "srcaddr": src, "dstaddr": dst.address if isinstance(dst, Interface) else dst,
            "srcport": sport, "dstport": port, "protocol": 6, "packets": packets,
            "bytes": size, "start": min(start, end), "end": end, "action": action,
            "log_status": "OK",
        })  # fmt: skip

    # Reconnaissance: 30 ports in two and a half minutes (inside one quarter hour, the
    # period the detections count in).
    probing = _quarter(opened_at - 5400) + 30
    for n in range(30):
        add(PROBER, bastion, 1000 + 37 * n, "REJECT", probing + 5 * n, eni=bastion)
    # The brute force against the office-only SSH rule: 220 refused attempts in 7 minutes.
    forcing = _quarter(opened_at - 3600) + 60
    sources = (intruder, *BRUTE_FORCE)
    for n in range(BRUTE_FORCE_ATTEMPTS):
        src = sources[n % len(sources)]
        add(src, bastion, 22, "REJECT", forcing + 2 * n, eni=bastion, size=60)
    # After the change: the sessions the new rule lets in, and the copy out.
    span = max(now - opened_at, 0)

    def after(fraction: float) -> int:
        return opened_at + int(span * fraction)

    for n in range(3):
        add(intruder, bastion, 22, "ACCEPT", after(n / 10), eni=bastion, size=48_000, packets=90)
    add(PROBER, bastion, 3389, "ACCEPT", after(0.2), eni=bastion, size=9_000, packets=30)
    for n in range(EXFIL_FLOWS):
        add(bastion.address, intruder, 443, "ACCEPT", after(0.3 + n / 20), eni=bastion,
            size=EXFIL_BYTES, packets=1_100, sport=50_000 + n)  # fmt: skip
    # Ordinary web traffic over the same ninety minutes.
    for n, visitor in enumerate(VISITORS):
        add(visitor, web, 443, "ACCEPT", opened_at - 5400 + 135 * n, eni=web, size=5_400)
    return records


def _file_name(account: str, region: str, flow_log: str, day_records: list[Any]) -> str:
    first = min(int(r["start"]) for r in day_records)
    stamp = dt.datetime.fromtimestamp(first, dt.UTC).strftime("%Y%m%dT%H%MZ")
    digest = hashlib.sha256(f"{flow_log}{first}".encode()).hexdigest()[:8]
    return f"{account}_vpcflowlogs_{region}_{flow_log}_{stamp}_{digest}.log.gz"


def write_flow_objects(
    make_client: Callable[..., Any],
    bucket: str,
    account: str,
    region: str,
    flow_log: str,
    records: Iterable[Mapping[str, Any]],
) -> list[str]:
    """The records as AWS delivers them: one gzip text file per day, in the AWS layout."""
    by_day: dict[dt.date, list[Mapping[str, Any]]] = defaultdict(list)
    for record in records:
        by_day[dt.datetime.fromtimestamp(int(record["start"]), dt.UTC).date()].append(record)
    s3 = make_client("s3", region)
    keys = []
    for day, day_records in sorted(by_day.items()):
        ordered = sorted(day_records, key=lambda r: (r["start"], r["interface_id"]))
        key = aws_key(account, region, day, _file_name(account, region, flow_log, ordered))
        body = gzip.compress("".join(text_lines(ordered)).encode("ascii"), mtime=0)
        s3.put_object(Bucket=bucket, Key=key, Body=body)
        keys.append(key)
    return keys


def interface(ec2: Any, eni_id: str) -> Interface:
    found = ec2.describe_network_interfaces(NetworkInterfaceIds=[eni_id])["NetworkInterfaces"]
    return Interface(eni_id, str(found[0]["PrivateIpAddress"]))


def write_incident_flows(
    make_client: Callable[..., Any],
    seed: Any,
    incident: Any,
    intruder: str,
    now: dt.datetime | None = None,
) -> DemoFlows:
    """Write the story's flow logs to the production flow log's bucket."""
    region = incident.region
    ec2 = make_client("ec2", region)
    # seed.eni_ids: web-a, web-b, bastion, app-a, app-b, db.
    web, bastion = interface(ec2, seed.eni_ids[0]), interface(ec2, seed.eni_ids[2])
    opened = [c for c in incident.calls if c.resource_id == incident.exposed_sg_id]
    opened_at = _epoch(opened[0].event_time) if opened else int(dt.datetime.now(dt.UTC).timestamp())
    moment = int((now or dt.datetime.now(dt.UTC)).timestamp())
    records = incident_records(seed.account_id, bastion, web, intruder, opened_at, moment)
    bucket = seed.flow_log_buckets[region]
    keys = write_flow_objects(
        make_client, bucket, seed.account_id, region, seed.prod_flow_log_id, records
    )
    return DemoFlows(tuple(records), tuple(keys), f"s3://{bucket}/")
