"""No query reads a file outside the window, and no record of the window is lost by it.

A property over generated windows and records: a record that overlaps the window, delivered
as AWS delivers (after its aggregation interval ends, within the delivery lag), is in a file
the path pruning admits and the Athena partition filter keeps; a file the pruning rules out
is one Athena's filter rules out too, and the loader never opens it (it is garbage that would
fail the load)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given
from hypothesis import strategies as st

from scanner.flows import synth
from scanner.flows.athena import partition_predicate
from scanner.flows.dataset import FlowsOptions, open_flows
from scanner.flows.layout import DELIVERY_LAG, Window, classify
from tests.unit.fuzzing import examples

PROFILE = examples(60, 2000, suppress_health_check=[HealthCheck.function_scoped_fixture])
BASE = datetime(2025, 12, 1, tzinfo=UTC)
ACCT = "123456789012"
HOUR = 3600

moments = st.integers(0, 10 * 24 * HOUR).map(lambda s: BASE + timedelta(seconds=s))


@st.composite
def windows(draw: st.DrawFn) -> Window:
    since = draw(st.none() | moments)
    until = draw(st.none() | moments)
    if since is not None and until is not None and since >= until:
        since, until = until, since + timedelta(seconds=1)
    return Window(since, until)


def _key(moment: datetime, hourly: bool, hive: bool) -> str:
    if hive:
        key = synth.hive_key(ACCT, "eu-west-1", moment.date(), "x.log.gz")
        return key.replace("/x.log.gz", f"/hour={moment:%H}/x.log.gz") if hourly else key
    key = synth.aws_key(ACCT, "eu-west-1", moment.date(), "x.log.gz")
    return key.replace("/x.log.gz", f"/{moment:%H}/x.log.gz") if hourly else key


def _athena_keeps(window: Window, moment: datetime, hive: bool) -> bool:
    """Whether Athena's partition filter keeps the partition of ``moment``'s day."""
    if hive:
        columns = {"year": f"{moment:%Y}", "month": f"{moment:%m}", "day": f"{moment:%d}"}
    else:
        columns = {"day": f"{moment:%Y/%m/%d}"}
    select = ", ".join(f"'{v}' AS {k}" for k, v in columns.items())
    predicate = partition_predicate(window, "hive" if hive else "aws")
    with duckdb.connect() as db:
        return bool(db.execute(f"SELECT count(*) FROM (SELECT {select}) WHERE {predicate}")
                    .fetchone()[0])  # fmt: skip


@PROFILE
@given(
    window=windows(),
    start=moments,
    length=st.integers(0, 600),  # an aggregation interval is at most 10 minutes
    delay=st.integers(0, int(DELIVERY_LAG.total_seconds()) - 600),
    hourly=st.booleans(),
    hive=st.booleans(),
)
def test_records_of_the_window_are_in_files_both_engines_read(
    window: Window, start: datetime, length: int, delay: int, hourly: bool, hive: bool
) -> None:
    end = start + timedelta(seconds=length)
    delivered = end + timedelta(seconds=delay)
    file = classify(_key(delivered, hourly, hive))
    assert file is not None and file.day == delivered.date()
    overlaps = (window.since is None or end >= window.since) and (
        window.until is None or start < window.until
    )
    admitted = window.admits(file)
    if overlaps:
        assert admitted, (window, start, end, delivered)
    # Daily files: Athena keeps exactly the days the path pruning keeps.
    if not hourly:
        assert _athena_keeps(window, delivered, hive) == admitted


@pytest.mark.parametrize("hive", [False, True])
def test_files_outside_the_window_are_never_opened(tmp_path: Path, hive: bool) -> None:
    """Garbage in every folder outside the window: the load succeeds, so none was opened."""
    window = Window(datetime(2025, 12, 3, 6, tzinfo=UTC), datetime(2025, 12, 4, 6, tzinfo=UTC))
    t = int(datetime(2025, 12, 3, 12, tzinfo=UTC).timestamp())
    record = {"version": 2, "account_id": ACCT, "interface_id": "eni-1",
              "srcaddr": "10.0.0.1", "dstaddr": "10.0.0.2", "srcport": 1, "dstport": 2,
              "protocol": 6, "packets": 1, "bytes": 1, "start": t, "end": t + 60,
              "action": "ACCEPT", "log_status": "OK"}  # fmt: skip
    synth.write_text(tmp_path / _key(datetime.fromtimestamp(t, UTC), False, hive), [record])
    for day in (1, 2, 5, 6):  # before the window, and after it plus the delivery lag
        bad = tmp_path / _key(datetime(2025, 12, day, 12, tzinfo=UTC), False, hive)
        bad.parent.mkdir(parents=True, exist_ok=True)
        bad.write_bytes(b"\x1f\x8b not a flow log")
    opened = open_flows(FlowsOptions(str(tmp_path), window))
    try:
        assert (opened.stats.files, opened.selection.pruned, opened.stats.records) == (1, 4, 1)
    finally:
        opened.store.close()
    # Without the window the garbage is read, and refused: the test can fail.
    from scanner.errors import InputError

    with pytest.raises(InputError):
        open_flows(FlowsOptions(str(tmp_path), Window())).store.close()
