"""`netwarden flows` as docs/contract.md says: one, several or all named queries over a local or
S3 source; text, JSON, Markdown; exit codes; `--engine athena` through moto's Athena (the
call sequence, the statement sent and the results read back); `flows athena-ddl`."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import requests
from click.testing import CliRunner

from scanner.cli import cli
from scanner.flows import synth
from scanner.flows.athena import statement
from scanner.flows.layout import window_from
from scanner.flows.queries import BY_NAME, NAMES
from tests.conftest import AwsEnv
from tests.unit.flows.oracle import expected

ACCT = "123456789012"
DAY = date(2025, 12, 2)
RECORDS = [r for r in synth.generate(800, seed=5) if r["log_status"] != "SKIPDATA"]


def _logs(root: Path, records: list[dict[str, Any]] = RECORDS) -> Path:
    synth.write_text(root / synth.aws_key(ACCT, "eu-west-1", DAY, "a.log.gz"), records)
    return root


def _invoke(*args: str) -> Any:
    return CliRunner().invoke(cli, ["flows", *args])


def test_all_queries_json(tmp_path: Path) -> None:
    result = _invoke("--source", str(_logs(tmp_path)), "--format", "json",
                     "--address", "203.0.113.7")  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert list(data["queries"]) == list(NAMES)
    assert (data["files"], data["records"], data["skipped_records"]) == (1, len(RECORDS), 0)
    top = data["queries"]["TopTalkers"]
    assert top["sql"] == BY_NAME["TopTalkers"].sql
    assert top["columns"] == ["srcaddr", "bytes", "flows", "packets"]
    written = [{k: v for k, v in r.items() if k.replace("_", "-") in synth.DEFAULT_FORMAT
                or k in ("account_id", "interface_id", "log_status")} for r in RECORDS]  # fmt: skip
    assert [tuple(r) for r in top["rows"]] == expected("TopTalkers", written)
    to_dst = data["queries"]["TrafficToDstAddr"]
    assert [tuple(r) for r in to_dst["rows"]] == expected(
        "TrafficToDstAddr", written, "203.0.113.7"
    )


def test_several_queries_text_and_markdown(tmp_path: Path) -> None:
    src = str(_logs(tmp_path))
    text = _invoke("--source", src, "--query", "TopTalkers", "--query", "SshRdpTraffic")
    assert text.exit_code == 0, text.output
    assert "SshRdpTraffic: SSH and RDP flows" in text.stdout
    assert text.stdout.index("SshRdpTraffic") < text.stdout.index("TopTalkers:")
    assert "AcceptedTraffic" not in text.stdout
    md = _invoke("--source", src, "--query", "TopTalkers", "--format", "markdown")
    assert md.exit_code == 0
    assert "## TopTalkers: Source addresses by bytes sent" in md.stdout
    assert "| srcaddr " in md.stdout


def test_window_and_skipdata_exit_3(tmp_path: Path) -> None:
    records = [*RECORDS, {"version": 2, "account_id": ACCT, "interface_id": "eni-1",
                          "start": RECORDS[0]["start"], "end": RECORDS[0]["end"],
                          "log_status": "SKIPDATA"}]  # fmt: skip
    src = str(_logs(tmp_path, records))
    result = _invoke("--source", src, "--query", "TopTalkers", "--format", "json",
                     "--since", "2025-12-02", "--until", "2025-12-03")  # fmt: skip
    assert result.exit_code == 3
    assert json.loads(result.stdout)["skipped_records"] == 1
    assert "SKIPDATA" in result.stderr
    outside = _invoke("--source", src, "--format", "json", "--since", "2025-12-05")
    assert outside.exit_code == 0
    assert json.loads(outside.stdout)["files"] == 0


def test_hostile_values_are_one_line_and_escaped(tmp_path: Path) -> None:
    path = tmp_path / synth.aws_key(ACCT, "eu-west-1", DAY, "evil.log")
    path.parent.mkdir(parents=True)
    evil = "2 123456789012 eni-1 \x1b[31m|x 10.0.0.1 1 22 6 1 100 1764633600 1764633660 ACCEPT OK"
    path.write_text(" ".join(synth.DEFAULT_FORMAT) + "\n" + evil + "\n")
    text = _invoke("--source", str(tmp_path), "--query", "TopTalkers")
    assert "\x1b" not in text.stdout and "\\x1b[31m|x" in text.stdout
    md = _invoke("--source", str(tmp_path), "--query", "TopTalkers", "--format", "markdown")
    assert "\x1b" not in md.stdout and "\\|x" in md.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--query", "Nope"], "no such query"),
        (["--query", "TrafficFrmSrcAddr"], "needs --address"),
        (["--address", "not-an-ip"], "not an IP address"),
        (["--since", "last tuesday"], "--since"),
    ],
)
def test_bad_input_exit_2(tmp_path: Path, args: list[str], message: str) -> None:
    result = _invoke("--source", str(_logs(tmp_path)), *args)
    assert result.exit_code == 2
    assert message in result.stderr


def test_missing_source_exit_2(tmp_path: Path) -> None:
    assert _invoke().exit_code == 2
    missing = _invoke("--source", str(tmp_path / "none"))
    assert missing.exit_code == 2 and "no such directory" in missing.stderr


def test_s3_source(aws: AwsEnv, tmp_path: Path) -> None:
    s3 = aws.client("s3")
    s3.create_bucket(Bucket="flow-logs")
    key = synth.aws_key(ACCT, "eu-west-1", DAY, "a.log.gz", "vpc")
    s3.upload_file(str(synth.write_text(tmp_path / "a.log.gz", RECORDS)), "flow-logs", key)
    result = _invoke("--source", "s3://flow-logs/vpc", "--query", "TotalBytesTransferred",
                     "--format", "json")  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["files"] == 1
    rows = data["queries"]["TotalBytesTransferred"]["rows"]
    assert len(rows) == 50 and rows[0][2] >= rows[-1][2]


def test_all_sixteen_queries_on_local_and_s3_sources(aws: AwsEnv, tmp_path: Path) -> None:
    """Every query, from a directory and from the same objects in S3 (both layouts, text and
    Parquet): the rows the oracle computes, the same from both sources, and the text run is
    the query's one SQL text."""
    # NODATA records stay (counted, no flow); SKIPDATA would make the exit 3.
    records = [r for r in synth.generate(1500, seed=16) if r["log_status"] != "SKIPDATA"]
    records += [dict(r, start=r["start"] + 1) for r in records[:100]]  # ties on the measure
    third = len(records) // 3
    parts = {
        synth.aws_key(ACCT, "eu-west-1", DAY, "a.log.gz", "vpc"): records[:third],
        synth.hive_key(ACCT, "eu-west-1", DAY, "b.log.gz", "vpc"): records[third : 2 * third],
        synth.aws_key(ACCT, "eu-west-1", DAY, "c.log.parquet", "vpc"): records[2 * third :],
    }
    s3 = aws.client("s3")
    s3.create_bucket(Bucket="all-queries")
    local = tmp_path / "local"
    for key, rows in parts.items():
        write = synth.write_parquet if key.endswith(".parquet") else synth.write_text
        path = write(local / key, rows, synth.CUSTOM_V5)
        s3.upload_file(str(path), "all-queries", key)
    address = "203.0.113.7"
    answers = {}
    for source in (str(local / "vpc"), "s3://all-queries/vpc/"):
        result = _invoke("--source", source, "--format", "json", "--address", address)
        assert result.exit_code == 0, result.output
        answers[source] = json.loads(result.stdout)
        assert answers[source]["files"] == 3 and list(answers[source]["queries"]) == list(NAMES)
    from_dir, from_s3 = answers.values()
    assert from_dir["queries"] == from_s3["queries"]
    for name, answer in from_s3["queries"].items():
        want = expected(name, records, address)
        assert want, f"the records must exercise {name}"
        assert [tuple(r) for r in answer["rows"]] == want, name
        assert answer["sql"] == BY_NAME[name].sql


def _seed_athena(aws: AwsEnv, results: list[dict[str, Any]]) -> None:
    response = requests.post(
        f"{aws.endpoint_url}/moto-api/static/athena/query-results",
        json={"account_id": ACCT, "region": "us-east-1", "results": results},
        timeout=10,
    )
    assert response.status_code == 201


def test_athena_engine_call_sequence(aws: AwsEnv) -> None:
    athena = aws.client("athena")
    athena.create_work_group(Name="netwarden", Configuration={})
    kinds = [
        ("srcaddr", "varchar"),
        ("bytes", "bigint"),
        ("flows", "bigint"),
        ("packets", "bigint"),
    ]
    info = [{"Name": n, "Type": t} for n, t in kinds]
    header = {"Data": [{"VarCharValue": c["Name"]} for c in info]}
    _seed_athena(aws, [
        {"rows": [header, {"Data": [{"VarCharValue": "203.0.113.9"}, {"VarCharValue": "900"},
                                    {"VarCharValue": "3"}, {"VarCharValue": "9"}]}],
         "column_info": info},
        {"rows": [], "column_info": []},
    ])  # fmt: skip
    result = _invoke(
        "--engine", "athena", "--query", "TopTalkers", "--query", "TrafficToDstAddr",
        "--address", "10.0.0.5", "--athena-database", "netsec", "--athena-table", "flows",
        "--athena-workgroup", "netwarden", "--athena-output", "s3://athena-out/nw",
        "--since", "2025-12-02", "--until", "2025-12-03", "--format", "json",
        "--region", "us-east-1",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["engine"] == "athena"
    assert data["queries"]["TopTalkers"]["rows"] == [["203.0.113.9", 900, 3, 9]]
    assert data["queries"]["TrafficToDstAddr"]["rows"] == []
    window = window_from("2025-12-02", "2025-12-03")
    sent = {}
    for execution_id in athena.list_query_executions(WorkGroup="netwarden")["QueryExecutionIds"]:
        ex = athena.get_query_execution(QueryExecutionId=execution_id)["QueryExecution"]
        sent[ex["Query"]] = ex
    top_sql = statement(BY_NAME["TopTalkers"], "netsec", "flows", window)
    dst_sql = statement(BY_NAME["TrafficToDstAddr"], "netsec", "flows", window)
    assert set(sent) == {top_sql, dst_sql}
    assert sent[top_sql]["QueryExecutionContext"]["Database"] == "netsec"
    assert sent[top_sql]["ResultConfiguration"]["OutputLocation"].startswith("s3://athena-out/nw/")
    assert sent[dst_sql]["ExecutionParameters"] == ["'10.0.0.5'"]
    assert "day >= '2025/12/02' AND day <= '2025/12/03'" in top_sql


def test_athena_unknown_workgroup_is_an_error(aws: AwsEnv) -> None:
    result = _invoke("--engine", "athena", "--query", "TopTalkers",
                     "--athena-workgroup", "missing", "--region", "us-east-1")  # fmt: skip
    assert result.exit_code == 2
    assert "Athena: InvalidRequestException: WorkGroup does not exist" in result.stderr


def test_athena_ddl_command() -> None:
    location = f"s3://flow-logs/AWSLogs/{ACCT}/vpcflowlogs/eu-west-1"
    result = CliRunner().invoke(cli, ["flows", "athena-ddl", "--location", location])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("CREATE EXTERNAL TABLE IF NOT EXISTS `vpc_flow_logs`")
    assert all(f"-- {name}: " in result.stdout for name in NAMES)
    bad = CliRunner().invoke(cli, ["flows", "athena-ddl", "--location", "s3://flow-logs/p"])
    assert bad.exit_code == 2 and "--account" in bad.stderr
