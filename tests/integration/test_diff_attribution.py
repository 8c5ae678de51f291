"""`netwarden diff --cloudtrail DIR`: every drift of the incident names who made it."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from scanner.cli import cli
from scanner.demo.cloudtrail import incident_cloudtrail_records, write_trail_files
from scanner.demo.incident import apply_incident
from scanner.demo.seed import assume_role_factory, seed_organisation
from tests.conftest import ACCOUNT, AwsEnv

PRINCIPAL = f"arn:aws:iam::{ACCOUNT}:user/ci-deploy"
KEY = "AKIAIOSFODNN7EXAMPLE"


def test_diff_attributes_each_delta(aws: AwsEnv, tmp_path: Path) -> None:
    seed = seed_organisation(aws.client, regions=("us-east-1",))
    baselines = str(tmp_path / "baselines")
    runner = CliRunner()
    result = runner.invoke(
        cli, ["baseline", "create", "--regions", "us-east-1", "--baseline-dir", baselines]
    )
    assert result.exit_code == 0, result.output
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
