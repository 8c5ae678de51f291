"""Running named queries on an engine, and the one result shape both engines return."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from scanner.flows.dataset import FlowProgress, FlowsOptions, open_flows
from scanner.flows.queries import NamedQuery, parameters


@dataclass(frozen=True)
class QueryResult:
    name: str
    sql: str  # the text the engine ran
    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "sql": self.sql,
            "columns": list(self.columns),
            "rows": [list(r) for r in self.rows],
        }


@dataclass(frozen=True)
class FlowsReport:
    """What ``netwarden flows`` prints. The file and record counts are DuckDB's (Athena
    reports bytes scanned instead, and leaves them None)."""

    engine: str
    queries: tuple[QueryResult, ...]
    files: int | None = None
    records: int | None = None
    skipped_records: int | None = None  # SKIPDATA: records AWS could not capture
    nodata_records: int | None = None
    pruned_files: int | None = None
    notes: tuple[str, ...] = field(default=())
    bytes_scanned: int | None = None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "engine": self.engine,
            "queries": {q.name: q.to_dict() for q in self.queries},
            "files": self.files,
            "records": self.records,
            "skipped_records": self.skipped_records,
            "nodata_records": self.nodata_records,
            "pruned_files": self.pruned_files,
        }
        if self.bytes_scanned is not None:
            data["bytes_scanned"] = self.bytes_scanned
        if self.notes:
            data["notes"] = list(self.notes)
        return data


def _plain(value: Any) -> Any:
    # DuckDB's SUM of BIGINT is a HUGEINT; Python gets an int either way. Decimals and
    # other exotic types do not occur in these queries, but keep JSON-able values only.
    if isinstance(value, int | str | float) or value is None:
        return value
    return str(value)


def run_duckdb(
    options: FlowsOptions,
    queries: Sequence[NamedQuery],
    address: str | None,
    on_progress: FlowProgress | None = None,
) -> FlowsReport:
    """Load the window's files once, then run each query's text on DuckDB."""
    opened = open_flows(options, on_progress)
    try:
        results = []
        for query in queries:
            columns, rows = opened.store.query(query.sql, parameters(query, address))
            results.append(
                QueryResult(
                    query.name,
                    query.sql,
                    tuple(columns),
                    tuple(tuple(_plain(v) for v in row) for row in rows),
                )
            )
    finally:
        opened.store.close()
    stats, selection = opened.stats, opened.selection
    return FlowsReport(
        engine="duckdb",
        queries=tuple(results),
        files=stats.files,
        records=stats.records,
        skipped_records=stats.skipdata,
        nodata_records=stats.nodata,
        pruned_files=selection.pruned,
        notes=selection.notes,
    )
