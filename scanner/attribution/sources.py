"""Reading CloudTrail: log files as a trail writes them (local directory or S3), streamed
file by file; or the LookupEvents API. Only candidate records are kept."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from scanner.attribution.events import is_candidate
from scanner.attribution.match import attribute
from scanner.drift.engine import Delta
from scanner.errors import InputError
from scanner.model import Finding

Record = Mapping[str, Any]


def _records_of(raw: bytes, name: str) -> Iterator[Record]:
    try:
        text = gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw
        document = json.loads(text)
    except (OSError, ValueError) as exc:
        raise InputError(f"not a CloudTrail log file: {exc}", name) from None
    for record in document.get("Records", []) if isinstance(document, dict) else []:
        if isinstance(record, dict) and is_candidate(record):
            yield record


def local_records(root: str | Path) -> Iterator[Record]:
    """Every candidate record under a directory laid out like
    ``AWSLogs/<account>/CloudTrail/<region>/Y/M/D/*.json.gz``, one file in memory at a time."""
    base = Path(root)
    if not base.is_dir():
        raise InputError("--cloudtrail: no such directory", str(base))
    for file in sorted(base.rglob("*.json*")):
        if file.is_file():
            yield from _records_of(file.read_bytes(), str(file))


def s3_records(url: str, s3_client: Any) -> Iterator[Record]:
    """Every candidate record under ``s3://bucket/prefix``, one object in memory at a time."""
    bucket, _, prefix = url.removeprefix("s3://").partition("/")
    paginator = s3_client.get_paginator("list_objects_v2")
    for page in paginator.paginate(Bucket=bucket, Prefix=prefix):
        for entry in page.get("Contents", []):
            key = entry["Key"]
            if ".json" not in key:
                continue
            body = s3_client.get_object(Bucket=bucket, Key=key)["Body"].read()
            yield from _records_of(body, f"s3://{bucket}/{key}")


def lookup_records(client: Any, resource_ids: Iterable[str]) -> Iterator[Record]:
    """Candidate records from the LookupEvents API, one paginated lookup per drifted resource."""
    paginator = client.get_paginator("lookup_events")
    for resource_id in sorted(set(resource_ids)):
        pages = paginator.paginate(
            LookupAttributes=[{"AttributeKey": "ResourceName", "AttributeValue": resource_id}]
        )
        for page in pages:
            for event in page.get("Events", []):
                record = json.loads(event.get("CloudTrailEvent") or "{}")
                if is_candidate(record):
                    yield record


def records_for(
    source: str, resource_ids: Iterable[str], regions: Iterable[str], endpoint_url: str | None
) -> Iterator[Record]:
    """Records from ``--cloudtrail``: ``s3://bucket/prefix``, ``lookup`` (the LookupEvents API
    in each region with drift), or a local directory."""
    import boto3

    if source.startswith("s3://"):
        yield from s3_records(source, boto3.client("s3", endpoint_url=endpoint_url))
    elif source == "lookup":
        ids = sorted(set(resource_ids))
        for region in sorted(set(regions)):
            client = boto3.client("cloudtrail", region_name=region, endpoint_url=endpoint_url)
            yield from lookup_records(client, ids)
    else:
        yield from local_records(source)


def attribute_drift(
    findings: list[Finding], deltas: Sequence[Delta], source: str, endpoint_url: str | None
) -> list[Finding]:
    """The drift findings with who made each change, from the CloudTrail ``source``."""
    ids = [d.resource_id for d in deltas] + [d.baseline_id for d in deltas if d.baseline_id]
    records = records_for(source, ids, {d.region for d in deltas}, endpoint_url)
    return attribute(findings, deltas, records)
