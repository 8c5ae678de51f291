"""Attribution over a ~1 GB CloudTrail trail: time and peak memory as the trail grows.

``python -m bench.trail_stream [--gigabytes 1.0]`` writes a synthetic organisation trail
(gzipped ``{"Records": [...]}`` files in the trail's own layout, mostly read-only noise with
the incident's write events in the last day), then attributes the incident's deltas in a
fresh process per size and records wall time and peak RSS. Memory must stay flat while the
trail grows: files are read one at a time and only candidate records are kept.
"""

from __future__ import annotations

import argparse
import gzip
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.stats import peak_rss_mb

ACCOUNT, REGION = "111111111111", "us-east-1"
RECORDS_PER_FILE = 6_000  # about 5 MB of JSON per file, like a busy account's 5-minute file
NOISE = (
    "DescribeInstances",
    "AssumeRole",
    "GetObject",
    "DescribeVpcs",
    "ListBuckets",
    "CreateTags",
    "RunInstances",
    "PutMetricData",
)


def record(name: str, when: str, request: dict[str, Any], index: int) -> dict[str, Any]:
    return {
        "eventVersion": "1.09",
        "userIdentity": {
            "type": "AssumedRole",
            "principalId": f"AROAEXAMPLE:{index}",
            "arn": f"arn:aws:sts::{ACCOUNT}:assumed-role/App/{index}",
            "accountId": ACCOUNT,
            "accessKeyId": f"ASIA{index:016d}",
        },
        "eventTime": when,
        "eventSource": "ec2.amazonaws.com",
        "eventName": name,
        "awsRegion": REGION,
        "sourceIPAddress": "10.0.0.5",
        "userAgent": "aws-sdk-go/1.44.0 (go1.21; linux; amd64)",
        "requestParameters": request,
        "responseElements": None,
        "requestID": f"req-{index}",
        "eventID": f"evt-{index}",
        "readOnly": name.startswith(("Describe", "Get", "List")),
        "eventType": "AwsApiCall",
        "managementEvent": True,
        "recipientAccountId": ACCOUNT,
        "eventCategory": "Management",
    }


def noise_file(seed: int) -> bytes:
    records = [
        record(
            NOISE[(seed + i) % len(NOISE)],
            f"2026-11-{1 + seed % 27:02d}T00:{i % 60:02d}:00Z",
            {"instancesSet": {"items": [{"instanceId": f"i-{seed:04d}{i:06d}"}]}},
            i,
        )
        for i in range(RECORDS_PER_FILE)
    ]
    return gzip.compress(json.dumps({"Records": records}).encode(), compresslevel=1)


def incident_file() -> bytes:
    records = [
        record(
            "AuthorizeSecurityGroupIngress",
            "2026-11-28T03:12:09Z",
            {"groupId": "sg-web", "ipPermissions": {"items": [{"ipProtocol": "tcp"}]}},
            1,
        ),
        record(
            "DeleteFlowLogs",
            "2026-11-28T03:15:41Z",
            {"DeleteFlowLogsRequest": {"FlowLogId": {"tag": 1, "content": "fl-prod"}}},
            2,
        ),
        record(
            "AttachInternetGateway",
            "2026-11-28T03:13:05Z",
            {"internetGatewayId": "igw-rogue", "vpcId": "vpc-internal"},
            3,
        ),
    ]
    return gzip.compress(json.dumps({"Records": records}).encode())


def write_trail(root: Path, files: int) -> None:
    """The trail under ``root``: ``files`` noise files, then the incident's day."""
    bodies = [noise_file(seed) for seed in range(8)]  # reused: the reader cannot tell
    for index in range(files):
        day = 1 + index % 27
        folder = root / "AWSLogs" / ACCOUNT / "CloudTrail" / REGION / "2026" / "11" / f"{day:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        body = bodies[index % len(bodies)]
        (folder / f"{ACCOUNT}_CloudTrail_{REGION}_{index:06d}.json.gz").write_bytes(body)
    folder = root / "AWSLogs" / ACCOUNT / "CloudTrail" / REGION / "2026" / "11" / "28"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{ACCOUNT}_CloudTrail_{REGION}_incident.json.gz").write_bytes(incident_file())


def attribute(root: str) -> dict[str, Any]:
    """Run in a fresh process: attribute three deltas from the trail under ``root``."""
    from scanner.attribution.match import latest_events
    from scanner.attribution.sources import local_records
    from scanner.drift.engine import Delta
    from scanner.model import Location

    deltas = [
        Delta(ACCOUNT, REGION, t, r, c, "high", (), Location("b.yaml", 1))
        for t, r, c in (
            ("aws.security-group", "sg-web", "modified"),
            ("aws.flow-log", "fl-prod", "removed"),
            ("aws.internet-gateway", "igw-rogue", "added"),
        )
    ]
    start = time.perf_counter()
    best = latest_events(local_records(root), deltas)
    elapsed = time.perf_counter() - start
    return {
        "seconds": elapsed,
        "matched": len(best),
        "peak_rss_mb": peak_rss_mb(),
    }


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.trail_stream", description=__doc__)
    parser.add_argument("--gigabytes", type=float, default=1.0)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(attribute(args.child)))
        return
    per_file = len(gzip.decompress(noise_file(0)))
    rows = []
    for share in (0.125, 0.25, 0.5, 1.0):
        files = max(1, int(args.gigabytes * share * 1e9 / per_file))
        with tempfile.TemporaryDirectory(prefix="netwarden-trail-") as tmp:
            write_trail(Path(tmp), files)
            out = subprocess.run(
                [sys.executable, "-m", "bench.trail_stream", "--child", tmp],
                capture_output=True,
                text=True,
                check=True,
            )
            result = json.loads(out.stdout)
        rows.append(
            {"files": files + 1, "uncompressed_gb": round(files * per_file / 1e9, 3), **result}
        )
        print(json.dumps(rows[-1]))
    Path(__file__).with_name("trail_results.json").write_text(json.dumps(rows, indent=2) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
