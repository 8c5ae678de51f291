"""Writing flow-log files as AWS does (text with a header, gzip or not; Parquet) from plain
records, and generating records: for the tests' known answers, the demo and the benchmark."""

from __future__ import annotations

import gzip
import random
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from scanner.flows.fields import COLUMN_TYPES, DEFAULT_FORMAT, DUCKDB_TYPES, column_name

Record = Mapping[str, Any]

# A custom format with fields of every version 3-5, in an order of its own.
CUSTOM_V5: tuple[str, ...] = (
    "version", "vpc-id", "subnet-id", "instance-id", "interface-id", "account-id", "type",
    "srcaddr", "dstaddr", "srcport", "dstport", "pkt-srcaddr", "pkt-dstaddr", "protocol",
    "bytes", "packets", "start", "end", "action", "tcp-flags", "log-status", "region",
    "az-id", "sublocation-type", "sublocation-id", "pkt-src-aws-service",
    "pkt-dst-aws-service", "flow-direction", "traffic-path",
)  # fmt: skip


def aws_key(account: str, region: str, day: date, name: str, prefix: str = "") -> str:
    """Where AWS puts a file: ``AWSLogs/<account>/vpcflowlogs/<region>/YYYY/MM/DD/<name>``."""
    head = f"{prefix.rstrip('/')}/" if prefix else ""
    return f"{head}AWSLogs/{account}/vpcflowlogs/{region}/{day:%Y/%m/%d}/{name}"


def hive_key(account: str, region: str, day: date, name: str, prefix: str = "") -> str:
    """The Hive-compatible location of a file."""
    head = f"{prefix.rstrip('/')}/" if prefix else ""
    return (
        f"{head}AWSLogs/aws-account-id={account}/aws-service=vpcflowlogs/aws-region={region}/"
        f"year={day:%Y}/month={day:%m}/day={day:%d}/{name}"
    )


def text_lines(records: Iterable[Record], fields: Sequence[str] = DEFAULT_FORMAT) -> Iterator[str]:
    """The header line, then one line per record; a missing or None value is ``-``."""
    yield " ".join(fields) + "\n"
    columns = [column_name(f) for f in fields]
    for record in records:
        yield " ".join("-" if record.get(c) is None else str(record[c]) for c in columns) + "\n"


def write_text(
    path: str | Path,
    records: Iterable[Record],
    fields: Sequence[str] = DEFAULT_FORMAT,
    compress: bool = True,
) -> Path:
    """A text log file (gzip when ``compress``), its directories created."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    opener: Any = gzip.open if compress else open
    with opener(target, "wt", encoding="ascii", newline="") as out:
        out.writelines(text_lines(records, fields))
    return target


def write_parquet(
    path: str | Path, records: Iterable[Record], fields: Sequence[str] = DEFAULT_FORMAT
) -> Path:
    """A Parquet log file with AWS's column names (``_`` for ``-``) and types."""
    import duckdb

    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    columns = [column_name(f) for f in fields]
    staging = target.with_suffix(".staging.txt")
    write_text(staging, records, fields, compress=False)
    types = ", ".join(f"'{c}': '{DUCKDB_TYPES[COLUMN_TYPES[c]]}'" for c in columns)
    try:
        with duckdb.connect() as db:
            db.execute(
                f"COPY (SELECT * FROM read_csv('{staging}', delim=' ', header=true, "
                f"nullstr='-', columns={{{types}}}, auto_detect=false, hive_partitioning=false)) "
                f"TO '{target}' (FORMAT parquet)"
            )
    finally:
        staging.unlink(missing_ok=True)
    return target


def generate(
    count: int,
    seed: int = 0,
    start: int = 1_764_633_600,  # 2025-12-02T00:00:00Z
    span: int = 86_400,
    account: str = "123456789012",
) -> list[dict[str, Any]]:
    """``count`` varied records (IPv4 and IPv6, TCP/UDP/ICMP, accepts and rejects, admin
    and database ports, packet-level addresses, NODATA/SKIPDATA), reproducible by ``seed``."""
    rng = random.Random(seed)
    internal = [f"10.0.{i // 250}.{i % 250 + 1}" for i in range(40)]
    external = [f"203.0.113.{i}" for i in range(1, 60)] + [f"198.51.100.{i}" for i in range(1, 30)]
    ipv6 = [f"2001:db8::{i:x}" for i in range(1, 12)]
    enis = [f"eni-{i:017x}" for i in range(1, 9)]
    ports = [22, 3389, 443, 80, 3306, 5432, 8080, 53, 23, 5985]
    rows: list[dict[str, Any]] = []
    for _ in range(count):
        eni = rng.choice(enis)
        first = start + rng.randrange(span)
        status = rng.choices(["OK", "NODATA", "SKIPDATA"], [96, 2, 2])[0]
        base: dict[str, Any] = {
            "version": 5,
            "account_id": account,
            "interface_id": eni,
            "start": first,
            "end": first + rng.randrange(1, 600),
            "log_status": status,
            "vpc_id": "vpc-0a1b2c3d",
            "subnet_id": f"subnet-{enis.index(eni) % 3:08x}",
            "instance_id": None if eni == enis[-1] else f"i-{enis.index(eni):017x}",
            "region": "eu-west-1",
            "az_id": "euw1-az1",
            "flow_direction": None,
            "traffic_path": None,
        }
        if status != "OK":
            rows.append(base)
            continue
        six = rng.random() < 0.1
        inbound = rng.random() < 0.6
        outside = rng.choice(ipv6 if six else external)
        inside = rng.choice(ipv6 if six else internal)
        src, dst = (outside, inside) if inbound else (inside, outside)
        protocol = rng.choices([6, 17, 1], [80, 15, 5])[0]
        dstport = rng.choice(ports) if protocol != 1 else 0
        packets = rng.randrange(1, 400)
        base.update(
            srcaddr=src,
            dstaddr=dst,
            srcport=rng.randrange(1024, 65536) if protocol != 1 else 0,
            dstport=dstport,
            protocol=protocol,
            packets=packets,
            bytes=packets * rng.randrange(40, 1500),
            action=rng.choices(["ACCEPT", "REJECT"], [70, 30])[0],
            tcp_flags=rng.choice([2, 18, 19, 3]) if protocol == 6 else 0,
            type="IPv6" if six else "IPv4",
            pkt_srcaddr=src if rng.random() < 0.8 else rng.choice(external),
            pkt_dstaddr=dst,
            flow_direction="ingress" if inbound else "egress",
            traffic_path=None if inbound else rng.choice([1, 8]),
        )
        rows.append(base)
    return rows
