"""`netwarden diff --cloudtrail DIR`: every drift of the incident names who made it."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from scanner.cli import cli
from scanner.demo.cloudtrail import incident_cloudtrail_records, write_trail_files
from scanner.demo.incident import apply_incident
from scanner.demo.seed import assume_role_factory, seed_organisation
from tests.conftest import ACCOUNT, AwsEnv

PRINCIPAL = f"arn:aws:iam::{ACCOUNT}:user/ci-deploy"
KEY = "AKIAIOSFODNN7EXAMPLE"


def test_diff_attributes_each_delta(aws: AwsEnv, tmp_path: Path) -> None:
    baselines, records, incident = _drifted(aws, tmp_path)
    runner = CliRunner()
    trail = tmp_path / "trail"
    write_trail_files(trail, records, ACCOUNT, "us-east-1")
    result = runner.invoke(
        cli,
        [
            "diff",
            "--regions",
            "us-east-1",
            "--baseline-dir",
            baselines,
            "--format",
            "json",
            "--cloudtrail",
            str(trail),
        ],
    )
    assert result.exit_code == 1, result.output
    drift = json.loads(result.stdout)["drift"]
    assert len(drift) == 7
    for delta in drift:
        who = delta["attribution"]
        assert who is not None, delta["resource_id"]
        assert (who["principal"], who["access_key_id"], who["source_ip"]) == (
            PRINCIPAL,
            KEY,
            "203.0.113.66",
        )
    by_id = {d["resource_id"]: d["attribution"]["event_name"] for d in drift}
    assert by_id[incident.deleted_flow_log_id] == "DeleteFlowLogs"
    assert by_id[incident.exposed_sg_id] == "AuthorizeSecurityGroupIngress"
    assert by_id[incident.rogue_peering_id] == "CreateVpcPeeringConnection"
    assert by_id[incident.nacl_id] == "CreateNetworkAclEntry"
    assert by_id[incident.internal_route_table_id] == "CreateRoute"


def _drifted(aws: AwsEnv, tmp_path: Path) -> tuple[str, list[dict[str, Any]], Any]:
    seed = seed_organisation(aws.client, regions=("us-east-1",))
    baselines = str(tmp_path / "baselines")
    made = CliRunner().invoke(
        cli, ["baseline", "create", "--regions", "us-east-1", "--baseline-dir", baselines]
    )
    assert made.exit_code == 0, made.output
    incident = apply_incident(aws.client, seed, assume_role_factory(aws.client, "999999999999"))
    records = incident_cloudtrail_records(
        incident,
        ACCOUNT,
        "us-east-1",
        principal_arn=PRINCIPAL,
        access_key_id=KEY,
        source_ip="203.0.113.66",
        user_agent="aws-cli/2.15.30",
    )
    return baselines, records, incident


def test_broken_log_files_are_gaps_and_the_rest_attributes(aws: AwsEnv, tmp_path: Path) -> None:
    baselines, records, _ = _drifted(aws, tmp_path)
    trail = tmp_path / "trail"
    write_trail_files(trail, records, ACCOUNT, "us-east-1")
    folder = next(p.parent for p in trail.rglob("*.json.gz"))
    (folder / "corrupt.json.gz").write_bytes(b"\x1f\x8b\x08\x00garbage")
    bomb = gzip.compress(b"\0" * 1024 * 1024, compresslevel=9) * 200  # 200 MiB inflated
    (folder / "bomb.json.gz").write_bytes(bomb)
    forged = {**records[0], "userIdentity": "root", "eventTime": "2099-01-01T00:00:00Z"}
    (folder / "forged.json.gz").write_bytes(
        gzip.compress(json.dumps({"Records": [forged]}).encode())
    )
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli,
        [
            "scan",
            "--regions",
            "us-east-1",
            "--baseline-dir",
            baselines,
            "--cloudtrail",
            str(trail),
            "--output-dir",
            str(out),
            "--format",
            "markdown,json",
        ],
    )
    assert result.exit_code == 1, result.output
    drift = [
        f
        for f in json.loads((out / "findings.json").read_text())["findings"]
        if f["kind"] == "drift"
    ]
    assert len(drift) == 7 and all(f["attribution"]["principal"] == PRINCIPAL for f in drift)
    assert "2099" not in json.dumps(drift)
    warnings = [line for line in result.stderr.splitlines() if "CloudTrail: skipped" in line]
    assert len(warnings) == 3, result.stderr
    assert all(line.startswith("netwarden: warning: CloudTrail: skipped") for line in warnings)
    coverage = (out / "report.md").read_text().split("## Coverage", 1)[1]
    assert coverage.count("**Note (attribution-gap):**") == 3
    assert "corrupt.json.gz" in coverage and "bomb.json.gz" in coverage
    assert "1 malformed record" in coverage


def test_no_such_bucket_is_exit_2_in_one_line(aws: AwsEnv, tmp_path: Path) -> None:
    baselines, _, _ = _drifted(aws, tmp_path)
    result = CliRunner().invoke(
        cli,
        [
            "diff",
            "--regions",
            "us-east-1",
            "--baseline-dir",
            baselines,
            "--cloudtrail",
            "s3://no-such-bucket/AWSLogs",
        ],
    )
    assert result.exit_code == 2, result.output
    assert result.stderr == "netwarden: error: --cloudtrail: no such bucket: no-such-bucket\n"


def test_a_failing_lookup_is_a_gap_not_a_crash(
    aws: AwsEnv, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # moto has no LookupEvents: every call is an HTML 500, as a broken endpoint answers.
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    baselines, _, _ = _drifted(aws, tmp_path)
    result = CliRunner().invoke(
        cli,
        [
            "diff",
            "--regions",
            "us-east-1",
            "--baseline-dir",
            baselines,
            "--format",
            "json",
            "--cloudtrail",
            "lookup",
        ],
    )
    assert result.exit_code == 1, result.output
    assert all(d["attribution"] is None for d in json.loads(result.stdout)["drift"])
    (warning,) = [line for line in result.stderr.splitlines() if "LookupEvents" in line]
    assert warning.startswith(f"netwarden: warning: CloudTrail: skipped LookupEvents in {ACCOUNT}")
    assert "7 drifted resource(s) not looked up" in warning
