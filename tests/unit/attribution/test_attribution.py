"""Attribution: realistic CloudTrail records matched to the right delta and principal."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import boto3
from botocore.stub import Stubber

from scanner.attribution.match import attribute, latest_events
from scanner.attribution.sources import local_records, lookup_records
from scanner.drift.engine import Delta
from scanner.drift.findings import drift_finding
from scanner.model import Location
from scanner.remediate.drift_plan import revert_actions

ACCOUNT, REGION = "111111111111", "us-east-1"
ATTACKER = {
    "type": "IAMUser",
    "principalId": "AIDAEXAMPLEATTACKER1",
    "arn": f"arn:aws:iam::{ACCOUNT}:user/mallory",
    "accountId": ACCOUNT,
    "accessKeyId": "AKIAEXAMPLEMALLORY01",
    "userName": "mallory",
}
ADMIN = {
    "type": "AssumedRole",
    "principalId": "AROAEXAMPLEADMIN:alice",
    "arn": f"arn:aws:sts::{ACCOUNT}:assumed-role/NetworkAdmin/alice",
    "accountId": ACCOUNT,
    "accessKeyId": "ASIAEXAMPLEALICE0001",
    "sessionContext": {
        "sessionIssuer": {"type": "Role", "arn": f"arn:aws:iam::{ACCOUNT}:role/NetworkAdmin"}
    },
}


def record(
    name: str,
    when: str,
    identity: dict[str, Any],
    request: Any,
    response: Any = None,
    error: str | None = None,
    region: str = REGION,
) -> dict[str, Any]:
    out = {
        "eventVersion": "1.09",
        "userIdentity": identity,
        "eventTime": when,
        "eventSource": "ec2.amazonaws.com",
        "eventName": name,
        "awsRegion": region,
        "sourceIPAddress": "198.51.100.23" if identity is ATTACKER else "10.0.0.5",
        "userAgent": "aws-cli/2.15.0 Python/3.11.6 Linux/6.1 exe/x86_64",
        "requestParameters": request,
        "responseElements": response,
        "requestID": f"req-{name}-{when}",
        "eventID": f"evt-{name}-{when}",
        "readOnly": False,
        "eventType": "AwsApiCall",
        "managementEvent": True,
        "recipientAccountId": ACCOUNT,
        "eventCategory": "Management",
    }
    if error:
        out["errorCode"] = error
    return out


SSH_OPEN = record(
    "AuthorizeSecurityGroupIngress",
    "2026-11-28T03:12:09Z",
    ATTACKER,
    {
        "groupId": "sg-web",
        "ipPermissions": {
            "items": [
                {
                    "ipProtocol": "tcp",
                    "fromPort": 22,
                    "toPort": 22,
                    "ipRanges": {"items": [{"cidrIp": "0.0.0.0/0"}]},
                }
            ]
        },
    },
    {"requestId": "r1", "_return": True},
)
EARLIER_ON_SAME_GROUP = record(
    "AuthorizeSecurityGroupIngress",
    "2026-11-20T10:00:00Z",
    ADMIN,
    {
        "groupId": "sg-web",
        "ipPermissions": {
            "items": [
                {
                    "ipProtocol": "tcp",
                    "fromPort": 443,
                    "toPort": 443,
                    "ipRanges": {"items": [{"cidrIp": "0.0.0.0/0"}]},
                }
            ]
        },
    },
)
DENIED_ATTEMPT = record(
    "AuthorizeSecurityGroupIngress",
    "2026-11-28T04:00:00Z",
    ADMIN,
    {"groupId": "sg-web"},
    error="Client.UnauthorizedOperation",
)
FLOW_LOG_DELETE = record(
    "DeleteFlowLogs",
    "2026-11-28T03:15:41Z",
    ATTACKER,
    {"DeleteFlowLogsRequest": {"FlowLogId": {"tag": 1, "content": "fl-prod"}}},
    {"DeleteFlowLogsResponse": {"unsuccessful": "", "requestId": "r2"}},
)
IGW_CREATE = record(
    "CreateInternetGateway",
    "2026-11-28T03:13:00Z",
    ATTACKER,
    {},
    {"internetGateway": {"internetGatewayId": "igw-rogue", "attachmentSet": {}}},
)
IGW_ATTACH = record(
    "AttachInternetGateway",
    "2026-11-28T03:13:05Z",
    ATTACKER,
    {"internetGatewayId": "igw-rogue", "vpcId": "vpc-internal"},
)
OTHER_REGION = record(
    "AuthorizeSecurityGroupIngress",
    "2026-11-28T05:00:00Z",
    ADMIN,
    {"groupId": "sg-web"},
    region="eu-west-1",
)
UNRELATED = record(
    "CreateTags",
    "2026-11-28T03:00:00Z",
    ADMIN,
    {"resourcesSet": {"items": [{"resourceId": "i-123"}]}},
)
READ_ONLY = {**record("DescribeVpcs", "2026-11-28T06:00:00Z", ADMIN, {}), "readOnly": True}


def delta(rtype: str, rid: str, change: str, before: dict[str, Any] | None = None) -> Delta:
    return Delta(ACCOUNT, REGION, rtype, rid, change, "high", (), Location("b.yaml", 1), before)


FLOW_LOG = {
    "ResourceId": "vpc-prod",
    "TrafficType": "ALL",
    "LogDestinationType": "s3",
    "LogDestination": "arn:aws:s3:::flow-logs",
}
DELTAS = [
    delta("aws.security-group", "sg-web", "modified"),
    delta("aws.flow-log", "fl-prod", "removed", FLOW_LOG),
    delta("aws.internet-gateway", "igw-rogue", "added"),
    delta("aws.security-group", "sg-quiet", "modified"),  # no event for it
]


def write_trail(root: Path, files: dict[str, list[dict[str, Any]]]) -> None:
    for day, records in files.items():
        folder = root / "AWSLogs" / ACCOUNT / "CloudTrail" / REGION / "2026" / "11" / day
        folder.mkdir(parents=True, exist_ok=True)
        name = f"{ACCOUNT}_CloudTrail_{REGION}_202611{day}T0315Z_{len(records)}abc.json.gz"
        (folder / name).write_bytes(gzip.compress(json.dumps({"Records": records}).encode()))


def test_each_delta_gets_its_latest_successful_event(tmp_path: Path) -> None:
    # Out of order across files and within them, with noise mixed in.
    write_trail(
        tmp_path,
        {
            "28": [FLOW_LOG_DELETE, UNRELATED, SSH_OPEN, READ_ONLY, DENIED_ATTEMPT, OTHER_REGION],
            "20": [EARLIER_ON_SAME_GROUP],
            "27": [IGW_ATTACH, IGW_CREATE],
        },
    )
    best = latest_events(local_records(tmp_path), DELTAS)
    assert best[(ACCOUNT, REGION, "sg-web")]["eventID"] == SSH_OPEN["eventID"]
    assert best[(ACCOUNT, REGION, "fl-prod")]["eventName"] == "DeleteFlowLogs"
    assert best[(ACCOUNT, REGION, "igw-rogue")]["eventName"] == "AttachInternetGateway"
    assert (ACCOUNT, REGION, "sg-quiet") not in best


def test_findings_carry_principal_key_ip_agent_and_containment(tmp_path: Path) -> None:
    write_trail(tmp_path, {"28": [SSH_OPEN, FLOW_LOG_DELETE]})
    findings = [drift_finding(d, revert_actions) for d in DELTAS[:2]]
    attributed = attribute(findings, DELTAS, local_records(tmp_path))
    who = attributed[0].attribution
    assert who is not None
    assert who.to_dict() == {
        "principal": f"arn:aws:iam::{ACCOUNT}:user/mallory",
        "access_key_id": "AKIAEXAMPLEMALLORY01",
        "source_ip": "198.51.100.23",
        "user_agent": "aws-cli/2.15.0 Python/3.11.6 Linux/6.1 exe/x86_64",
        "event_name": "AuthorizeSecurityGroupIngress",
        "event_time": "2026-11-28T03:12:09Z",
    }
    deactivate = [
        a for a in attributed[0].remediation if a.api and a.api.operation == "UpdateAccessKey"
    ]
    assert deactivate and deactivate[0].api is not None
    assert deactivate[0].api.params == {
        "UserName": "mallory",
        "AccessKeyId": "AKIAEXAMPLEMALLORY01",
        "Status": "Inactive",
    }
    assert "iam update-access-key" in deactivate[0].cli
    assert any("lookup-events" in a.cli for a in attributed[0].remediation)
    # The fingerprint does not depend on attribution.
    assert attributed[0].fingerprint == findings[0].fingerprint


def test_lookup_events_api_with_stubber() -> None:
    client = boto3.client(
        "cloudtrail", region_name=REGION, aws_access_key_id="x", aws_secret_access_key="y"
    )
    with Stubber(client) as stub:
        stub.add_response(
            "lookup_events",
            {
                "Events": [
                    {
                        "EventId": "e1",
                        "EventName": "AuthorizeSecurityGroupIngress",
                        "CloudTrailEvent": json.dumps(SSH_OPEN),
                    },
                    {
                        "EventId": "e0",
                        "EventName": "AuthorizeSecurityGroupIngress",
                        "CloudTrailEvent": json.dumps(EARLIER_ON_SAME_GROUP),
                    },
                ]
            },
            {"LookupAttributes": [{"AttributeKey": "ResourceName", "AttributeValue": "sg-web"}]},
        )
        best = latest_events(lookup_records(client, ["sg-web"]), DELTAS[:1])
        stub.assert_no_pending_responses()
    assert best[(ACCOUNT, REGION, "sg-web")]["userIdentity"]["userName"] == "mallory"
