"""Attribution reads CloudTrail with the scan's own credentials for each account: with
``--role-arn`` into a second account, the trail bucket and LookupEvents are called with that
role's credentials, never with the default ones the role was assumed from."""

from __future__ import annotations

import gzip
import json
import re
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from click.testing import CliRunner

from scanner.cli import cli
from scanner.demo.seed import assume_role_factory
from scanner.demo.server import MotoServer, WsgiApp
from tests.conftest import point_aws_at

OTHER = "222222222222"
ROLE = f"arn:aws:iam::{OTHER}:role/netwarden-audit"
ATTACKER = f"arn:aws:iam::{OTHER}:user/mallory"
_KEY = re.compile(r"Credential=([^/]+)/\d{8}/[a-z0-9-]+/([a-z0-9-]+)/aws4_request")


class Signers:
    """WSGI middleware recording (service, access key id) of every signed request."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.seen: list[tuple[str, str]] = []

    def __call__(self, app: WsgiApp) -> WsgiApp:
        def wrapped(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
            match = _KEY.search(environ.get("HTTP_AUTHORIZATION", ""))
            if match:
                with self.lock:
                    self.seen.append((match.group(2), match.group(1)))
            return app(environ, start_response)

        return wrapped

    def keys_for(self, service: str) -> set[str]:
        with self.lock:
            return {key for name, key in self.seen if name == service}


@pytest.fixture
def recorded(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, Signers]]:
    signers = Signers()
    server = MotoServer(signers)
    server.start()
    point_aws_at(monkeypatch, server.url)
    try:
        yield server.url, signers
    finally:
        server.stop()


def _record(group_id: str) -> dict[str, Any]:
    return {
        "eventVersion": "1.09",
        "userIdentity": {
            "type": "IAMUser",
            "arn": ATTACKER,
            "accountId": OTHER,
            "accessKeyId": "AKIAEXAMPLEMALLORY01",
        },
        "eventTime": "2026-11-28T03:12:09Z",
        "eventSource": "ec2.amazonaws.com",
        "eventName": "AuthorizeSecurityGroupIngress",
        "awsRegion": "us-east-1",
        "sourceIPAddress": "198.51.100.23",
        "userAgent": "aws-cli/2.15.0",
        "requestParameters": {"groupId": group_id},
        "responseElements": {"_return": True},
        "readOnly": False,
        "recipientAccountId": OTHER,
    }


def test_trail_bucket_and_lookup_use_the_accounts_role(
    recorded: tuple[str, Signers], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url, signers = recorded

    def base(service: str, region: str) -> Any:
        return boto3.client(service, region_name=region, endpoint_url=url)

    other = assume_role_factory(base, OTHER)
    ec2 = other("ec2", "us-east-1")
    vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    group = ec2.create_security_group(GroupName="web", Description="web", VpcId=vpc)["GroupId"]
    baselines = str(tmp_path / "baselines")
    runner = CliRunner()
    scope = ["--regions", "us-east-1", "--role-arn", ROLE, "--baseline-dir", baselines]
    made = runner.invoke(cli, ["baseline", "create", *scope])
    assert made.exit_code == 0, made.output
    assert (tmp_path / "baselines" / OTHER / "us-east-1.yaml").is_file()
    ec2.authorize_security_group_ingress(
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
    s3 = other("s3", "us-east-1")
    s3.create_bucket(Bucket="org-trail")
    s3.put_object(
        Bucket="org-trail",
        Key=f"AWSLogs/{OTHER}/CloudTrail/us-east-1/2026/11/28/{OTHER}_CloudTrail_x.json.gz",
        Body=gzip.compress(json.dumps({"Records": [_record(group)]}).encode()),
    )
    role_keys = signers.keys_for("ec2")
    assert role_keys and "testing" not in role_keys  # the role's own credentials

    with signers.lock:
        signers.seen.clear()
    result = runner.invoke(
        cli, ["diff", *scope, "--format", "json", "--cloudtrail", "s3://org-trail/AWSLogs"]
    )
    assert result.exit_code == 1, (result.output, result.exception)
    (delta,) = json.loads(result.stdout)["drift"]
    assert delta["account"] == OTHER and delta["resource_id"] == group
    assert delta["attribution"]["principal"] == ATTACKER
    s3_keys = signers.keys_for("s3")
    assert s3_keys and "testing" not in s3_keys, s3_keys

    # moto has no LookupEvents (an HTML 500): the call is still made with the role's keys.
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    with signers.lock:
        signers.seen.clear()
    result = runner.invoke(cli, ["diff", *scope, "--cloudtrail", "lookup"])
    assert result.exit_code == 1, result.output
    trail_keys = signers.keys_for("cloudtrail")
    assert trail_keys and "testing" not in trail_keys, trail_keys
    assert f"LookupEvents in {OTHER}/us-east-1" in result.stderr
