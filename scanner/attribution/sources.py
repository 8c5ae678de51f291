"""Reading CloudTrail: log files as a trail writes them (local directory or S3), streamed
file by file; or the LookupEvents API. Only candidate records are kept.

Whoever can write the trail's bucket writes this input. A log file that cannot be read (not
gzip, truncated, inflating beyond ``MAX_LOG_BYTES``, not JSON, not a CloudTrail document), a
malformed record and a failed API call are skipped and counted in ``Gaps``: the scan reports
them as attribution gaps and goes on. Only a source that does not exist at all (no such
directory, no such bucket) is bad input.
"""

from __future__ import annotations

import functools
import itertools
import json
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scanner.attribution.events import screen
from scanner.attribution.match import attribute
from scanner.drift.engine import Delta
from scanner.errors import InputError
from scanner.model import Finding
from scanner.textsafe import one_line

Record = Mapping[str, Any]
# Decompressed size of one log file. CloudTrail delivers a file about every five minutes per
# region, a few MB even for busy accounts; beyond this it is a gzip bomb, not a log.
MAX_LOG_BYTES = 128 * 1024 * 1024
CHUNK = 1024 * 1024
GZIP_MAGIC = b"\x1f\x8b"
NOTED_FILES = 20  # skipped files named one by one in the report; the rest are counted


class Unreadable(Exception):
    """A log file netwarden skips, with the reason."""


@dataclass
class Gaps:
    """What attribution could not read: skipped files and API calls, malformed records."""

    skipped: list[tuple[str, str]] = field(default_factory=list)  # (file or call, reason)
    malformed: int = 0
    first_malformed: str | None = None

    def skip(self, where: str, reason: str) -> None:
        self.skipped.append((one_line(where, 300), one_line(reason, 300)))

    def bad_record(self, where: str) -> None:
        self.malformed += 1
        if self.first_malformed is None:
            self.first_malformed = one_line(where, 300)

    def notes(self) -> tuple[dict[str, str], ...]:
        """The reports' coverage notes ({"kind": "attribution-gap", "message"})."""
        notes = [
            {"kind": "attribution-gap", "message": f"CloudTrail: skipped {where}: {reason}"}
            for where, reason in self.skipped[:NOTED_FILES]
        ]
        if len(self.skipped) > NOTED_FILES:
            more = len(self.skipped) - NOTED_FILES
            notes.append({"kind": "attribution-gap", "message": f"CloudTrail: skipped {more} more"})
        if self.malformed:
            notes.append(
                {
                    "kind": "attribution-gap",
                    "message": f"CloudTrail: skipped {self.malformed} malformed record(s) "
                    f"(first: {self.first_malformed})",
                }
            )
        return tuple(notes)


def inflate(chunks: Iterable[bytes], limit: int = MAX_LOG_BYTES) -> bytes:
    """The content of a log file arriving in ``chunks``: gunzipped (every member) when it
    starts with the gzip magic, as it is otherwise; Unreadable beyond ``limit`` bytes, never
    holding more than that."""
    stream = iter(chunks)
    first = b""
    for chunk in stream:  # enough of the start to see the magic
        first += chunk
        if len(first) >= len(GZIP_MAGIC):
            break
    out = bytearray()
    if first[:2] != GZIP_MAGIC:
        for chunk in itertools.chain((first,), stream):
            out += chunk
            if len(out) > limit:
                raise Unreadable(f"larger than {limit} bytes")
        return bytes(out)
    decoder = zlib.decompressobj(wbits=31)
    data = first
    try:
        while True:
            while data:
                if decoder.eof:  # a further gzip member
                    decoder = zlib.decompressobj(wbits=31)
                out += decoder.decompress(data, limit + 1 - len(out))
                if len(out) > limit:
                    raise Unreadable(f"inflates to more than {limit} bytes")
                data = decoder.unused_data if decoder.eof else decoder.unconsumed_tail
            data = next(stream, b"")
            if not data:
                break
    except zlib.error as exc:
        raise Unreadable(f"not a valid gzip file ({exc})") from None
    if not decoder.eof:
        raise Unreadable("truncated gzip file")
    return bytes(out)


def records_in(content: bytes, name: str, gaps: Gaps) -> Iterator[Record]:
    """The candidate records of one log file's content."""
    try:
        document = json.loads(content)
    except (ValueError, RecursionError) as exc:
        raise Unreadable(f"not JSON ({one_line(str(exc), 120)})") from None
    records = document.get("Records") if isinstance(document, dict) else None
    if not isinstance(records, list):
        raise Unreadable('not a CloudTrail log file (no "Records" list)')
    for index, record in enumerate(records):
        verdict = screen(record)
        if isinstance(verdict, str):
            gaps.bad_record(f"{name}: Records[{index}]{verdict.removeprefix('$')}")
        elif verdict:
            yield record


def _file_chunks(file: Path) -> Iterator[bytes]:
    with file.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            yield chunk


def local_records(root: str | Path, gaps: Gaps | None = None) -> Iterator[Record]:
    """Every candidate record under a directory laid out like
    ``AWSLogs/<account>/CloudTrail/<region>/Y/M/D/*.json.gz``, one file in memory at a time."""
    gaps = gaps if gaps is not None else Gaps()
    base = Path(root)
    if not base.is_dir():
        raise InputError("--cloudtrail: no such directory", str(base))
    for file in sorted(base.rglob("*.json*")):
        if not file.is_file():
            continue
        try:
            content = inflate(_file_chunks(file))
            records = list(records_in(content, str(file), gaps))
        except (Unreadable, OSError) as exc:
            gaps.skip(str(file), str(exc))
            continue
        del content
        yield from records


def _error_code(exc: Exception) -> str:
    response = getattr(exc, "response", None)
    error = response.get("Error", {}) if isinstance(response, Mapping) else {}
    return str(error.get("Code", "")) if isinstance(error, Mapping) else ""


def _api_error(exc: Exception) -> str:
    code = _error_code(exc)
    if code:
        message = getattr(exc, "response", {}).get("Error", {}).get("Message", "")
        return f"{code}: {message}" if message else code
    return f"{type(exc).__name__}: {exc}"


def _list_keys(client: Any, bucket: str, prefix: str) -> list[str]:
    keys: list[str] = []
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        contents = page.get("Contents", [])
        keys.extend(str(e["Key"]) for e in contents if ".json" in str(e.get("Key", "")))
    return keys


def _s3_client_for_bucket(
    clients: Iterable[Callable[[], Any]], bucket: str, prefix: str, url: str, gaps: Gaps
) -> tuple[Any, list[str]] | None:
    """The first of ``clients`` whose credentials may list the bucket, with the keys; None
    (a gap) when none may. A bucket that does not exist is bad input."""
    from botocore.exceptions import BotoCoreError, ClientError

    failures: list[str] = []
    for make in clients:
        try:
            client = make()
            return client, _list_keys(client, bucket, prefix)
        except ClientError as exc:
            if _error_code(exc) in ("NoSuchBucket", "InvalidBucketName"):
                raise InputError(f"--cloudtrail: no such bucket: {one_line(bucket, 80)}") from None
            failures.append(_api_error(exc))
        except (BotoCoreError, KeyError) as exc:
            failures.append(_api_error(exc))
    gaps.skip(f"listing {url}", "; ".join(dict.fromkeys(failures)) or "no credentials")
    return None


def s3_records(
    url: str, clients: Any | Sequence[Callable[[], Any]], gaps: Gaps | None = None
) -> Iterator[Record]:
    """Every candidate record under ``s3://bucket/prefix``, one object in memory at a time.
    ``clients`` is an S3 client, or a sequence of makers of one tried in turn: the bucket
    is read with the first whose credentials may list it."""
    from botocore.exceptions import BotoCoreError, ClientError

    gaps = gaps if gaps is not None else Gaps()
    bucket, _, prefix = url.removeprefix("s3://").partition("/")
    if not bucket:
        raise InputError("--cloudtrail: no bucket in the S3 URL", url)
    makers = clients if isinstance(clients, Sequence) else [lambda: clients]
    found = _s3_client_for_bucket(makers, bucket, prefix, url, gaps)
    if found is None:
        return
    s3_client, keys = found
    for key in keys:
        where = f"s3://{bucket}/{key}"
        try:
            body = s3_client.get_object(Bucket=bucket, Key=key)["Body"]
            try:
                content = inflate(body.iter_chunks(CHUNK))
            finally:
                body.close()
            records = list(records_in(content, where, gaps))
        except Unreadable as exc:
            gaps.skip(where, str(exc))
            continue
        except (ClientError, BotoCoreError) as exc:
            gaps.skip(where, _api_error(exc))
            continue
        del content
        yield from records


def lookup_records(
    client: Any, resource_ids: Iterable[str], gaps: Gaps | None = None, where: str = ""
) -> Iterator[Record]:
    """Candidate records from the LookupEvents API, one paginated lookup per drifted
    resource. A failed lookup (after botocore's retries) is a gap for this account and
    region: what failed for one resource fails for the next, so the rest are not tried."""
    from botocore.exceptions import BotoCoreError, ClientError

    gaps = gaps if gaps is not None else Gaps()
    paginator = client.get_paginator("lookup_events")
    ids = sorted(set(resource_ids))
    call = f"LookupEvents {where}".strip()
    for done, resource_id in enumerate(ids):
        found: list[Record] = []
        try:
            pages = paginator.paginate(
                LookupAttributes=[{"AttributeKey": "ResourceName", "AttributeValue": resource_id}]
            )
            for page in pages:
                for index, event in enumerate(page.get("Events", [])):
                    record = _event_record(event)
                    verdict = screen(record) if record is not None else "$"
                    if isinstance(verdict, str):
                        gaps.bad_record(f"{call} for {resource_id}: Events[{index}]")
                    elif verdict:
                        found.append(record)
        except (ClientError, BotoCoreError) as exc:
            left = len(ids) - done
            gaps.skip(call, f"{left} drifted resource(s) not looked up: {_api_error(exc)}")
            return
        yield from found


def _event_record(event: Any) -> Any:
    text = event.get("CloudTrailEvent") if isinstance(event, Mapping) else None
    if not isinstance(text, str):
        return None
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return None


# (service, region, account) -> client; region None: the credentials' default region,
# account None: the credentials the scan starts from.
ClientFor = Callable[[str, str | None, str | None], Any]


def records_for(
    source: str,
    places: Iterable[tuple[str, str]],
    resource_ids: Iterable[str],
    client_for: ClientFor,
    gaps: Gaps,
) -> Iterator[Record]:
    """Records from ``--cloudtrail``: ``s3://bucket/prefix``, ``lookup`` (the LookupEvents API
    in each account and region with drift), or a local directory.

    Each account's LookupEvents is called with that account's credentials. The bucket is
    read with the first credentials that may list it: each drifted account's (a trail in the
    account itself), then the ones the scan starts from (an organisation trail's log-archive
    bucket, read from the management or security account)."""
    where = sorted(set(places))
    if source.startswith("s3://"):
        accounts: list[str | None] = [*sorted({account for account, _ in where}), None]
        makers = [functools.partial(client_for, "s3", None, account) for account in accounts]
        yield from s3_records(source, makers, gaps)
    elif source == "lookup":
        ids = sorted(set(resource_ids))
        for account, region in where:
            try:
                client = client_for("cloudtrail", region, account)
            except (KeyError, InputError) as exc:
                gaps.skip(f"LookupEvents in {account}/{region}", str(exc))
                continue
            yield from lookup_records(client, ids, gaps, f"in {account}/{region}")
    else:
        yield from local_records(source, gaps)


@dataclass(frozen=True)
class Attributed:
    """The drift findings with their attribution, and the gaps met on the way."""

    findings: list[Finding]
    notes: tuple[dict[str, str], ...]


def plain_clients(endpoint_url: str | None) -> ClientFor:
    """Clients from the environment's default credentials, whatever the account (for a
    caller with no sessions of its own)."""
    import boto3

    def client_for(service: str, region: str | None, account: str | None) -> Any:
        return boto3.client(service, region_name=region, endpoint_url=endpoint_url)

    return client_for


def attribute_drift(
    findings: list[Finding], deltas: Sequence[Delta], source: str, client_for: ClientFor
) -> Attributed:
    """The drift findings with who made each change, from the CloudTrail ``source``."""
    ids = [d.resource_id for d in deltas] + [d.baseline_id for d in deltas if d.baseline_id]
    gaps = Gaps()
    places = {(d.account, d.region) for d in deltas}
    records = records_for(source, places, ids, client_for, gaps)
    attributed = attribute(findings, deltas, records)
    return Attributed(attributed, gaps.notes())
