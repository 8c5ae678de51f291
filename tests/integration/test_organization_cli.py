"""--organization against the moto server: the ACTIVE accounts of the organisation are listed
(page by page), each is scanned through its role, an excluded or suspended account is not,
an account whose role cannot be assumed is a coverage gap, and every report names them."""

from __future__ import annotations

import io
import json
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from click.testing import CliRunner

from scanner.aws.organization import PAGE_SIZE, list_accounts
from scanner.cli import cli
from scanner.collect.aws_options import AwsOptions, targets_for
from scanner.demo.server import MotoServer, WsgiApp
from tests.conftest import ACCOUNT, AwsEnv, point_aws_at

POLICIES = str(Path(__file__).resolve().parents[2] / "policies")
REGION = "us-east-1"
LOCKED_NAME = "locked-out"


def refuse_roles_of(accounts: set[str]) -> Callable[[WsgiApp], WsgiApp]:
    """STS refuses AssumeRole into these accounts, as AWS does when the role's trust policy
    does not name the caller (moto itself lets any role be assumed)."""

    def wrap(app: WsgiApp) -> WsgiApp:
        def middleware(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
            length = int(environ.get("CONTENT_LENGTH") or 0)
            body = environ["wsgi.input"].read(length) if length else b""
            environ["wsgi.input"] = io.BytesIO(body)
            form = urllib.parse.parse_qs(body.decode("utf-8", "replace"))
            arn = form.get("RoleArn", [""])[0]
            if form.get("Action") == ["AssumeRole"] and arn.split(":")[4:5] in (
                [a] for a in accounts
            ):
                error = (
                    '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error>'
                    "<Type>Sender</Type><Code>AccessDenied</Code><Message>User is not "
                    f"authorized to perform: sts:AssumeRole on resource: {arn}</Message>"
                    "</Error><RequestId>netwarden-test</RequestId></ErrorResponse>"
                ).encode()
                start_response(
                    "403 Forbidden",
                    [("Content-Type", "text/xml"), ("Content-Length", str(len(error)))],
                )
                return [error]
            return app(environ, start_response)

        return middleware

    return wrap


class Organization:
    """A moto server whose organisation has a few member accounts, one of them locked."""

    def __init__(self, server: MotoServer) -> None:
        self.url = server.url
        self.orgs = self.client("organizations")
        self.orgs.create_organization(FeatureSet="ALL")
        self.ids: dict[str, str] = {}

    def client(self, service: str, credentials: dict[str, str] | None = None) -> Any:
        keys = credentials or {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
        return boto3.client(service, region_name=REGION, endpoint_url=self.url, **keys)

    def add(self, name: str) -> str:
        status = self.orgs.create_account(Email=f"{name}@example.com", AccountName=name)
        account: str = status["CreateAccountStatus"]["AccountId"]
        self.ids[name] = account
        return account

    def in_account(self, account: str, service: str) -> Any:
        """A client acting inside ``account`` (moto keeps each account's world apart)."""
        creds = self.client("sts").assume_role(
            RoleArn=f"arn:aws:iam::{account}:role/setup", RoleSessionName="setup"
        )["Credentials"]
        return self.client(
            service,
            {
                "aws_access_key_id": creds["AccessKeyId"],
                "aws_secret_access_key": creds["SecretAccessKey"],
                "aws_session_token": creds["SessionToken"],
            },
        )


@dataclass
class OrgServer:
    server: MotoServer
    locked: set[str]  # accounts whose role STS refuses


@pytest.fixture
def org_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[OrgServer]:
    locked: set[str] = set()
    server = MotoServer(refuse_roles_of(locked))
    server.start()
    server.reset()  # moto's backends are shared by every server in this process
    point_aws_at(monkeypatch, server.url, REGION)
    yield OrgServer(server, locked)
    server.reset()
    server.stop()


def _invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    assert "Traceback" not in result.output, result.output
    return result.exit_code, result.output


def _open_ssh(ec2: Any) -> str:
    vpc = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
    group: str = ec2.create_security_group(GroupName="ssh", Description="ssh", VpcId=vpc)["GroupId"]
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
    return group


def test_an_organization_scan_reaches_each_active_account_through_its_role(
    org_server: OrgServer, tmp_path: Path
) -> None:
    org = Organization(org_server.server)
    prod = org.add("prod")
    sandbox = org.add("sandbox")
    closed = org.add("closed")
    lock = org.add(LOCKED_NAME)
    org_server.locked.add(lock)
    org.orgs.close_account(AccountId=closed)
    group = _open_ssh(org.in_account(prod, "ec2"))
    out = tmp_path / "out"
    code, output = _invoke(
        "scan", "--organization", "--exclude-accounts", f"{sandbox},{ACCOUNT}",
        "--regions", REGION, "--policies", POLICIES, "--baseline-dir", str(tmp_path / "no"),
        "-o", str(out), "--format", "sarif,markdown,json,html", "--fail-on", "none",
    )  # fmt: skip
    assert code == 3, output  # the locked account is a coverage gap, nothing else failed
    doc = json.loads((out / "findings.json").read_text())
    # Scanned: prod and the locked one (a gap); not the excluded, not the suspended one.
    assert sorted(doc["run"]["accounts"]) == sorted([prod, lock])
    assert doc["run"]["account_names"] == {prod: "prod", lock: LOCKED_NAME}
    gaps = [g for g in doc["run"]["coverage_gaps"] if g["account"] == lock]
    assert [(g["region"], g["type"], g["code"]) for g in gaps] == [("*", "account", "AccessDenied")]
    ssh = [f for f in doc["findings"] if f["rule_id"] == "NW-SG-002"]
    assert [(f["account"], f["resource_id"]) for f in ssh] == [(prod, group)]
    assert {f["account"] for f in doc["findings"]} == {prod}
    md = (out / "report.md").read_text()
    assert f"`{prod}` (prod)" in md
    assert f"`{lock}` ({LOCKED_NAME})" in md.split("## Coverage", 1)[1]
    assert f"{lock}</code> {LOCKED_NAME}" in (out / "report.html").read_text()
    sarif = json.loads((out / "netwarden.sarif").read_text())
    assert sarif["runs"][0]["properties"]["accountNames"] == {prod: "prod", lock: LOCKED_NAME}


def test_list_accounts_reads_every_page(org_server: OrgServer) -> None:
    org = Organization(org_server.server)
    made = {org.add(f"member-{n:02d}") for n in range(PAGE_SIZE + 3)}
    calls: list[str] = []
    client = org.client("organizations")
    client.meta.events.register(
        "before-call.organizations.ListAccounts", lambda **_: calls.append("x")
    )
    listed = {a["Id"] for a in list_accounts(client)}
    assert listed == made | {ACCOUNT}  # the management account is a member too
    assert len(calls) == 2
    targets = targets_for(AwsOptions(organization=True, org_role_name="audit/netwarden"))
    assert [t.role_arn for t in targets][:1] == [f"arn:aws:iam::{min(listed)}:role/audit/netwarden"]
    assert len(targets) == PAGE_SIZE + 4


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--organization", "--exclude-accounts", "12345"], "not a 12-digit account id: '12345'"),
        (["--exclude-accounts", ACCOUNT], "--exclude-accounts needs --organization"),
        (["--organization", "--org-role-name", "bad role"], "not an IAM role name"),
        (
            ["--organization", "--role-arn", f"arn:aws:iam::{ACCOUNT}:role/x"],
            "use --organization without --accounts and --role-arn",
        ),
    ],
)
def test_bad_organization_flags_exit_2(aws: AwsEnv, args: list[str], message: str) -> None:
    code, output = _invoke("collect", "--regions", REGION, *args, "-o", "/nonexistent/x.json")
    assert code == 2, output
    assert message in output


def test_outside_an_organization_is_exit_2(aws: AwsEnv, tmp_path: Path) -> None:
    out = tmp_path / "snap.json"
    code, output = _invoke("collect", "--organization", "--regions", REGION, "-o", str(out))
    assert code == 2, output
    # AWS answers AWSOrganizationsNotInUseException, moto an empty list: exit 2 either way.
    assert "netwarden: error: --organization: no ACTIVE account left to scan" in output
    assert not out.exists()
