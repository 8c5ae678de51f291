"""The Athena side cannot drift from DuckDB's: every named query's whole Athena statement
(window CTE over the partitioned table, then the shared text) runs back through DuckDB on
the same records and gives DuckDB's answer; each parses as Trino; the DDL is as Athena
needs it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest
import sqlglot

from scanner.errors import InputError
from scanner.flows import synth
from scanner.flows.athena import (
    check_location,
    ddl,
    named_queries_text,
    parse_fields,
    partition_predicate,
    statement,
    table_columns,
)
from scanner.flows.dataset import FlowsOptions, open_flows
from scanner.flows.fields import COLUMN_TYPES, DUCKDB_TYPES, column_name
from scanner.flows.layout import Window
from scanner.flows.queries import QUERIES, parameters
from tests.unit.flows.oracle import expected

ACCT = "123456789012"
ADDRESS = "203.0.113.7"
DAY0 = date(2025, 12, 1)
T0 = int(datetime(2025, 12, 1, tzinfo=UTC).timestamp())
# Three days of records; each file lands in the folder of the day its records started.
RECORDS = synth.generate(4000, seed=41, start=T0, span=3 * 86_400)
WINDOW = Window(datetime(2025, 12, 2, 6, tzinfo=UTC), datetime(2025, 12, 3, tzinfo=UTC))
FIELDS = synth.CUSTOM_V5  # a custom order: a text table's columns follow the file


def _day_of(record: dict[str, Any]) -> date:
    return datetime.fromtimestamp(record["start"], UTC).date()


def _in_window(record: dict[str, Any]) -> bool:
    since, until = WINDOW.since_epoch(), WINDOW.until_epoch()
    assert since is not None and until is not None
    return record["end"] >= since and record["start"] < until


@pytest.fixture(scope="module")
def duck(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The records as files for the DuckDB engine, and as the Athena tables (both layouts,
    partition columns from the folders) in one DuckDB database."""
    root: Path = tmp_path_factory.mktemp("flows")
    days = sorted({_day_of(r) for r in RECORDS})
    for day in days:
        rows = [r for r in RECORDS if _day_of(r) == day]
        synth.write_text(root / synth.aws_key(ACCT, "eu-west-1", day, "a.log.gz"), rows, FIELDS)
    opened = open_flows(FlowsOptions(str(root), WINDOW))
    db = duckdb.connect()
    db.execute("CREATE SCHEMA flowsdb")
    # Read back from the files as Athena would: typed columns, the partition from the path.
    typed = ", ".join(
        f'TRY_CAST("{f}" AS {DUCKDB_TYPES[COLUMN_TYPES[column_name(f)]]}) AS "{column_name(f)}"'
        for f in FIELDS
    )
    files = (
        f"read_csv('{root}/**/*.log.gz', delim=' ', header=true, nullstr='-', "
        "all_varchar=true, filename=true)"
    )
    day = r"regexp_extract(filename, '/(\d{4}/\d{2}/\d{2})/', 1)"
    db.execute(f"CREATE TABLE flowsdb.aws_t AS SELECT {typed}, {day} AS day FROM {files}")
    db.execute(
        f"CREATE TABLE flowsdb.hive_t AS SELECT {typed}, substr({day}, 1, 4) AS year, "
        f"substr({day}, 6, 2) AS month, substr({day}, 9, 2) AS day FROM {files}"
    )
    assert db.execute("SELECT count(*) FROM flowsdb.hive_t").fetchone() == (len(RECORDS),)
    yield opened, db
    opened.store.close()
    db.close()


@pytest.mark.parametrize("layout", ["aws", "hive"])
@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.name)
def test_athena_statement_equals_duckdb_engine(query: Any, layout: str, duck: Any) -> None:
    opened, db = duck
    params = parameters(query, ADDRESS)
    _cols, here = opened.store.query(query.sql, params)
    names = table_columns(FIELDS, "text")
    athena_sql = statement(query, "flowsdb", f"{layout}_t", WINDOW, layout, names)  # type: ignore[arg-type]
    cursor = db.execute(athena_sql, params)
    assert tuple(d[0] for d in cursor.description) == query.columns
    there = cursor.fetchall()
    assert there == here
    want = expected(query.name, [r for r in RECORDS if _in_window(r)], ADDRESS)
    assert [tuple(r) for r in there] == want
    assert want, "the data must exercise the query"


@pytest.mark.parametrize("layout", ["aws", "hive"])
@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.name)
def test_athena_runs_the_one_text_duckdb_runs(query: Any, layout: str) -> None:
    """The Athena statement is a relation over the table, then the query's own text: the
    same characters DuckDB runs, once, at the end; athena-ddl prints that statement."""
    for window in (Window(), WINDOW):
        sent = statement(query, "flowsdb", "t", window, layout)  # type: ignore[arg-type]
        relation = sent.removesuffix(f"\n)\n{query.sql}")
        assert relation != sent and query.sql not in relation
        assert relation.startswith("WITH vpc_flow_logs AS (")
    listed = named_queries_text("flowsdb", "t", layout)  # type: ignore[arg-type]
    assert f"{statement(query, 'flowsdb', 't', layout=layout)};" in listed  # type: ignore[arg-type]


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.name)
def test_statement_parses_as_trino(query: Any) -> None:
    sql = statement(query, "default", "vpc_flow_logs", WINDOW, "hive")
    parsed = sqlglot.parse_one(sql, read="trino")
    assert parsed is not None
    # And the shared text alone in both dialects.
    sqlglot.parse_one(query.sql, read="trino")
    sqlglot.parse_one(query.sql, read="duckdb")


def test_partition_predicates_match_the_path_pruning() -> None:
    assert partition_predicate(WINDOW, "aws") == "day >= '2025/12/02' AND day <= '2025/12/03'"
    assert partition_predicate(Window(), "aws") == "TRUE"
    hive = partition_predicate(WINDOW, "hive")
    assert hive == (
        "((year = '2025' AND month = '12' AND day = '02') OR "
        "(year = '2025' AND month = '12' AND day = '03'))"
    )
    long = Window(WINDOW.since, WINDOW.until + timedelta(days=400))  # type: ignore[operator]
    assert partition_predicate(long, "hive") == (
        "(year > '2025' OR (year = '2025' AND (month > '12' OR (month = '12' AND day >= '02'))))"
        " AND "
        "(year < '2027' OR (year = '2027' AND (month < '01' OR (month = '01' AND day <= '07'))))"
    )
    assert partition_predicate(Window(since=WINDOW.since), "aws") == "day >= '2025/12/02'"


def test_ddl_aws_layout_many_accounts() -> None:
    text = ddl("s3://flow-bucket/logs/", "flows", "aws", [ACCT], ["eu-west-1", "us-east-1"])
    assert "CREATE EXTERNAL TABLE IF NOT EXISTS `flows` (" in text
    assert "  `version` int,\n  `account_id` string," in text
    assert "`end` bigint" in text and "`pkt_srcaddr`" not in text  # default format only
    assert "PARTITIONED BY (aws_account_id string, aws_region string, day string)" in text
    assert "ROW FORMAT DELIMITED\nFIELDS TERMINATED BY ' '" in text
    assert "'skip.header.line.count' = '1'" in text
    assert "'projection.aws_region.values' = 'eu-west-1,us-east-1'" in text
    assert "'projection.day.format' = 'yyyy/MM/dd'" in text
    assert (
        "'storage.location.template' = "
        "'s3://flow-bucket/logs/AWSLogs/${aws_account_id}/vpcflowlogs/${aws_region}/${day}'"
    ) in text


def test_ddl_one_account_region_location() -> None:
    text = ddl(f"s3://flow-bucket/AWSLogs/{ACCT}/vpcflowlogs/eu-west-1/")
    assert "PARTITIONED BY (day string)" in text
    assert f"'s3://flow-bucket/AWSLogs/{ACCT}/vpcflowlogs/eu-west-1/${{day}}'" in text


def test_ddl_hive_parquet_custom() -> None:
    text = ddl("s3://flow-bucket/p", "t", "hive", [ACCT], ["eu-west-1"], FIELDS, "parquet")
    assert "STORED AS PARQUET" in text and "skip.header" not in text
    assert "`reject_reason` string" in text  # Parquet maps by name: every field
    assert "'projection.month.digits' = '2'" in text
    assert (
        "s3://flow-bucket/p/AWSLogs/aws-account-id=${aws_account_id}/aws-service=vpcflowlogs/"
        "aws-region=${aws_region}/year=${year}/month=${month}/day=${day}'"
    ) in text


def test_ddl_text_columns_follow_the_format() -> None:
    text = ddl(f"s3://flow-bucket/AWSLogs/{ACCT}/vpcflowlogs/eu-west-1", fields=FIELDS)
    order = [line.split("`")[1] for line in text.splitlines() if line.startswith("  `")]
    assert order == [column_name(f) for f in FIELDS]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: ddl("s3://flow-bucket/p"), "--account"),
        (lambda: ddl("https://x/y"), "--location"),
        (lambda: ddl("s3://flow-bucket/p'; DROP TABLE x; --"), "--location"),
        (
            lambda: ddl("s3://flow-bucket/p", "t;x", accounts=[ACCT], regions=["eu-west-1"]),
            "--table",
        ),
        (lambda: ddl("s3://flow-bucket/p", accounts=["12"], regions=["eu-west-1"]), "--account"),
        (lambda: parse_fields("${version} ${nope}"), "nope"),
        (lambda: check_location("s3://UPPER/x"), "--location"),
    ],
)
def test_ddl_refuses_bad_input(call: Any, message: str) -> None:
    with pytest.raises(InputError, match=message):
        call()


def test_parse_fields_forms() -> None:
    assert parse_fields("${version} ${vpc-id}") == ("version", "vpc-id")
    assert parse_fields("version,srcaddr") == ("version", "srcaddr")
    assert parse_fields(None) == synth.DEFAULT_FORMAT
