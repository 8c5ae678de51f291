"""CloudTrail records of the demo's incident, in the shape a trail writes them, and the trail
log files that hold them (``AWSLogs/<account>/CloudTrail/<region>/Y/M/D/*.json.gz``).

EC2 is a query API, so CloudTrail records its parameters in the XML's names: lowerCamelCase
keys, every list wrapped as ``{"items": [...]}`` (an empty one as ``{}``), set-valued answers
named ``...Set``. A few calls use the newer shape instead (``DeleteFlowLogs`` records
``{"DeleteFlowLogsRequest": {"FlowLogId": {"content": ..., "tag": 1}}}``).
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import secrets
import string
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from scanner.demo.incident import ApiCall, IncidentResult

Record = dict[str, Any]
ClientFactory = Callable[[str, str], Any]

EVENT_VERSION = "1.09"
EC2_XMLNS = "http://ec2.amazonaws.com/doc/2016-11-15/"
_RENAMED = {
    "Tags": "tagSet",
    "Attachments": "attachmentSet",
    "SecurityGroupRules": "securityGroupRuleSet",
    "Return": "_return",
}
# Calls whose answer is only ``<return>true</return>``.
_RETURNS_TRUE = frozenset(
    {
        "AuthorizeSecurityGroupIngress",
        "CreateNetworkAclEntry",
        "AttachInternetGateway",
        "CreateRoute",
    }
)


def query_shape(value: Any) -> Any:
    """A boto3 (PascalCase) value in CloudTrail's EC2 query-API shape."""
    if isinstance(value, Mapping):
        return {
            _RENAMED.get(key, key[:1].lower() + key[1:]): query_shape(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return {"items": [query_shape(item) for item in value]} if value else {}
    return value


def request_parameters(call: ApiCall) -> dict[str, Any]:
    """The ``requestParameters`` CloudTrail records for one of the incident's calls."""
    params = dict(call.request_parameters)
    if call.event_name == "DeleteFlowLogs":
        ids = [{"content": fid, "tag": n} for n, fid in enumerate(params["FlowLogIds"], 1)]
        return {"DeleteFlowLogsRequest": {"FlowLogId": ids[0] if len(ids) == 1 else ids}}
    shaped: dict[str, Any] = query_shape(params)
    if call.event_name in ("AuthorizeSecurityGroupIngress", "RevokeSecurityGroupIngress"):
        for permission in shaped["ipPermissions"]["items"]:
            for key in ("groups", "ipRanges", "ipv6Ranges", "prefixListIds"):
                permission.setdefault(key, {})
    if call.event_name == "CreateNetworkAclEntry":
        shaped.setdefault("icmpTypeCode", {})
    return shaped


def response_elements(call: ApiCall, account: str, request_id: str) -> dict[str, Any]:
    """The ``responseElements`` CloudTrail records for one of the incident's calls."""
    if call.event_name == "DeleteFlowLogs":
        return {
            "DeleteFlowLogsResponse": {
                "xmlns": EC2_XMLNS,
                "requestId": request_id,
                "unsuccessful": "",
            }
        }
    shaped: dict[str, Any] = {"requestId": request_id, **query_shape(dict(call.response))}
    if call.event_name in _RETURNS_TRUE:
        shaped["_return"] = True
    for rule in shaped.get("securityGroupRuleSet", {}).get("items", []):
        rule.setdefault("groupOwnerId", account)
    if call.event_name == "AllocateAddress":
        shaped.update(publicIpv4Pool="amazon", networkBorderGroup=call.region)
    if call.event_name == "CreateInternetGateway":
        shaped["internetGateway"].setdefault("ownerId", account)
    return shaped


def _principal_id(arn: str, prefix: str) -> str:
    digest = hashlib.sha256(arn.encode()).hexdigest().upper()
    return prefix + digest[:17]


def user_identity(
    principal_arn: str, account: str, access_key_id: str, event_time: str
) -> dict[str, Any]:
    """``userIdentity`` for an IAM user, an assumed role's session or the root user."""
    if ":assumed-role/" in principal_arn:
        role, _, session = principal_arn.split(":assumed-role/", 1)[1].partition("/")
        role_id = _principal_id(f"role/{role}", "AROA")
        return {
            "type": "AssumedRole",
            "principalId": f"{role_id}:{session}",
            "arn": principal_arn,
            "accountId": account,
            "accessKeyId": access_key_id,
            "sessionContext": {
                "sessionIssuer": {
                    "type": "Role",
                    "principalId": role_id,
                    "arn": f"arn:aws:iam::{account}:role/{role}",
                    "accountId": account,
                    "userName": role,
                },
                "webIdFederationData": {},
                "attributes": {"creationDate": event_time, "mfaAuthenticated": "false"},
            },
        }
    if principal_arn.endswith(":root"):
        return {
            "type": "Root",
            "principalId": account,
            "arn": principal_arn,
            "accountId": account,
            "accessKeyId": access_key_id,
        }
    identity: dict[str, Any] = {
        "type": "IAMUser",
        "principalId": _principal_id(principal_arn, "AIDA"),
        "arn": principal_arn,
        "accountId": account,
        "accessKeyId": access_key_id,
        "userName": principal_arn.rsplit("/", 1)[-1],
    }
    if access_key_id.startswith("ASIA"):  # temporary credentials carry a session context
        identity["sessionContext"] = {
            "attributes": {"creationDate": event_time, "mfaAuthenticated": "false"}
        }
    return identity


def incident_cloudtrail_records(
    incident: IncidentResult,
    account: str,
    region: str,
    principal_arn: str,
    access_key_id: str,
    source_ip: str,
    user_agent: str,
) -> list[Record]:
    """One CloudTrail management-event record per call the incident made in ``region``, as
    made by ``principal_arn`` with ``access_key_id`` from ``source_ip``; ids are stable for
    the same incident."""
    records = []
    for index, call in enumerate(c for c in incident.calls if c.region == region):
        key = f"{account}/{region}/{index}/{call.event_time}/{call.event_name}"
        request_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"request/{key}"))
        records.append(
            {
                "eventVersion": EVENT_VERSION,
                "userIdentity": user_identity(
                    principal_arn, account, access_key_id, call.event_time
                ),
                "eventTime": call.event_time,
                "eventSource": call.event_source,
                "eventName": call.event_name,
                "awsRegion": region,
                "sourceIPAddress": source_ip,
                "userAgent": user_agent,
                "requestParameters": request_parameters(call),
                "responseElements": response_elements(call, account, request_id),
                "requestID": request_id,
                "eventID": str(uuid.uuid5(uuid.NAMESPACE_URL, f"event/{key}")),
                "readOnly": False,
                "eventType": "AwsApiCall",
                "managementEvent": True,
                "recipientAccountId": account,
                "eventCategory": "Management",
                "tlsDetails": {
                    "tlsVersion": "TLSv1.3",
                    "cipherSuite": "TLS_AES_128_GCM_SHA256",
                    "clientProvidedHostHeader": f"ec2.{region}.amazonaws.com",
                },
            }
        )
    return records


def _parse_time(value: str) -> dt.datetime:
    return dt.datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)


def trail_log_files(records: Sequence[Record], account: str, region: str) -> dict[str, bytes]:
    """The trail's log files for ``records``: object key -> gzipped ``{"Records": [...]}``.

    A trail delivers about every five minutes, so records are grouped into one file per
    five-minute window of their event time, named as CloudTrail names them.
    """
    windows: dict[dt.datetime, list[Record]] = {}
    for record in sorted(records, key=lambda r: str(r["eventTime"])):
        when = _parse_time(str(record["eventTime"]))
        window = when.replace(minute=when.minute - when.minute % 5, second=0)
        windows.setdefault(window, []).append(record)
    alphabet = string.ascii_letters + string.digits
    files = {}
    for window, batch in windows.items():
        delivered = window + dt.timedelta(minutes=5)
        suffix = "".join(secrets.choice(alphabet) for _ in range(16))
        key = (
            f"AWSLogs/{account}/CloudTrail/{region}/{delivered:%Y/%m/%d}/"
            f"{account}_CloudTrail_{region}_{delivered:%Y%m%dT%H%MZ}_{suffix}.json.gz"
        )
        files[key] = gzip.compress(json.dumps({"Records": batch}).encode())
    return files


def write_trail_objects(
    make_client: ClientFactory,
    bucket: str,
    records: Sequence[Record],
    account: str,
    region: str,
) -> list[str]:
    """Write ``records`` to ``bucket`` as the trail would; returns the object keys."""
    s3 = make_client("s3", region)
    files = trail_log_files(records, account, region)
    for key, body in files.items():
        s3.put_object(Bucket=bucket, Key=key, Body=body, ContentType="application/json")
    return list(files)


def write_trail_files(
    root: str | Path, records: Iterable[Record], account: str, region: str
) -> list[Path]:
    """Write ``records`` under the local directory ``root`` in the trail's layout (for
    ``--cloudtrail DIR``); returns the files written."""
    written = []
    for key, body in trail_log_files(list(records), account, region).items():
        path = Path(root) / key
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(body)
        written.append(path)
    return written
