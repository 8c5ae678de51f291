"""Hostile CloudTrail input: badly typed fields, broken and oversized log files, failing
lookups. Each is skipped and counted as an attribution gap; the good records beside it still
attribute, and nothing is ever held in memory beyond the size cap."""

from __future__ import annotations

import gzip
import json
import tracemalloc
import zlib
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber
from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.attribution.events import problem
from scanner.attribution.match import attribute
from scanner.attribution.sources import Gaps, Unreadable, inflate, local_records, lookup_records
from scanner.drift.findings import drift_finding
from scanner.remediate.drift_plan import revert_actions
from tests.unit.attribution.test_attribution import (
    ACCOUNT,
    ATTACKER,
    DELTAS,
    FLOW_LOG_DELETE,
    REGION,
    SSH_OPEN,
)

MALFORMED = {
    "eventName is a list": ({**SSH_OPEN, "eventName": [SSH_OPEN["eventName"]]}, "$.eventName"),
    "userIdentity is a string": ({**SSH_OPEN, "userIdentity": "root"}, "$.userIdentity"),
    "accessKeyId is an integer": (
        {**SSH_OPEN, "userIdentity": {**ATTACKER, "accessKeyId": 12345}},
        "$.userIdentity.accessKeyId",
    ),
    "resources is a number": ({**SSH_OPEN, "resources": 5}, "$.resources"),
    "a resource is a string": ({**SSH_OPEN, "resources": ["arn"]}, "$.resources[0]"),
    "eventTime is a number": ({**SSH_OPEN, "eventTime": 5}, "$.eventTime"),
    "sessionContext is a string": (
        {**SSH_OPEN, "userIdentity": {**ATTACKER, "sessionContext": "x"}},
        "$.userIdentity.sessionContext",
    ),
    "sessionIssuer arn is a dict": (
        {
            **SSH_OPEN,
            "userIdentity": {**ATTACKER, "sessionContext": {"sessionIssuer": {"arn": {}}}},
        },
        "$.userIdentity.sessionContext.sessionIssuer.arn",
    ),
    "readOnly is a string": ({**SSH_OPEN, "readOnly": "false"}, "$.readOnly"),
    "errorCode is a list": ({**SSH_OPEN, "errorCode": []}, "$.errorCode"),
}


def trail_file(root: Path, name: str, content: bytes) -> Path:
    folder = root / "AWSLogs" / ACCOUNT / "CloudTrail" / REGION / "2026" / "11" / "28"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(content)
    return path


def log(*records: Any) -> bytes:
    return gzip.compress(json.dumps({"Records": list(records)}).encode())


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_a_malformed_record_is_skipped_and_counted(case: str, tmp_path: Path) -> None:
    bad, path = MALFORMED[case]
    assert problem(bad) == path
    # The malformed record is the later one: were it used, it would win.
    later = {**bad, "eventTime": "2026-11-29T00:00:00Z"} if path != "$.eventTime" else bad
    trail_file(tmp_path, "a.json.gz", log(later, SSH_OPEN, FLOW_LOG_DELETE))
    gaps = Gaps()
    findings = [drift_finding(d, revert_actions) for d in DELTAS[:2]]
    attributed = attribute(findings, DELTAS, local_records(tmp_path, gaps))
    assert [f.attribution and f.attribution.event_time for f in attributed] == [
        SSH_OPEN["eventTime"],
        FLOW_LOG_DELETE["eventTime"],
    ]
    assert gaps.malformed == 1 and gaps.skipped == []
    assert gaps.first_malformed is not None
    assert gaps.first_malformed.endswith(f"a.json.gz: Records[0]{path.removeprefix('$')}")
    (note,) = gaps.notes()
    assert note["kind"] == "attribution-gap" and "1 malformed record" in note["message"]


def test_well_formed_records_have_no_problem() -> None:
    assert problem(SSH_OPEN) is None
    assert problem({"eventName": "CreateRoute"}) is None
    assert problem({**SSH_OPEN, "userIdentity": None, "resources": None}) is None
    assert problem("a string") == "$"


BROKEN = {
    "corrupt gzip": b"\x1f\x8bnot really gzip at all",
    "truncated gzip": log(SSH_OPEN)[:-20],
    "gzip of no JSON": gzip.compress(b"{not json"),
    "a JSON list": gzip.compress(b"[1, 2]"),
    "Records not a list": gzip.compress(b'{"Records": 5}'),
    "empty file": b"",
    "deeply nested": gzip.compress(b"[" * 100_000 + b"]" * 100_000),
    "plain text": b"hello",
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_a_broken_log_file_is_skipped_and_the_others_read(case: str, tmp_path: Path) -> None:
    bad = trail_file(tmp_path, "a-bad.json.gz", BROKEN[case])
    trail_file(tmp_path, "b-good.json.gz", log(SSH_OPEN))
    gaps = Gaps()
    records = list(local_records(tmp_path, gaps))
    assert [r["eventID"] for r in records] == [SSH_OPEN["eventID"]]
    assert [where for where, _ in gaps.skipped] == [str(bad)]
    (note,) = gaps.notes()
    assert note["kind"] == "attribution-gap" and str(bad) in note["message"]


def many_members(member: bytes, count: int) -> bytes:
    return member * count


def test_a_gzip_bomb_stops_at_the_cap_with_bounded_memory(tmp_path: Path) -> None:
    # 2,048 gzip members of 1 MiB of zeros each: about 2 MB on disk, 2 GiB inflated.
    bomb = many_members(gzip.compress(b"\0" * 1024 * 1024, compresslevel=9), 2048)
    assert len(bomb) < 3 * 1024 * 1024
    path = trail_file(tmp_path, "bomb.json.gz", bomb)
    tracemalloc.start()
    try:
        gaps = Gaps()
        assert list(local_records(tmp_path, gaps)) == []
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert [where for where, _ in gaps.skipped] == [str(path)]
    assert "inflates to more than" in gaps.skipped[0][1]
    assert peak < 300 * 1024 * 1024  # the 128 MiB cap, once plus slack; never 2 GiB


def test_a_single_member_bomb_stops_at_a_small_cap() -> None:
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    bomb = b"".join(packer.compress(b"\0" * 1024 * 1024) for _ in range(64)) + packer.flush()
    with pytest.raises(Unreadable, match="inflates to more than"):
        inflate([bomb[i : i + 4096] for i in range(0, len(bomb), 4096)], limit=8 * 1024 * 1024)
    assert len(inflate([bomb], limit=64 * 1024 * 1024)) == 64 * 1024 * 1024


def test_a_plain_file_over_the_cap_is_refused() -> None:
    with pytest.raises(Unreadable, match="larger than"):
        inflate([b"{", b"x" * 100], limit=50)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.binary(max_size=300), min_size=1, max_size=4),
    st.integers(min_value=1, max_value=64),
)
def test_inflate_equals_the_standard_library(members: list[bytes], size: int) -> None:
    packed = b"".join(gzip.compress(m) for m in members)
    chunks = [packed[i : i + size] for i in range(0, len(packed), size)]
    assert inflate(chunks) == gzip.decompress(packed)


def _client() -> Any:
    return boto3.client(
        "cloudtrail", region_name=REGION, aws_access_key_id="x", aws_secret_access_key="y"
    )


def test_bad_events_are_counted_and_good_ones_kept() -> None:
    client = _client()
    with Stubber(client) as stub:
        stub.add_response(
            "lookup_events",
            {
                "Events": [
                    {"EventId": "bad", "CloudTrailEvent": "{not json"},
                    {"EventId": "worse", "CloudTrailEvent": json.dumps({"eventName": [1]})},
                    {"EventId": "good", "CloudTrailEvent": json.dumps(SSH_OPEN)},
                ]
            },
        )
        gaps = Gaps()
        records = list(lookup_records(client, ["sg-web"], gaps, f"in {ACCOUNT}/{REGION}"))
        stub.assert_no_pending_responses()
    assert [r["eventID"] for r in records] == [SSH_OPEN["eventID"]]
    assert gaps.skipped == [] and gaps.malformed == 2


def test_a_failed_lookup_is_one_gap_for_the_region() -> None:
    client = _client()
    with Stubber(client) as stub:
        stub.add_response(
            "lookup_events", {"Events": [{"EventId": "e", "CloudTrailEvent": json.dumps(SSH_OPEN)}]}
        )
        stub.add_client_error("lookup_events", "AccessDeniedException", "not allowed", 400)
        gaps = Gaps()
        ids = ["sg-a", "sg-b", "sg-c", "sg-d"]
        records = list(lookup_records(client, ids, gaps, f"in {ACCOUNT}/{REGION}"))
        stub.assert_no_pending_responses()  # sg-c and sg-d were not tried
    assert [r["eventID"] for r in records] == [SSH_OPEN["eventID"]]
    assert gaps.skipped == [
        (
            f"LookupEvents in {ACCOUNT}/{REGION}",
            "3 drifted resource(s) not looked up: AccessDeniedException: not allowed",
        )
    ]


def _s3() -> Any:
    return boto3.client("s3", region_name=REGION, aws_access_key_id="x", aws_secret_access_key="y")


def test_the_bucket_is_read_with_the_first_credentials_that_may_list_it() -> None:
    from scanner.attribution.sources import records_for

    denied, allowed = _s3(), _s3()
    key = f"AWSLogs/{ACCOUNT}/CloudTrail/{REGION}/2026/11/28/a.json.gz"
    asked: list[tuple[str, str | None, str | None]] = []

    def client_for(service: str, region: str | None, account: str | None) -> Any:
        asked.append((service, region, account))
        return denied if account == ACCOUNT else allowed

    with Stubber(denied) as no, Stubber(allowed) as yes:
        no.add_client_error("list_objects_v2", "AccessDenied", "Access Denied", 403)
        yes.add_response("list_objects_v2", {"Contents": [{"Key": key}], "IsTruncated": False})
        yes.add_response("get_object", {"Body": _streaming(log(SSH_OPEN))})
        gaps = Gaps()
        places = [(ACCOUNT, REGION)]
        records = list(records_for("s3://trail/AWSLogs", places, ["sg-web"], client_for, gaps))
        no.assert_no_pending_responses()
        yes.assert_no_pending_responses()
    assert asked == [("s3", None, ACCOUNT), ("s3", None, None)]
    assert [r["eventID"] for r in records] == [SSH_OPEN["eventID"]]
    assert gaps.skipped == []


def test_a_bucket_no_credentials_may_list_is_one_gap() -> None:
    from scanner.attribution.sources import records_for

    client = _s3()
    with Stubber(client) as stub:
        for _ in range(2):
            stub.add_client_error("list_objects_v2", "AccessDenied", "Access Denied", 403)
        gaps = Gaps()
        places = [(ACCOUNT, REGION)]
        found = list(records_for("s3://trail", places, ["sg-web"], lambda *_: client, gaps))
    assert found == []
    assert gaps.skipped == [("listing s3://trail", "AccessDenied: Access Denied")]


def _streaming(data: bytes) -> Any:
    import io

    from botocore.response import StreamingBody

    return StreamingBody(io.BytesIO(data), len(data))
