"""Paths AWS writes, what they say, and the window pruned from them (no file opened)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from scanner.errors import InputError
from scanner.flows.layout import Window, classify, parse_time, window_from

ACCT = "123456789012"


def test_aws_layout_with_prefix() -> None:
    f = classify(f"logs/AWSLogs/{ACCT}/vpcflowlogs/eu-west-1/2026/12/02/x_20261202T0005Z.log.gz")
    assert f is not None
    assert (f.layout, f.account, f.region, f.day, f.hour, f.kind) == (
        "aws", ACCT, "eu-west-1", date(2026, 12, 2), None, "text",
    )  # fmt: skip


def test_aws_layout_hourly_and_parquet() -> None:
    f = classify(f"AWSLogs/{ACCT}/vpcflowlogs/us-east-1/2026/01/31/23/x.log.parquet")
    assert f is not None
    assert (f.day, f.hour, f.kind) == (date(2026, 1, 31), 23, "parquet")


def test_hive_layout() -> None:
    f = classify(
        f"p/AWSLogs/aws-account-id={ACCT}/aws-service=vpcflowlogs/aws-region=ap-south-1/"
        "year=2026/month=12/day=02/hour=07/x.log.gz"
    )
    assert f is not None
    assert (f.layout, f.region, f.day, f.hour) == ("hive", "ap-south-1", date(2026, 12, 2), 7)


@pytest.mark.parametrize(
    "path",
    [
        f"AWSLogs/{ACCT}/vpcflowlogs/eu-west-1/2026/02/30/x.log.gz",  # no such day
        f"AWSLogs/{ACCT}/vpcflowlogs/eu-west-1/2026/12/02/25/x.log.gz",  # no such hour
        "plain/flows.log.gz",
    ],
)
def test_undated_paths(path: str) -> None:
    f = classify(path)
    assert f is not None and f.layout == "none" and f.day is None


def test_non_log_files_are_not_listed() -> None:
    assert classify(f"AWSLogs/{ACCT}/vpcflowlogs/eu-west-1/2026/12/02/manifest.json") is None


def _day(d: int, hour: int | None = None) -> str:
    tail = f"{hour:02d}/" if hour is not None else ""
    return f"AWSLogs/{ACCT}/vpcflowlogs/eu-west-1/2026/12/{d:02d}/{tail}x.log.gz"


def test_window_prunes_by_day_and_allows_delivery_lag() -> None:
    w = Window(datetime(2026, 12, 2, 10, tzinfo=UTC), datetime(2026, 12, 3, tzinfo=UTC))
    admitted = [d for d in range(1, 6) if w.admits(classify(_day(d)))]  # type: ignore[arg-type]
    # Dec 3 is read: a record that started at 23:59 on the 2nd is delivered on the 3rd.
    assert admitted == [2, 3]


def test_window_prunes_by_hour() -> None:
    w = Window(datetime(2026, 12, 2, 10, tzinfo=UTC), datetime(2026, 12, 2, 12, tzinfo=UTC))
    hours = [h for h in range(24) if w.admits(classify(_day(2, h)))]  # type: ignore[arg-type]
    assert hours == [10, 11, 12]


def test_undated_files_only_without_a_window() -> None:
    f = classify("plain/flows.log.gz")
    assert f is not None
    assert Window().admits(f)
    assert not Window(since=datetime(2026, 1, 1, tzinfo=UTC)).admits(f)


def test_parse_time_forms() -> None:
    now = datetime(2026, 12, 2, 12, tzinfo=UTC)
    assert parse_time("2026-12-01", "--since") == datetime(2026, 12, 1, tzinfo=UTC)
    assert parse_time("2026-12-01T03:00:00+01:00", "--since") == datetime(
        2026, 12, 1, 2, tzinfo=UTC
    )
    assert parse_time("2026-12-01T03:00Z", "--since") == datetime(2026, 12, 1, 3, tzinfo=UTC)
    assert parse_time("24h", "--since", now) == datetime(2026, 12, 1, 12, tzinfo=UTC)
    assert parse_time("30m", "--since", now) == datetime(2026, 12, 2, 11, 30, tzinfo=UTC)


def test_bad_window_is_input_error() -> None:
    with pytest.raises(InputError, match="--until"):
        window_from(None, "yesterday")
    with pytest.raises(InputError, match="before"):
        window_from("2026-12-02", "2026-12-01")
