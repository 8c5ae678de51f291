"""``netwarden flows`` as a library call, with no click and no printing::

    report = query_flows(FlowsRequest(source="flowlogs/", since="24h", queries=("TopTalkers",)))
    for result in report.queries:
        print(result.name, result.rows[:3])
    raise SystemExit(exit_code(report))

The command parses its options into a :class:`FlowsRequest` and prints the report. Bad input
(a window, an address, a query name, an Athena name or location, a missing source) raises
:class:`scanner.errors.InputError` before any file is read or any AWS call is made.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from scanner.errors import ExitCode, InputError

if TYPE_CHECKING:
    from scanner.flows.athena import AthenaOptions
    from scanner.flows.dataset import FlowProgress
    from scanner.flows.run import FlowsReport

ENGINES = ("duckdb", "athena")
ATHENA_LAYOUTS = ("aws", "hive")


@dataclass(frozen=True, kw_only=True)
class FlowsRequest:
    """What ``netwarden flows`` is asked; every field has the command line's default."""

    # s3://bucket/prefix or a local directory (DuckDB; Athena reads its table instead).
    source: str | None = None
    # The window: ISO 8601 (UTC unless an offset is given) or 24h/7d ago; until is exclusive.
    since: str | None = None
    until: str | None = None
    # Named queries to run, by name; empty: all (the address queries only with ``address``).
    queries: tuple[str, ...] = ()
    address: str | None = None
    engine: str = "duckdb"
    athena_database: str = "default"
    athena_table: str = "vpc_flow_logs"
    athena_workgroup: str | None = None
    athena_output: str | None = None  # s3:// location for Athena's results
    athena_layout: str = "aws"
    # The Athena table's columns, as `flows athena-ddl --fields` made it; "all": Parquet's.
    athena_fields: str | None = None
    profile: str | None = None
    region: str | None = None  # Athena's (default: the profile's)
    endpoint_url: str | None = None
    memory_limit: str = "1GB"  # DuckDB's; past it DuckDB spills to a temporary directory


def athena_options(request: FlowsRequest) -> AthenaOptions:
    """The Athena table and where its results go, checked (pure): names and locations are
    written into SQL, so a bad one is an ``InputError`` naming its option."""
    from scanner.flows.athena import (
        AthenaOptions,
        check_location,
        check_name,
        parse_fields,
        table_columns,
    )

    if request.athena_fields == "all":
        columns = table_columns((), "parquet")
    else:
        columns = table_columns(parse_fields(request.athena_fields), "text")
    output = request.athena_output
    return AthenaOptions(
        database=check_name(request.athena_database, "--athena-database"),
        table=check_name(request.athena_table, "--athena-table"),
        workgroup=request.athena_workgroup,
        output=check_location(output, "--athena-output") + "/" if output else None,
        layout="hive" if request.athena_layout == "hive" else "aws",
        columns=columns,
    )


def query_flows(request: FlowsRequest, on_progress: FlowProgress | None = None) -> FlowsReport:
    """Run the named queries over the window's flow logs, on DuckDB (the files are read
    here; ``on_progress`` hears of downloads and loading) or on Athena."""
    from scanner.flows.layout import window_from
    from scanner.flows.queries import choose, parse_address

    if request.engine not in ENGINES:
        raise InputError(f"--engine: one of {', '.join(ENGINES)}: {request.engine!r}")
    window = window_from(request.since, request.until)
    ip = parse_address(request.address)
    queries = choose(list(request.queries), ip)
    if request.engine == "athena":
        from scanner.flows.athena import athena_client, run_athena

        options = athena_options(request)
        client = athena_client(request.profile, request.region, request.endpoint_url)
        return run_athena(client, queries, ip, window, options)
    if not request.source:
        raise InputError("--source is required (s3://bucket/prefix or a directory)")
    from scanner.flows.dataset import FlowsOptions
    from scanner.flows.run import run_duckdb

    flow_options = FlowsOptions(
        request.source, window, request.profile, request.endpoint_url, request.memory_limit
    )
    return run_duckdb(flow_options, queries, ip, on_progress)


def exit_code(report: FlowsReport) -> int:
    """3 when AWS lost flows in the window (SKIPDATA records: the answers are incomplete),
    else 0."""
    return ExitCode.INCOMPLETE if report.skipped_records else ExitCode.OK
