"""Shards and merge: scanning accounts on several machines and merging the reports gives
exactly the reports of one machine scanning them all."""

from __future__ import annotations

import json
from pathlib import Path

import boto3
from click.testing import CliRunner

from scanner.cli import cli
from scanner.shard import shard_of
from tests.conftest import AwsEnv

POLICIES = str(Path(__file__).resolve().parents[2] / "policies")
REGION = "us-east-1"


def pick_accounts() -> list[str]:
    """Three account ids that do not all land in the same one of two shards."""
    candidates = [f"{n:012d}" for n in range(111111111111, 999999999999, 111111111111)]
    first = [a for a in candidates if shard_of(a, 2) == 1][:2]
    second = [a for a in candidates if shard_of(a, 2) == 2][:1]
    return sorted(first + second)


def ec2_in(aws: AwsEnv, account: str) -> object:
    creds = aws.client("sts", REGION).assume_role(
        RoleArn=f"arn:aws:iam::{account}:role/netwarden-audit", RoleSessionName="setup"
    )["Credentials"]
    return boto3.client(
        "ec2",
        region_name=REGION,
        endpoint_url=aws.endpoint_url,
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
    )


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def test_merged_shards_are_byte_identical_to_one_run(aws: AwsEnv, tmp_path: Path) -> None:
    accounts = pick_accounts()
    roles = [
        a
        for account in accounts
        for a in ("--role-arn", f"arn:aws:iam::{account}:role/netwarden-audit")
    ]
    for index, account in enumerate(accounts):
        ec2 = ec2_in(aws, account)
        vpc = ec2.create_vpc(CidrBlock=f"10.{index}.0.0/16")["Vpc"]["VpcId"]  # type: ignore[attr-defined]
        ec2.create_security_group(GroupName="web", Description="web", VpcId=vpc)  # type: ignore[attr-defined]
    baselines = str(tmp_path / "baselines")
    first = tmp_path / "first.json"
    assert invoke("collect", "-o", str(first), "--regions", REGION, *roles)[0] == 0
    assert (
        invoke("baseline", "create", "--snapshot", str(first), "--baseline-dir", baselines)[0] == 0
    )
    # Drift and violations in two of the accounts.
    for account in accounts[:2]:
        ec2 = ec2_in(aws, account)
        group = ec2.describe_security_groups(  # type: ignore[attr-defined]
            Filters=[{"Name": "group-name", "Values": ["web"]}]
        )["SecurityGroups"][0]["GroupId"]
        ec2.authorize_security_group_ingress(  # type: ignore[attr-defined]
            GroupId=group,
            IpPermissions=[
                {
                    "IpProtocol": "tcp",
                    "FromPort": 22,
                    "ToPort": 22,
                    "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
                }
            ],
        )
    snapshot = tmp_path / "snapshot.json"
    assert invoke("collect", "-o", str(snapshot), "--regions", REGION, *roles)[0] == 0
    # Names as an accounts file gives them: the merged reports must name every account.
    document = json.loads(snapshot.read_text())
    for index, account in enumerate(accounts):
        document["accounts"][account]["name"] = f"team-{index}"
    snapshot.write_text(json.dumps(document))

    common = ["--snapshot", str(snapshot), "--baseline-dir", baselines, "--policies", POLICIES]
    code, output = invoke("scan", *common, "-o", str(tmp_path / "single"))
    assert code == 1, output
    shard_dirs = []
    for k in (1, 2):
        out = tmp_path / f"shard{k}"
        code, output = invoke("scan", *common, "--shard", f"{k}/2", "-o", str(out))
        assert code in (0, 1), output
        shard_dirs.append(str(out))
        shard_accounts = json.loads((out / "findings.json").read_text())["run"]["accounts"]
        assert shard_accounts and set(shard_accounts) < set(accounts)
    code, output = invoke(
        "report", "merge", *shard_dirs, "-o", str(tmp_path / "merged"), "--policies", POLICIES
    )
    assert code == 0, output
    for name in ("netwarden.sarif", "report.md", "findings.json"):
        single = (tmp_path / "single" / name).read_bytes()
        merged = (tmp_path / "merged" / name).read_bytes()
        assert merged == single, name
    run = json.loads((tmp_path / "single" / "findings.json").read_text())["run"]
    assert run["accounts"] == accounts
    assert run["account_names"] == {a: f"team-{i}" for i, a in enumerate(accounts)}
    assert run["api_calls"] == json.loads(snapshot.read_text())["stats"]["api_calls"]


def test_merge_refuses_a_different_policy_pack(tmp_path: Path) -> None:
    shard = tmp_path / "shard"
    shard.mkdir()
    (shard / "findings.json").write_text(
        json.dumps(
            {
                "run": {
                    "policy_pack": {"digest": "0" * 64, "dir": "policies"},
                    "tool_version": "x",
                    "collected_at": "t",
                    "accounts": [],
                    "regions": [],
                    "baseline": {"dir": "b", "commit": None},
                },
                "findings": [],
            }
        )
    )
    code, output = invoke(
        "report", "merge", str(shard), "-o", str(tmp_path / "m"), "--policies", POLICIES
    )
    assert code == 2 and "another policy pack" in output
