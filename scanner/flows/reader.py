"""Flow-log records in DuckDB: every selected file loaded once into one typed table.

DuckDB is embedded (no server) and reads gzip text and Parquet itself, several files at a
time on its own threads. The table lives in a database file in a temporary directory, with a
memory limit, so a month of logs is bounded by the disk, not by RAM. Files are loaded in
batches: each batch's header lines give its columns (``union_by_name``, so formats may differ
from file to file), and every batch is projected onto the one schema of
:mod:`scanner.flows.fields`.

The queries see the view :data:`RELATION` (records with ``log-status`` OK, or no such
field); NODATA and SKIPDATA records are only counted.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scanner.errors import InputError
from scanner.flows.fields import COLUMN_TYPES, COLUMNS, DUCKDB_TYPES, column_name, quoted
from scanner.flows.layout import LogFile, Window

TABLE = "flow_records"
RELATION = "vpc_flow_logs"  # the name the named queries use, here and on Athena
BATCH_FILES = 256
# One INSERT holds its rows in memory until it commits, so a batch is also bounded by the
# files' size: 40 files of 250,000 records (7 MB each) in one INSERT ran out of a 1 GB limit,
# one per INSERT loaded in 250 MB. 16 MB of gzip is about 600,000 records.
BATCH_BYTES = 16 * 1024 * 1024
DEFAULT_MEMORY_LIMIT = "1GB"

# A record's values come from its file only. DuckDB otherwise reads every `name=value`
# folder of a path as a column, and one named after a field (`srcaddr=192.0.2.1/`, in a key
# anyone with PutObject on the bucket can write) overrode that field in every record below
# it. AWS's Hive layout names none (aws-account-id, aws-region, year, ...): the window is
# pruned from the path in Python (scanner.flows.layout), not from these columns.
NO_HIVE_COLUMNS = "hive_partitioning=false"

# Records a query sees: real flows only (NODATA/SKIPDATA have no addresses).
OK_RECORDS = "coalesce(log_status, 'OK') = 'OK'"


@dataclass(frozen=True)
class LoadStats:
    """What a load read: files, records in the window, and the records without flows."""

    files: int = 0
    records: int = 0
    nodata: int = 0
    skipdata: int = 0


def _sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _path_list(files: Sequence[LogFile]) -> str:
    return "[" + ", ".join(_sql_string(f.path) for f in files) + "]"


def window_predicate(window: Window, start: str = '"start"', end: str = '"end"') -> str:
    """SQL keeping the records that overlap the window (records without times are kept)."""
    terms = []
    if window.since is not None:
        terms.append(f"({end} IS NULL OR {end} >= {window.since_epoch()})")
    if window.until is not None:
        terms.append(f"({start} IS NULL OR {start} < {window.until_epoch()})")
    return " AND ".join(terms) or "TRUE"


def projection(present: Sequence[str]) -> str:
    """The SELECT list mapping a batch's own columns (header names, ``-`` or ``_``) onto
    every known column, cast to its type; a malformed value becomes NULL, not an error."""
    by_column: dict[str, str] = {}
    for name in present:
        by_column.setdefault(column_name(name), name)
    items = []
    for column, kind in COLUMNS:
        sql_type = DUCKDB_TYPES[kind]
        source = by_column.get(column)
        if source is None:
            items.append(f"CAST(NULL AS {sql_type}) AS {quoted(column)}")
        else:
            items.append(f"TRY_CAST({quoted(source)} AS {sql_type}) AS {quoted(column)}")
    return ", ".join(items)


class FlowStore:
    """A DuckDB database of flow records, in its own temporary directory (removed on close)."""

    def __init__(
        self,
        memory_limit: str = DEFAULT_MEMORY_LIMIT,
        threads: int | None = None,
        workdir: str | Path | None = None,
    ) -> None:
        import duckdb

        self._dir = Path(tempfile.mkdtemp(prefix="netwarden-flows-", dir=workdir))
        self.connection: Any = duckdb.connect(str(self._dir / "flows.duckdb"))
        settings = {
            "memory_limit": memory_limit,
            "temp_directory": str(self._dir / "spill"),
            # Loading needs no row order, and keeping it costs memory.
            "preserve_insertion_order": "false",
        }
        if threads:
            settings["threads"] = str(threads)
        for name, value in settings.items():
            self.connection.execute(f"SET {name} = {_sql_string(value)}")
        columns = ", ".join(f"{quoted(c)} {DUCKDB_TYPES[k]}" for c, k in COLUMNS)
        self.connection.execute(f"CREATE TABLE {TABLE} ({columns})")
        self.connection.execute(
            f"CREATE VIEW {RELATION} AS SELECT * FROM {TABLE} WHERE {OK_RECORDS}"
        )
        self.stats = LoadStats()
        self.memory_limit = memory_limit

    @property
    def workdir(self) -> Path:
        """A private directory for this store's files (downloads go here too)."""
        return self._dir

    def __enter__(self) -> FlowStore:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        try:
            self.connection.close()
        finally:
            shutil.rmtree(self._dir, ignore_errors=True)

    def load(
        self,
        files: Sequence[LogFile],
        window: Window,
        on_batch: Callable[[int, int], None] | None = None,
    ) -> LoadStats:
        """Load the files' records that overlap the window; ``on_batch(done, total)`` after
        each batch of files."""
        text = [f for f in files if f.kind == "text"]
        parquet = [f for f in files if f.kind == "parquet"]
        total, done = len(files), 0
        keep = window_predicate(window)
        for kind, group in (("text", text), ("parquet", parquet)):
            for batch in batches(group):
                self._load_batch(kind, batch, keep)
                done += len(batch)
                if on_batch is not None:
                    on_batch(done, total)
        counts = dict(
            self.connection.execute(
                f"SELECT coalesce(log_status, 'OK'), count(*) FROM {TABLE} GROUP BY 1"
            ).fetchall()
        )
        self.stats = LoadStats(
            files=self.stats.files + total,
            records=sum(counts.values()),
            nodata=counts.get("NODATA", 0),
            skipdata=counts.get("SKIPDATA", 0),
        )
        return self.stats

    def _load_batch(self, kind: str, batch: Sequence[LogFile], keep: str) -> None:
        import duckdb

        paths = _path_list(batch)
        if kind == "text":
            # Every value as text, cast by the projection: one file's column is never
            # guessed as a number and another's as text. AWS writes `-` for "no value".
            # The header is the first line and no line is a comment: left to sniff them,
            # DuckDB takes a wider line further down for the header and drops every record
            # above it without a word, and drops lines that start with `#`.
            reader = (
                f"read_csv({paths}, delim=' ', header=true, skip=0, comment='', nullstr='-', "
                "all_varchar=true, union_by_name=true, quote='', escape='', "
                f"{NO_HIVE_COLUMNS})"
            )
        else:
            reader = f"read_parquet({paths}, union_by_name=true, {NO_HIVE_COLUMNS})"
        try:
            present = [
                row[0]
                for row in self.connection.execute(f"DESCRIBE SELECT * FROM {reader}").fetchall()
            ]
            self.connection.execute(
                f"INSERT INTO {TABLE} SELECT * FROM (SELECT {projection(present)} FROM {reader}) "
                f"WHERE {keep}"
            )
        except duckdb.OutOfMemoryException as exc:
            # Not the file's fault: the limit is too low for what one batch holds.
            raise InputError(
                f"flow logs: DuckDB ran out of memory under its limit "
                f"({self.memory_limit}; raise --memory-limit): {_first_line(str(exc))}"
            ) from None
        except duckdb.Error as exc:
            # DuckDB names the file and line of a malformed record.
            first = (
                batch[0].path if len(batch) == 1 else f"{batch[0].path} (and {len(batch) - 1} more)"
            )
            raise InputError(f"not a readable flow log: {_first_line(str(exc))}", first) from None

    def query(
        self, sql: str, params: Sequence[Any] = ()
    ) -> tuple[list[str], list[tuple[Any, ...]]]:
        """Run one query over :data:`RELATION`; its column names and rows."""
        cursor = self.connection.execute(sql, list(params))
        columns = [d[0] for d in cursor.description]
        return columns, [tuple(row) for row in cursor.fetchall()]


def batches(files: Sequence[LogFile]) -> list[list[LogFile]]:
    """The files in load order, cut into batches of at most :data:`BATCH_FILES` files and
    :data:`BATCH_BYTES` bytes (a file larger than that is a batch of its own)."""
    out: list[list[LogFile]] = []
    size = 0
    for file in files:
        if out and len(out[-1]) < BATCH_FILES and size + file.size <= BATCH_BYTES:
            out[-1].append(file)
            size += file.size
        else:
            out.append([file])
            size = file.size
    return out


def _first_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    return " ".join(lines[:3])[:400]


def known_column(name: str) -> bool:
    return column_name(name) in COLUMN_TYPES
