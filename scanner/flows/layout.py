"""Where AWS writes flow-log files, what a file's path says about it, and the time window.

Two layouts (both under any prefix, text or Parquet, optionally with hourly partitions):

- AWS: ``AWSLogs/<account>/vpcflowlogs/<region>/YYYY/MM/DD/[HH/]<file>``
- Hive-compatible: ``AWSLogs/aws-account-id=<account>/aws-service=vpcflowlogs/
  aws-region=<region>/year=YYYY/month=MM/day=DD/[hour=HH/]<file>``

The path's date is the *delivery* date, so a window is pruned by it before any file is
opened: a record that started at or after ``since`` cannot be delivered before ``since``,
and one that started before ``until`` is delivered within :data:`DELIVERY_LAG` of it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Literal

from scanner.errors import InputError

Layout = Literal["aws", "hive", "none"]
FileKind = Literal["text", "parquet"]

# AWS delivers a file within minutes of its aggregation interval (at most 10 minutes) ending;
# an hour is a generous bound that still keeps a day's window to that day's folders.
DELIVERY_LAG = timedelta(hours=1)

_AWS = re.compile(
    r"(?:^|/)AWSLogs/(?P<account>\d{12})/vpcflowlogs/(?P<region>[a-z0-9-]+)/"
    r"(?P<y>\d{4})/(?P<m>\d{2})/(?P<d>\d{2})/(?:(?P<h>\d{2})/)?[^/]+$"
)
_HIVE = re.compile(
    r"(?:^|/)aws-account-id=(?P<account>\d{12})/aws-service=vpcflowlogs/"
    r"aws-region=(?P<region>[a-z0-9-]+)/year=(?P<y>\d{4})/month=(?P<m>\d{1,2})/"
    r"day=(?P<d>\d{1,2})/(?:hour=(?P<h>\d{1,2})/)?[^/]+$"
)
_TEXT_SUFFIXES = (".log.gz", ".log", ".txt", ".txt.gz", ".gz")
_PARQUET_SUFFIXES = (".parquet",)


@dataclass(frozen=True)
class LogFile:
    """One flow-log file as listed: where it is and what its path says."""

    path: str  # a local path, or the S3 key
    kind: FileKind
    layout: Layout
    account: str | None = None
    region: str | None = None
    day: date | None = None
    hour: int | None = None
    size: int = 0

    def span(self) -> tuple[datetime, datetime] | None:
        """The delivery interval the path names (an hour or a day), None when undated."""
        if self.day is None:
            return None
        start = datetime(self.day.year, self.day.month, self.day.day, tzinfo=UTC)
        if self.hour is not None:
            start += timedelta(hours=self.hour)
            return start, start + timedelta(hours=1)
        return start, start + timedelta(days=1)


def file_kind(path: str) -> FileKind | None:
    """Text or Parquet by the file name; None for anything else (manifests, checksums)."""
    name = path.rsplit("/", 1)[-1].lower()
    if name.endswith(_PARQUET_SUFFIXES):
        return "parquet"
    if name.endswith(_TEXT_SUFFIXES):
        return "text"
    return None


def classify(path: str, size: int = 0) -> LogFile | None:
    """What a path (``/`` separated, relative or not) says; None when it is no log file."""
    kind = file_kind(path)
    if kind is None:
        return None
    for layout, pattern in (("aws", _AWS), ("hive", _HIVE)):
        match = pattern.search(path)
        if match is None:
            continue
        try:
            day = date(int(match["y"]), int(match["m"]), int(match["d"]))
        except ValueError:
            continue  # a folder that only looks like a date: undated
        hour = int(match["h"]) if match["h"] is not None else None
        if hour is not None and not 0 <= hour < 24:
            continue
        return LogFile(
            path,
            kind,
            layout,  # type: ignore[arg-type]
            match["account"],
            match["region"],
            day,
            hour,
            size,
        )
    return LogFile(path, kind, "none", size=size)


@dataclass(frozen=True)
class Window:
    """A half-open time interval [since, until); either end may be open (None)."""

    since: datetime | None = None
    until: datetime | None = None

    def __post_init__(self) -> None:
        if self.since and self.until and self.since >= self.until:
            raise InputError("--since must be before --until")

    @property
    def bounded(self) -> bool:
        return self.since is not None or self.until is not None

    def since_epoch(self) -> int | None:
        return int(self.since.timestamp()) if self.since else None

    def until_epoch(self) -> int | None:
        return int(self.until.timestamp()) if self.until else None

    def admits(self, file: LogFile) -> bool:
        """Whether a file can hold a record of the window, from its path alone. An undated
        file (no known layout) is read only when the window is unbounded."""
        span = file.span()
        if span is None:
            return not self.bounded
        first, last = span
        if self.since is not None and last <= self.since:
            return False
        return not (self.until is not None and first >= self.until + DELIVERY_LAG)

    def days(self) -> tuple[date | None, date | None]:
        """The first and last delivery day the window reads (None: open at that end), the
        same days :meth:`admits` keeps, for Athena's partition filters."""
        first = self.since.date() if self.since else None
        last = None
        if self.until is not None:
            last = (self.until + DELIVERY_LAG - timedelta(microseconds=1)).date()
        return first, last


_RELATIVE = re.compile(r"^(?P<n>\d+)(?P<unit>[mhd])$")


def parse_time(value: str, option: str, now: datetime | None = None) -> datetime:
    """An ISO 8601 date or time (UTC when no offset is given), or ``30m``/``24h``/``7d``
    before now."""
    text = value.strip()
    relative = _RELATIVE.match(text)
    if relative:
        amount = int(relative["n"])
        unit = {"m": "minutes", "h": "hours", "d": "days"}[relative["unit"]]
        return (now or datetime.now(UTC)) - timedelta(**{unit: amount})
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InputError(
            f"{option}: not an ISO 8601 time or a duration like 24h: {value!r}"
        ) from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def window_from(since: str | None, until: str | None, now: datetime | None = None) -> Window:
    """The window of ``--since``/``--until``."""
    return Window(
        parse_time(since, "--since", now) if since else None,
        parse_time(until, "--until", now) if until else None,
    )
