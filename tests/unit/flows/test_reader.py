"""Reading flow logs: every format version, gzip, plain text and Parquet, mixed formats, `-`
as NULL, NODATA/SKIPDATA counted, and files outside the window never opened."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from scanner.errors import InputError
from scanner.flows import synth
from scanner.flows.dataset import FlowsOptions, OpenedFlows, open_flows
from scanner.flows.layout import Window
from scanner.flows.source import list_local, select

ACCT = "123456789012"
DAY = date(2025, 12, 2)
T0 = 1_764_633_600  # 2025-12-02T00:00:00Z

V2 = {
    "version": 2, "account_id": ACCT, "interface_id": "eni-1", "srcaddr": "203.0.113.9",
    "dstaddr": "10.0.0.5", "srcport": 50000, "dstport": 22, "protocol": 6, "packets": 3,
    "bytes": 180, "start": T0 + 60, "end": T0 + 120, "action": "ACCEPT", "log_status": "OK",
}  # fmt: skip
NODATA = {"version": 2, "account_id": ACCT, "interface_id": "eni-1", "start": T0, "end": T0 + 60,
          "log_status": "NODATA"}  # fmt: skip
SKIPDATA = {**NODATA, "log_status": "SKIPDATA"}
V5 = {**V2, "version": 5, "vpc_id": "vpc-1", "subnet_id": "subnet-1", "instance_id": "i-1",
      "tcp_flags": 2, "type": "IPv4", "pkt_srcaddr": "198.51.100.7", "pkt_dstaddr": "10.0.0.5",
      "region": "eu-west-1", "az_id": "euw1-az1", "sublocation_type": None,
      "sublocation_id": None, "pkt_src_aws_service": None, "pkt_dst_aws_service": "S3",
      "flow_direction": "ingress", "traffic_path": 1, "bytes": 999}  # fmt: skip
V3_FIELDS = ("version", "interface-id", "srcaddr", "dstaddr", "instance-id", "start", "end",
             "bytes", "tcp-flags", "pkt-srcaddr", "log-status")  # fmt: skip
V4_FIELDS = (*synth.DEFAULT_FORMAT, "region", "az-id", "sublocation-type", "sublocation-id")


def _load(root: Path, window: Window | None = None) -> OpenedFlows:
    return open_flows(FlowsOptions(str(root), window or Window()))


def _rows(opened: OpenedFlows, sql: str) -> list[tuple[object, ...]]:
    return opened.store.query(sql)[1]


def test_default_format_gzip_dash_is_null_and_status_counted(tmp_path: Path) -> None:
    synth.write_text(tmp_path / synth.aws_key(ACCT, "eu-west-1", DAY, "a.log.gz"),
                     [V2, NODATA, SKIPDATA, SKIPDATA])  # fmt: skip
    opened = _load(tmp_path)
    try:
        stats = opened.stats
        assert (stats.files, stats.records, stats.nodata, stats.skipdata) == (1, 4, 1, 2)
        rows = _rows(
            opened, "SELECT srcaddr, dstport, bytes, vpc_id, pkt_srcaddr FROM vpc_flow_logs"
        )
        assert rows == [("203.0.113.9", 22, 180, None, None)]
        nulls = _rows(opened, "SELECT srcaddr, packets FROM flow_records WHERE log_status='NODATA'")
        assert nulls == [(None, None)]
    finally:
        opened.store.close()


@pytest.mark.parametrize("compress", [True, False])
def test_custom_v5_order_and_mixed_formats_in_one_read(tmp_path: Path, compress: bool) -> None:
    ext = ".log.gz" if compress else ".log"
    synth.write_text(tmp_path / synth.aws_key(ACCT, "eu-west-1", DAY, "a" + ext), [V2],
                     compress=compress)  # fmt: skip
    synth.write_text(tmp_path / synth.hive_key(ACCT, "eu-west-1", DAY, "b" + ext), [V5],
                     synth.CUSTOM_V5, compress)  # fmt: skip
    synth.write_text(tmp_path / synth.aws_key(ACCT, "eu-west-1", DAY, "c" + ext),
                     [{**V5, "bytes": 7}], V3_FIELDS, compress)  # fmt: skip
    synth.write_text(tmp_path / synth.aws_key(ACCT, "eu-west-1", DAY, "d" + ext),
                     [{**V5, "bytes": 8}], V4_FIELDS, compress)  # fmt: skip
    opened = _load(tmp_path)
    try:
        rows = _rows(
            opened,
            "SELECT version, bytes, pkt_srcaddr, pkt_dst_aws_service, traffic_path, tcp_flags, "
            "az_id, dstport FROM vpc_flow_logs ORDER BY bytes",
        )
        assert rows == [
            (5, 7, "198.51.100.7", None, None, 2, None, None),  # v3 fields only
            (5, 8, None, None, None, None, "euw1-az1", 22),  # v2 + v4
            (2, 180, None, None, None, None, None, 22),
            (5, 999, "198.51.100.7", "S3", 1, 2, "euw1-az1", 22),
        ]
    finally:
        opened.store.close()


def test_parquet_and_text_together(tmp_path: Path) -> None:
    synth.write_parquet(tmp_path / synth.aws_key(ACCT, "eu-west-1", DAY, "a.log.parquet"),
                        [V5, NODATA], synth.CUSTOM_V5)  # fmt: skip
    synth.write_text(tmp_path / synth.aws_key(ACCT, "eu-west-1", DAY, "b.log.gz"), [V2])
    opened = _load(tmp_path)
    try:
        assert opened.stats.files == 2 and opened.stats.nodata == 1
        rows = _rows(opened, "SELECT bytes, pkt_dst_aws_service FROM vpc_flow_logs ORDER BY 1")
        assert rows == [(180, None), (999, "S3")]
    finally:
        opened.store.close()


def test_window_never_opens_files_outside_it(tmp_path: Path) -> None:
    inside = synth.aws_key(ACCT, "eu-west-1", DAY, "a.log.gz")
    synth.write_text(tmp_path / inside, [V2, {**V2, "start": T0 - 7200, "end": T0 - 3600}])
    # Garbage that would fail the load if it were opened.
    for day in (date(2025, 12, 1), date(2025, 12, 4)):
        bad = tmp_path / synth.aws_key(ACCT, "eu-west-1", day, "bad.log.gz")
        bad.parent.mkdir(parents=True)
        bad.write_bytes(b"not gzip at all")
    window = Window(datetime(2025, 12, 2, tzinfo=UTC), datetime(2025, 12, 3, tzinfo=UTC))
    selection = select(list_local(tmp_path), window)
    assert [Path(f.path).name for f in selection.files] == ["a.log.gz"]
    assert selection.pruned == 2
    opened = _load(tmp_path, window)
    try:
        # The record that ended before the window is in an admitted file, but not kept.
        assert opened.stats.records == 1
    finally:
        opened.store.close()
    with pytest.raises(InputError, match=r"bad\.log\.gz"):
        _load(tmp_path)


def test_wrong_column_count_is_input_error_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / synth.aws_key(ACCT, "eu-west-1", DAY, "a.log")
    path.parent.mkdir(parents=True)
    path.write_text(" ".join(synth.DEFAULT_FORMAT) + "\n2 1 2 3\n")
    with pytest.raises(InputError, match=r"a\.log"):
        _load(tmp_path)


def test_missing_directory_is_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such directory"):
        _load(tmp_path / "nope")


def test_batches_are_bounded_by_files_and_bytes() -> None:
    from scanner.flows.layout import LogFile
    from scanner.flows.reader import BATCH_BYTES, BATCH_FILES, batches

    def f(name: str, size: int) -> LogFile:
        return LogFile(name, "text", "none", size=size)

    half = BATCH_BYTES // 2
    files = [f("a", half), f("b", half), f("c", 1), f("d", 3 * BATCH_BYTES), f("e", 0)]
    assert [[x.path for x in b] for b in batches(files)] == [["a", "b"], ["c"], ["d"], ["e"]]
    small = [f(str(n), 0) for n in range(BATCH_FILES + 1)]
    assert [len(b) for b in batches(small)] == [BATCH_FILES, 1]
    assert batches([]) == []


def test_running_out_of_memory_says_so_not_that_the_file_is_bad(tmp_path: Path) -> None:
    records = [{**V2, "srcport": n % 60_000, "start": T0 + n} for n in range(60_000)]
    synth.write_text(tmp_path / synth.aws_key(ACCT, "eu-west-1", DAY, "a.log.gz"), records)
    with pytest.raises(InputError, match=r"ran out of memory under its limit \(8MB; raise "):
        open_flows(FlowsOptions(str(tmp_path), memory_limit="8MB")).store.close()
