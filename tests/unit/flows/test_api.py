"""The flows library call: the request's Athena options, its input checks (before any file is
read or AWS called) and the exit code."""

from __future__ import annotations

import pytest

from scanner.errors import InputError
from scanner.flows.api import FlowsRequest, athena_options, exit_code, query_flows
from scanner.flows.athena import DEFAULT_FORMAT_COLUMNS
from scanner.flows.run import FlowsReport


def test_the_default_athena_options_are_the_ddl_defaults() -> None:
    options = athena_options(FlowsRequest(engine="athena"))
    assert (options.database, options.table, options.layout) == ("default", "vpc_flow_logs", "aws")
    assert options.workgroup is None and options.output is None
    assert options.columns == DEFAULT_FORMAT_COLUMNS


def test_athena_options_carry_the_request() -> None:
    options = athena_options(
        FlowsRequest(
            engine="athena",
            athena_database="net",
            athena_table="flows_2026",
            athena_workgroup="secops",
            athena_output="s3://results-bucket/netwarden/",
            athena_layout="hive",
            athena_fields="${version} ${srcaddr} ${dstaddr}",
        )
    )
    assert (options.database, options.table, options.workgroup) == ("net", "flows_2026", "secops")
    # One trailing slash, whatever was given: Athena writes below the prefix.
    assert options.output == "s3://results-bucket/netwarden/"
    assert options.layout == "hive"
    assert options.columns == ("version", "srcaddr", "dstaddr")


def test_all_fields_is_the_parquet_tables_every_column() -> None:
    columns = athena_options(FlowsRequest(athena_fields="all")).columns
    assert len(columns) > len(DEFAULT_FORMAT_COLUMNS)
    assert set(DEFAULT_FORMAT_COLUMNS) < set(columns)


@pytest.mark.parametrize(
    ("request_", "message"),
    [
        (FlowsRequest(athena_database="Net-1"), "--athena-database"),
        (FlowsRequest(athena_table="t; DROP TABLE x"), "--athena-table"),
        (FlowsRequest(athena_output="https://example.com/x"), "--athena-output"),
        (FlowsRequest(athena_fields="${version} ${nosuchfield}"), "nosuchfield"),
    ],
)
def test_a_name_written_into_sql_is_checked(request_: FlowsRequest, message: str) -> None:
    with pytest.raises(InputError, match=message.replace("$", r"\$")):
        athena_options(request_)


@pytest.mark.parametrize(
    ("request_", "message"),
    [
        (FlowsRequest(), "--source is required"),
        (FlowsRequest(source="x", since="yesterday-ish"), "--since"),
        (FlowsRequest(source="x", address="10.0.0.300"), "--address"),
        (FlowsRequest(source="x", queries=("NoSuchQuery",)), "no such query 'NoSuchQuery'"),
        (FlowsRequest(source="x", queries=("TrafficFrmSrcAddr",)), "needs --address"),
        (FlowsRequest(source="x", engine="spark"), "--engine"),
        (FlowsRequest(engine="athena", athena_table="Bad"), "--athena-table"),
    ],
)
def test_bad_input_is_refused_before_anything_is_read(request_: FlowsRequest, message: str) -> None:
    # The source "x" does not exist: reaching it would be a different error.
    with pytest.raises(InputError, match=message):
        query_flows(request_)


def test_lost_flows_make_the_answers_incomplete() -> None:
    assert exit_code(FlowsReport(engine="duckdb", queries=(), skipped_records=0)) == 0
    assert exit_code(FlowsReport(engine="athena", queries=())) == 0
    assert exit_code(FlowsReport(engine="duckdb", queries=(), skipped_records=2)) == 3
