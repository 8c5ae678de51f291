"""Flow logs at scale on Athena: the table's DDL (partition projection, both layouts) and
the named queries run through the Athena API.

The named query texts are the ones DuckDB runs (:mod:`scanner.flows.queries`). On Athena the
relation ``vpc_flow_logs`` they read is a ``WITH`` over the partitioned table that keeps the
window's partitions and records and drops NODATA/SKIPDATA, as DuckDB's view does; that prefix
is plain SQL too, and the tests run whole Athena statements back through DuckDB.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal

from scanner.errors import InputError
from scanner.flows.fields import COLUMN_TYPES, COLUMNS, DEFAULT_FORMAT, column_name, quoted
from scanner.flows.layout import Window
from scanner.flows.queries import QUERIES, NamedQuery, parameters
from scanner.flows.reader import OK_RECORDS, window_predicate
from scanner.flows.run import FlowsReport, QueryResult

TableLayout = Literal["aws", "hive"]
FileFormat = Literal["text", "parquet"]
DEFAULT_TABLE = "vpc_flow_logs"
DEFAULT_DATABASE = "default"
PROJECTION_START = "2020/01/01"
MAX_DAY_LIST = 62  # longer windows prune by bounds (an OR per day would be huge)

DEFAULT_FORMAT_COLUMNS = tuple(column_name(f) for f in DEFAULT_FORMAT)
_ATHENA_TYPES = {"int": "int", "bigint": "bigint", "string": "string"}
_SQL_TYPES = {"int": "INTEGER", "bigint": "BIGINT", "string": "VARCHAR"}  # Trino and DuckDB
_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,127}$")
_LOCATION = re.compile(r"^s3://[a-z0-9][a-z0-9.\-]{1,61}[a-z0-9](/[A-Za-z0-9!_.*'()/=\-]*)?$")
_SCOPED = re.compile(r"/AWSLogs/(?P<account>\d{12})/vpcflowlogs/(?P<region>[a-z0-9-]+)/?$")


def check_name(value: str, option: str) -> str:
    """A Glue database or table name: it is written into SQL, so only safe characters."""
    if not _NAME.match(value):
        raise InputError(f"{option}: lowercase letters, digits and '_' only: {value!r}")
    return value


def check_location(value: str, option: str = "--location") -> str:
    if not _LOCATION.match(value):
        raise InputError(f"{option}: not an s3://bucket/prefix location: {value!r}")
    return value.rstrip("/")


def parse_fields(text: str | Sequence[str] | None) -> tuple[str, ...]:
    """A flow log's format as its fields, in order: the LogFormat string
    (``${version} ${vpc-id} ...``) or names separated by spaces or commas; default v2's."""
    if text is None:
        return DEFAULT_FORMAT
    raw = text.replace(",", " ").split() if isinstance(text, str) else list(text)
    fields = tuple(f.strip().removeprefix("${").removesuffix("}").strip() for f in raw)
    unknown = [f for f in fields if column_name(f) not in COLUMN_TYPES]
    if not fields or unknown:
        raise InputError(f"--fields: not a flow-log field: {unknown[0] if unknown else text!r}")
    return fields


def table_columns(fields: Sequence[str], file_format: FileFormat) -> tuple[str, ...]:
    """The table's data columns: a text table's are the format's fields in the file's order
    (Athena maps text columns by position); a Parquet table maps by name, so it has all."""
    if file_format == "parquet":
        return tuple(c for c, _k in COLUMNS)
    return tuple(column_name(f) for f in fields)


def _sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _tblproperty(key: str, value: str) -> str:
    return f"  {_sql_string(key)} = {_sql_string(value)}"


def ddl(
    location: str,
    table: str = DEFAULT_TABLE,
    layout: TableLayout = "aws",
    accounts: Sequence[str] = (),
    regions: Sequence[str] = (),
    fields: Sequence[str] = DEFAULT_FORMAT,
    file_format: FileFormat = "text",
) -> str:
    """``CREATE EXTERNAL TABLE`` for flow logs under ``location`` with partition projection
    (no crawler, no MSCK REPAIR). ``location`` is the prefix above ``AWSLogs/``, or, for the
    AWS layout, one account and region's ``.../AWSLogs/<account>/vpcflowlogs/<region>``."""
    base = check_location(location)
    check_name(table, "--table")
    for account in accounts:
        if not re.fullmatch(r"\d{12}", account):
            raise InputError(f"--account: not a 12-digit account id: {account!r}")
    for region in regions:
        if not re.fullmatch(r"[a-z]{2}(-[a-z]+)+-\d", region):
            raise InputError(f"--region: not a region name: {region!r}")
    names = table_columns(fields, file_format)
    # Athena's DDL is Hive's: backquoted identifiers, not double quotes.
    columns = ",\n".join(f"  `{c}` {_ATHENA_TYPES[COLUMN_TYPES[c]]}" for c in names)
    scoped = _SCOPED.search(base + "/")
    props = [_tblproperty("projection.enabled", "true")]
    if file_format == "text":
        props.insert(0, _tblproperty("skip.header.line.count", "1"))
    if layout == "aws" and scoped:
        partitions = "day string"
        template = f"{base}/${{day}}"
    else:
        if not accounts or not regions:
            raise InputError(
                "name the accounts and regions the table covers (--account, --region), or give "
                "a --location down to .../AWSLogs/<account>/vpcflowlogs/<region>"
            )
        props += [
            _tblproperty("projection.aws_account_id.type", "enum"),
            _tblproperty("projection.aws_account_id.values", ",".join(accounts)),
            _tblproperty("projection.aws_region.type", "enum"),
            _tblproperty("projection.aws_region.values", ",".join(regions)),
        ]
        if layout == "aws":
            partitions = "aws_account_id string, aws_region string, day string"
            template = f"{base}/AWSLogs/${{aws_account_id}}/vpcflowlogs/${{aws_region}}/${{day}}"
        else:
            partitions = (
                "aws_account_id string, aws_region string, year string, month string, day string"
            )
            template = (
                f"{base}/AWSLogs/aws-account-id=${{aws_account_id}}/aws-service=vpcflowlogs/"
                "aws-region=${aws_region}/year=${year}/month=${month}/day=${day}"
            )
    if layout == "aws":
        props += [
            _tblproperty("projection.day.type", "date"),
            _tblproperty("projection.day.format", "yyyy/MM/dd"),
            _tblproperty("projection.day.range", f"{PROJECTION_START},NOW"),
            _tblproperty("projection.day.interval", "1"),
            _tblproperty("projection.day.interval.unit", "DAYS"),
        ]
    else:
        props += [
            _tblproperty("projection.year.type", "integer"),
            _tblproperty("projection.year.range", f"{PROJECTION_START[:4]},2100"),
            _tblproperty("projection.month.type", "integer"),
            _tblproperty("projection.month.range", "1,12"),
            _tblproperty("projection.month.digits", "2"),
            _tblproperty("projection.day.type", "integer"),
            _tblproperty("projection.day.range", "1,31"),
            _tblproperty("projection.day.digits", "2"),
        ]
    props.append(_tblproperty("storage.location.template", template))
    # Athena's DDL is Hive's: backquoted identifiers, not double quotes.
    storage = (
        "STORED AS PARQUET\n"
        if file_format == "parquet"
        else "ROW FORMAT DELIMITED\nFIELDS TERMINATED BY ' '\n"
    )
    return (
        f"CREATE EXTERNAL TABLE IF NOT EXISTS `{table}` (\n{columns}\n)\n"
        f"PARTITIONED BY ({partitions})\n"
        f"{storage}"
        f"LOCATION {_sql_string(base + '/')}\n"
        "TBLPROPERTIES (\n" + ",\n".join(props) + "\n)"
    )


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def partition_predicate(window: Window, layout: TableLayout) -> str:
    """The partitions a window reads: the same delivery days DuckDB's path pruning keeps."""
    first, last = window.days()
    if first is None and last is None:
        return "TRUE"
    if layout == "aws":
        terms = []
        if first is not None:
            terms.append(f"day >= {_sql_string(f'{first:%Y/%m/%d}')}")
        if last is not None:
            terms.append(f"day <= {_sql_string(f'{last:%Y/%m/%d}')}")
        return " AND ".join(terms)
    if first is not None and last is not None and (last - first).days < MAX_DAY_LIST:
        days = [
            f"(year = {_sql_string(f'{d:%Y}')} AND month = {_sql_string(f'{d:%m}')} "
            f"AND day = {_sql_string(f'{d:%d}')})"
            for d in _days(first, last)
        ]
        return "(" + " OR ".join(days) + ")"
    # An open or a long window: the same days as (year, month, day) bounds, compared column
    # by column (the digits are fixed, so the strings compare as the numbers do).
    bounds = []
    if first is not None:
        bounds.append(_hive_bound(first, ">"))
    if last is not None:
        bounds.append(_hive_bound(last, "<"))
    return " AND ".join(bounds)


def _hive_bound(day: date, direction: str) -> str:
    """``(year, month, day) >= day`` (direction ">") or ``<= day`` ("<"), in comparisons of
    the partition columns alone, which Athena's partition projection can prune on."""
    year, month, dom = (
        _sql_string(f"{day:%Y}"),
        _sql_string(f"{day:%m}"),
        _sql_string(f"{day:%d}"),
    )
    return (
        f"(year {direction} {year} OR (year = {year} AND (month {direction} {month} OR "
        f"(month = {month} AND day {direction}= {dom}))))"
    )


def statement(
    query: NamedQuery,
    database: str,
    table: str,
    window: Window = Window(),  # noqa: B008 - frozen and empty
    layout: TableLayout = "aws",
    columns: Sequence[str] | None = None,
) -> str:
    """The whole Athena statement of a named query: the window's relation, then its text.

    The relation has every known column, NULL where the table has none (a version 2 table
    still answers TopTalkersPacketLevel, with no rows), as DuckDB's table does."""
    database = check_name(database, "--athena-database")
    source = f"{quoted(database)}.{quoted(check_name(table, '--athena-table'))}"
    have = set(columns if columns is not None else table_columns(DEFAULT_FORMAT, "text"))
    select = ",\n      ".join(
        quoted(c) if c in have else f"CAST(NULL AS {_SQL_TYPES[k]}) AS {quoted(c)}"
        for c, k in COLUMNS
    )
    partitions = partition_predicate(window, layout)
    inner = f"SELECT\n      {select}\n    FROM {source}"
    if partitions != "TRUE":
        inner += f"\n    WHERE {partitions}"
    # The window and the log status are tested on the projected columns: a table without
    # log_status still has the (NULL) column there.
    keep = " AND ".join(t for t in (window_predicate(window), OK_RECORDS) if t != "TRUE")
    return (
        f"WITH vpc_flow_logs AS (\n  SELECT * FROM (\n    {inner}\n  ) AS records\n"
        f"  WHERE {keep}\n)\n{query.sql}"
    )


def named_queries_text(
    database: str, table: str, layout: TableLayout = "aws", columns: Sequence[str] | None = None
) -> str:
    """Every named query as an Athena statement over the whole table, for athena-ddl."""
    parts = []
    for query in QUERIES:
        note = " (set ? to the address)" if query.address else ""
        text = statement(query, database, table, layout=layout, columns=columns)
        parts.append(f"-- {query.name}: {query.description}{note}\n{text};")
    return "\n\n".join(parts)


@dataclass(frozen=True)
class AthenaOptions:
    database: str = DEFAULT_DATABASE
    table: str = DEFAULT_TABLE
    workgroup: str | None = None
    output: str | None = None  # s3:// location for results (else the workgroup's)
    layout: TableLayout = "aws"
    columns: tuple[str, ...] = DEFAULT_FORMAT_COLUMNS
    poll_seconds: float = 1.0
    timeout_seconds: float = 1800.0


_INTEGER_TYPES = {"tinyint", "smallint", "integer", "int", "bigint"}
_FLOAT_TYPES = {"double", "float", "real", "decimal"}


def _value(datum: dict[str, Any], kind: str) -> Any:
    if "VarCharValue" not in datum:
        return None
    text = datum["VarCharValue"]
    if kind in _INTEGER_TYPES:
        return int(text)
    if kind in _FLOAT_TYPES:
        return float(text)
    return text


def _results(client: Any, execution_id: str) -> tuple[tuple[str, ...], list[tuple[Any, ...]]]:
    columns: tuple[str, ...] = ()
    types: list[str] = []
    rows: list[tuple[Any, ...]] = []
    first_page = True
    for page in client.get_paginator("get_query_results").paginate(QueryExecutionId=execution_id):
        result_set = page.get("ResultSet", {})
        if first_page:
            info = result_set.get("ResultSetMetadata", {}).get("ColumnInfo", [])
            columns = tuple(c.get("Name", "") for c in info)
            types = [str(c.get("Type", "varchar")).lower() for c in info]
        raw = result_set.get("Rows", [])
        if (
            first_page
            and raw
            and columns
            and [d.get("VarCharValue") for d in raw[0].get("Data", [])] == list(columns)
        ):
            raw = raw[1:]  # a SELECT's first row repeats the column names
        first_page = False
        for row in raw:
            data = row.get("Data", [])
            rows.append(
                tuple(
                    _value(d, types[i] if i < len(types) else "varchar") for i, d in enumerate(data)
                )
            )
    return columns, rows


def run_athena(
    client: Any,
    queries: Sequence[NamedQuery],
    address: str | None,
    window: Window,
    options: AthenaOptions,
    sleep: Callable[[float], None] = time.sleep,
    on_query: Callable[[str, str], None] | None = None,
) -> FlowsReport:
    """Each query: StartQueryExecution, poll GetQueryExecution until it ends, then
    GetQueryResults. A failed or cancelled query is an error naming it and Athena's reason."""
    from scanner.flows.source import aws_errors

    with aws_errors("Athena"):
        return _run_athena(client, queries, address, window, options, sleep, on_query)


def _run_athena(
    client: Any,
    queries: Sequence[NamedQuery],
    address: str | None,
    window: Window,
    options: AthenaOptions,
    sleep: Callable[[float], None],
    on_query: Callable[[str, str], None] | None,
) -> FlowsReport:
    results = []
    scanned = 0
    for query in queries:
        sql = statement(
            query, options.database, options.table, window, options.layout, options.columns
        )
        request: dict[str, Any] = {
            "QueryString": sql,
            "QueryExecutionContext": {"Database": options.database},
        }
        if options.workgroup:
            request["WorkGroup"] = options.workgroup
        if options.output:
            request["ResultConfiguration"] = {"OutputLocation": options.output}
        params = parameters(query, address)
        if params:
            # Execution parameters are SQL literals; the address was validated as an IP.
            request["ExecutionParameters"] = [_sql_string(str(p)) for p in params]
        execution_id = client.start_query_execution(**request)["QueryExecutionId"]
        waited = 0.0
        while True:
            execution = client.get_query_execution(QueryExecutionId=execution_id)["QueryExecution"]
            state = execution.get("Status", {}).get("State", "")
            if on_query is not None:
                on_query(query.name, state)
            if state == "SUCCEEDED":
                break
            if state in ("FAILED", "CANCELLED"):
                reason = execution.get("Status", {}).get("StateChangeReason", state)
                raise InputError(f"Athena query {query.name} {state.lower()}: {reason}")
            if waited >= options.timeout_seconds:
                client.stop_query_execution(QueryExecutionId=execution_id)
                raise InputError(
                    f"Athena query {query.name} did not finish in {options.timeout_seconds:.0f} s"
                )
            sleep(options.poll_seconds)
            waited += options.poll_seconds
        scanned += int(execution.get("Statistics", {}).get("DataScannedInBytes", 0) or 0)
        columns, rows = _results(client, execution_id)
        results.append(QueryResult(query.name, sql, columns, tuple(rows)))
    return FlowsReport(engine="athena", queries=tuple(results), bytes_scanned=scanned)


def athena_client(profile: str | None, region: str | None, endpoint_url: str | None) -> Any:
    import boto3

    session = boto3.Session(profile_name=profile) if profile else boto3.Session()
    return session.client("athena", region_name=region, endpoint_url=endpoint_url)
