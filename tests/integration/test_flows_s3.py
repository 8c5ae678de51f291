"""Flow logs read from S3 (moto over HTTP): downloaded with boto3, pruned by the key's date
before any object is fetched, both layouts, text and Parquet."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from scanner.flows import synth
from scanner.flows.dataset import FlowsOptions, open_flows
from scanner.flows.layout import Window
from tests.conftest import AwsEnv

ACCT = "123456789012"
T0 = 1_764_633_600  # 2025-12-02T00:00:00Z


def test_s3_source_both_layouts_window_pruned(aws: AwsEnv, tmp_path: Path) -> None:
    s3 = aws.client("s3")
    s3.create_bucket(Bucket="flows")
    records = synth.generate(300, seed=3, start=T0)
    day = date(2025, 12, 2)
    files = {
        synth.aws_key(ACCT, "eu-west-1", day, "a.log.gz", "vpc"): (records[:100], "text"),
        synth.hive_key(ACCT, "eu-west-1", day, "b.log.gz", "vpc"): (records[100:200], "text"),
        synth.aws_key(ACCT, "eu-west-1", day, "c.log.parquet", "vpc"): (records[200:], "parquet"),
    }
    for key, (rows, kind) in files.items():
        local = tmp_path / key
        if kind == "text":
            synth.write_text(local, rows, synth.CUSTOM_V5)
        else:
            synth.write_parquet(local, rows, synth.CUSTOM_V5)
        s3.upload_file(str(local), "flows", key)
    # Outside the window: never fetched (it is not even a log file's content).
    outside = synth.aws_key(ACCT, "eu-west-1", date(2025, 11, 20), "old.log.gz", "vpc")
    s3.put_object(Bucket="flows", Key=outside, Body=b"garbage")
    window = Window(datetime(2025, 12, 2, tzinfo=UTC), datetime(2025, 12, 3, tzinfo=UTC))
    fetched: list[tuple[str, int, int]] = []
    opened = open_flows(
        FlowsOptions("s3://flows/vpc/", window, endpoint_url=aws.endpoint_url),
        lambda phase, done, total: fetched.append((phase, done, total)),
    )
    try:
        assert opened.selection.pruned == 1
        assert [e for e in fetched if e[0] == "download"][-1] == ("download", 3, 3)
        expected = [r for r in records if r["log_status"] == "OK"]
        count, total = opened.store.query("SELECT count(*), sum(bytes) FROM vpc_flow_logs")[1][0]
        assert (count, total) == (len(expected), sum(r["bytes"] for r in expected))
        assert opened.stats.skipdata == sum(1 for r in records if r["log_status"] == "SKIPDATA")
    finally:
        opened.store.close()
