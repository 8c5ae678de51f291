"""Flow-log files come from a bucket others write: a malformed line is exit 2 naming the file,
never a silent loss of the records around it, and the files read stay the ones under the
source."""

from __future__ import annotations

import gzip
import re
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from scanner.cli import cli
from scanner.errors import InputError
from scanner.flows import synth
from scanner.flows.dataset import FlowsOptions, open_flows
from scanner.flows.layout import Window, classify
from scanner.flows.source import download, list_local
from tests.unit.hostile.test_shell_text import CONTROL

ACCT = "123456789012"
DAY = date(2025, 12, 2)
HEADER = " ".join(synth.DEFAULT_FORMAT)
RECORD = (
    "2 123456789012 eni-1 203.0.113.9 10.0.0.5 50000 22 6 3 180 1764633660 1764633720 ACCEPT OK"
)


def _write(root: Path, *lines: str) -> Path:
    path = root / synth.aws_key(ACCT, "eu-west-1", DAY, "a.log.gz")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode()))
    return path


def _records(root: Path) -> int:
    opened = open_flows(FlowsOptions(str(root), Window()))
    try:
        return opened.stats.records
    finally:
        opened.store.close()


def test_the_records_load(tmp_path: Path) -> None:
    _write(tmp_path, HEADER, RECORD, RECORD)
    assert _records(tmp_path) == 2


@pytest.mark.parametrize(
    "wider",
    [
        RECORD + " extra \x1b]0;pwned\x07",
        # A line shaped as a header of the attacker's choosing: DuckDB took it for the header.
        "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets "
        "bytes start end action log-status x",
    ],
)
def test_a_wider_line_below_records_is_refused_not_taken_for_the_header(
    tmp_path: Path, wider: str
) -> None:
    # DuckDB's sniffer took the widest line for the header and dropped the two records
    # above it: 0 records and exit 0.
    path = _write(tmp_path, HEADER, RECORD, RECORD, wider)
    with pytest.raises(InputError) as info:
        _records(tmp_path)
    assert info.value.path == str(path)


def test_a_line_starting_with_a_hash_is_a_record_not_a_comment(tmp_path: Path) -> None:
    _write(tmp_path, HEADER, RECORD, "#" + RECORD)
    assert _records(tmp_path) == 2


def test_a_malformed_line_is_quoted_on_the_terminal_without_its_escapes(tmp_path: Path) -> None:
    # Past the rows DuckDB sniffs, its error quotes the line ("Original Line: ..."); it
    # reached the terminal raw: an OSC sequence retitling the window, and a screen clear.
    _write(tmp_path, HEADER, *[RECORD] * 25_000, "2 123456789012 eni-1 \x1b]0;pwned\x07\x1b[2J")
    result = CliRunner().invoke(cli, ["flows", "--source", str(tmp_path)])
    assert result.exit_code == 2, result.output
    assert "Original Line" in result.output and "\\x1b]0;pwned\\x07" in result.output
    assert CONTROL.search(result.output.replace("\n", "")) is None


@pytest.mark.parametrize("parquet", [False, True])
def test_a_folder_named_after_a_field_does_not_override_the_records(
    tmp_path: Path, parquet: bool
) -> None:
    # DuckDB read `name=value` folders as Hive partition columns: `srcaddr=192.0.2.66` and
    # `action=REJECT` replaced the file's own values in every record below them.
    name = "a.log.parquet" if parquet else "a.log.gz"
    key = synth.hive_key(ACCT, "eu-west-1", DAY, f"action=REJECT/srcaddr=192.0.2.66/{name}")
    record = {
        "version": 2, "account_id": ACCT, "interface_id": "eni-1", "srcaddr": "203.0.113.9",
        "dstaddr": "10.0.0.5", "srcport": 50000, "dstport": 22, "protocol": 6, "packets": 3,
        "bytes": 180, "start": 1764633660, "end": 1764633720, "action": "ACCEPT",
        "log_status": "OK",
    }  # fmt: skip
    if parquet:
        synth.write_parquet(tmp_path / key, [record])
    else:
        synth.write_text(tmp_path / key, [record])
    opened = open_flows(FlowsOptions(str(tmp_path), Window()))
    try:
        rows = opened.store.query("SELECT srcaddr, action, account_id FROM vpc_flow_logs")[1]
    finally:
        opened.store.close()
    assert rows == [("203.0.113.9", "ACCEPT", ACCT)]


class _Bucket:
    def download_file(self, bucket: str, key: str, target: str) -> None:
        Path(target).write_bytes(b"x")


@pytest.mark.parametrize(
    ("keys", "words"),
    [
        # An OSError from the local disk was an internal error (exit 4).
        (["p/a.log.gz", "p/a.log.gz/b.log.gz"], "cannot store the object locally"),
        (["p/" + "a" * 300 + ".log.gz"], "cannot store the object locally"),
        # Both were stored at p/x.log.gz and read as two files: every record counted twice.
        (["p//x.log.gz", "p/x.log.gz"], "the same local file as s3://b/p//x.log.gz"),
        (["p/../../x.log.gz"], "'..'"),
    ],
)
def test_an_s3_key_that_cannot_be_stored_locally_is_bad_input(
    tmp_path: Path, keys: list[str], words: str
) -> None:
    files = [classify(key, 1) for key in keys]
    with pytest.raises(InputError, match=re.escape(words)) as info:
        download("s3://b/p", [f for f in files if f is not None], _Bucket(), tmp_path / "d")
    assert info.value.path is not None and info.value.path.startswith("s3://b/p/")
    assert not (tmp_path / "x.log.gz").exists()


def test_a_link_to_a_file_outside_the_source_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "secret.log"
    outside.write_text("root:$6$hash:19000:0:99999:7:::\n")
    source = tmp_path / "src"
    link = source / synth.aws_key(ACCT, "eu-west-1", DAY, "a.log")
    link.parent.mkdir(parents=True)
    link.symlink_to(outside)
    with pytest.raises(InputError, match="outside the source directory") as info:
        list_local(source)
    assert info.value.path == str(link)
    # A link that stays inside the source is read as the file it names.
    link.unlink()
    real = _write(source, HEADER, RECORD)
    (real.parent / "b.log.gz").symlink_to(real.name)
    assert len(list_local(source)) == 2
