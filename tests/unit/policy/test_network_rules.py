"""VPC, routing, sharing, cost and detection rules on literal snapshots."""

from __future__ import annotations

import json
from typing import Any

from tests.unit.policy.conftest import RunRule, ids
from tests.unit.policy.snapshots import ACCOUNT, REGION, snapshot

OTHER = "999999999999"


def vpc(vpc_id: str, **tags: str) -> dict[str, Any]:
    return {
        "VpcId": vpc_id,
        "OwnerId": ACCOUNT,
        "CidrBlock": "10.0.0.0/16",
        "Tags": [{"Key": k, "Value": v} for k, v in tags.items()],
    }


def flow_log(log_id: str, resource: str, traffic: str) -> dict[str, Any]:
    return {
        "FlowLogId": log_id,
        "ResourceId": resource,
        "TrafficType": traffic,
        "LogDestinationType": "s3",
        "FlowLogStatus": "ACTIVE",
        "DeliverLogsStatus": "SUCCESS",
        "CreationTime": "2026-01-01T00:00:00+00:00",
    }


def test_vpc_flow_logs(run_rule: RunRule) -> None:
    snap = snapshot(
        {
            "aws.vpc": [vpc("vpc-none"), vpc("vpc-all"), vpc("vpc-accept"), vpc("vpc-both")],
            "aws.flow-log": [
                flow_log("fl-1", "vpc-all", "ALL"),
                flow_log("fl-2", "vpc-accept", "ACCEPT"),
                flow_log("fl-3", "vpc-both", "REJECT"),
                flow_log("fl-4", "vpc-both", "ALL"),
                flow_log("fl-5", "subnet-1", "ALL"),
            ],
        }
    )
    disabled = run_rule("NW-VPC-001", snap)
    assert ids(disabled) == ["vpc-none"]
    assert disabled[0].evidence == {"c7n:flow-logs": []}
    assert disabled[0].compliance[:2] == ("CIS-AWS-3.7", "FSBP-EC2.6")
    partial = run_rule("NW-VPC-002", snap)
    assert ids(partial) == ["vpc-accept"]
    assert partial[0].evidence["c7n:flow-logs"] == [
        {"FlowLogId": "fl-2", "TrafficType": "ACCEPT", "LogDestinationType": "s3"}
    ]


def test_internet_gateway_on_internal_vpc(run_rule: RunRule) -> None:
    snap = snapshot(
        {
            "aws.vpc": [vpc("vpc-int", Exposure="internal"), vpc("vpc-pub", Exposure="public")],
            "aws.internet-gateway": [
                {"InternetGatewayId": "igw-bad", "Attachments": [{"VpcId": "vpc-int"}]},
                {"InternetGatewayId": "igw-ok", "Attachments": [{"VpcId": "vpc-pub"}]},
                {"InternetGatewayId": "igw-loose", "Attachments": []},
            ],
        }
    )
    [finding] = run_rule("NW-VPC-003", snap)
    assert finding.resource_id == "igw-bad"
    assert finding.arn == f"arn:aws:ec2:{REGION}:{ACCOUNT}:internet-gateway/igw-bad"
    assert finding.evidence == {"c7n:matched-vpcs": ["vpc-int"]}
    [action] = finding.remediation
    assert action.api is not None
    assert action.api.params == {"InternetGatewayId": "igw-bad", "VpcId": "vpc-int"}


def _subnet(subnet_id: str, exposure: str) -> dict[str, Any]:
    return {
        "SubnetId": subnet_id,
        "VpcId": "vpc-1",
        "CidrBlock": "10.0.1.0/24",
        "Tags": [{"Key": "Exposure", "Value": exposure}],
    }


def _table(
    table_id: str, routes: list[Any], main: bool = False, subnets: tuple[str, ...] = ()
) -> dict[str, Any]:
    assoc = [{"Main": False, "SubnetId": s, "RouteTableId": table_id} for s in subnets]
    if main:
        assoc.append({"Main": True, "RouteTableId": table_id})
    return {"RouteTableId": table_id, "VpcId": "vpc-1", "Routes": routes, "Associations": assoc}


LOCAL = {"DestinationCidrBlock": "10.0.0.0/16", "GatewayId": "local", "State": "active"}
IGW = {"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "igw-1", "State": "active"}
IGW6 = {"DestinationIpv6CidrBlock": "::/0", "GatewayId": "igw-1", "State": "active"}


def test_private_subnet_routes_to_internet_gateway(run_rule: RunRule) -> None:
    snap = snapshot(
        {
            "aws.subnet": [
                _subnet("subnet-explicit", "private"),
                _subnet("subnet-main", "private"),
                _subnet("subnet-nat", "private"),
                _subnet("subnet-public", "public"),
                _subnet("subnet-dead", "private"),
            ],
            "aws.route-table": [
                _table("rtb-main", [LOCAL, IGW6], main=True),
                _table("rtb-public", [LOCAL, IGW], subnets=("subnet-explicit", "subnet-public")),
                _table(
                    "rtb-nat",
                    [
                        LOCAL,
                        {
                            "DestinationCidrBlock": "0.0.0.0/0",
                            "NatGatewayId": "nat-1",
                            "State": "active",
                        },
                    ],
                    subnets=("subnet-nat",),
                ),
                _table(
                    "rtb-dead", [LOCAL, {**IGW, "State": "blackhole"}], subnets=("subnet-dead",)
                ),
            ],
        }
    )
    findings = run_rule("NW-ROUTE-001", snap)
    assert ids(findings) == ["subnet-explicit", "subnet-main"]
    by_id = {f.resource_id: f for f in findings}
    [main_route] = by_id["subnet-main"].evidence["c7n:internet-gateway-routes"]
    assert main_route["RouteTableId"] == "rtb-main" and main_route["Association"] == "main"
    [action] = by_id["subnet-main"].remediation
    assert action.api is not None
    assert action.api.params == {"RouteTableId": "rtb-main", "DestinationIpv6CidrBlock": "::/0"}
    assert "--destination-ipv6-cidr-block ::/0" in action.cli


def test_broad_peering_routes(run_rule: RunRule) -> None:
    pcx = {"VpcPeeringConnectionId": "pcx-1", "State": "active"}
    snap = snapshot(
        {
            "aws.route-table": [
                _table("rtb-broad", [LOCAL, {**pcx, "DestinationCidrBlock": "10.20.0.0/16"}]),
                _table("rtb-narrow", [LOCAL, {**pcx, "DestinationCidrBlock": "10.20.1.0/24"}]),
                _table("rtb-v6", [LOCAL, {**pcx, "DestinationIpv6CidrBlock": "2600:1f18::/56"}]),
                _table("rtb-igw", [LOCAL, IGW]),
            ]
        }
    )
    findings = run_rule("NW-ROUTE-002", snap)
    assert ids(findings) == ["rtb-broad", "rtb-v6"]
    assert "CIS-AWS-5.5" in findings[0].compliance


def _peering(pcx_id: str, requester: str, accepter: str) -> dict[str, Any]:
    return {
        "VpcPeeringConnectionId": pcx_id,
        "RequesterVpcInfo": {"OwnerId": requester, "VpcId": "vpc-a"},
        "AccepterVpcInfo": {"OwnerId": accepter, "VpcId": "vpc-b"},
        "Status": {"Code": "active"},
    }


def test_peering_with_untrusted_account(run_rule: RunRule) -> None:
    partner = "222222222222"
    snap = snapshot(
        {
            "aws.peering-connection": [
                _peering("pcx-internal", ACCOUNT, ACCOUNT),
                _peering("pcx-outside", ACCOUNT, OTHER),
                _peering("pcx-partner", partner, ACCOUNT),
                _peering("pcx-outside-2", OTHER, ACCOUNT),
            ]
        },
        extra={(partner, REGION): {}},
    )
    # Trusted by default: the accounts in the snapshot (ours and the partner's).
    findings = run_rule("NW-SHARE-001", snap)
    assert ids(findings) == ["pcx-outside", "pcx-outside-2"]
    assert findings[0].evidence == {"c7n:CrossAccountViolations": [OTHER]}
    explicit = run_rule("NW-SHARE-001", snap, trusted_accounts=[OTHER])
    assert ids(explicit) == ["pcx-partner"]


def _endpoint(endpoint_id: str, statements: list[Any]) -> dict[str, Any]:
    return {
        "VpcEndpointId": endpoint_id,
        "VpcId": "vpc-1",
        "VpcEndpointType": "Gateway",
        "ServiceName": f"com.amazonaws.{REGION}.s3",
        "PolicyDocument": json.dumps({"Version": "2012-10-17", "Statement": statements}),
    }


def test_vpc_endpoint_policies(run_rule: RunRule) -> None:
    allow = {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}
    snap = snapshot(
        {
            "aws.vpc-endpoint": [
                _endpoint("vpce-star", [{**allow, "Principal": "*"}]),
                _endpoint(
                    "vpce-star-own-account",
                    [
                        {
                            **allow,
                            "Principal": "*",
                            "Condition": {"StringEquals": {"aws:PrincipalAccount": [ACCOUNT]}},
                        }
                    ],
                ),
                _endpoint(
                    "vpce-other", [{**allow, "Principal": {"AWS": f"arn:aws:iam::{OTHER}:root"}}]
                ),
                _endpoint(
                    "vpce-own", [{**allow, "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}}]
                ),
            ]
        }
    )
    assert ids(run_rule("NW-SHARE-002", snap)) == ["vpce-other", "vpce-star"]
    assert ids(run_rule("NW-SHARE-003", snap)) == ["vpce-star"]


def test_unassociated_elastic_ip(run_rule: RunRule) -> None:
    snap = snapshot(
        {
            "aws.elastic-ip": [
                {"AllocationId": "eipalloc-idle", "PublicIp": "198.51.100.1", "Domain": "vpc"},
                {
                    "AllocationId": "eipalloc-used",
                    "PublicIp": "198.51.100.2",
                    "Domain": "vpc",
                    "AssociationId": "eipassoc-1",
                },
            ]
        }
    )
    [finding] = run_rule("NW-COST-001", snap)
    assert finding.resource_id == "eipalloc-idle"
    assert finding.remediation[0].cli == (
        f"aws ec2 release-address --region {REGION} --allocation-id eipalloc-idle"
    )


def _alarm(name: str, nat: str, metric: str) -> dict[str, Any]:
    return {
        "AlarmName": name,
        "Namespace": "AWS/NATGateway",
        "MetricName": metric,
        "Dimensions": [{"Name": "NatGatewayId", "Value": nat}],
    }


def test_nat_gateway_alarms(run_rule: RunRule) -> None:
    nats = [
        {"NatGatewayId": n, "State": "available", "VpcId": "vpc-1"}
        for n in ("nat-watched", "nat-half", "nat-blind")
    ]
    nats.append({"NatGatewayId": "nat-deleted", "State": "deleted", "VpcId": "vpc-1"})
    alarms = [
        _alarm("a1", "nat-watched", "BytesOutToDestination"),
        _alarm("a2", "nat-watched", "ErrorPortAllocation"),
        _alarm("a3", "nat-half", "ErrorPortAllocation"),
    ]
    findings = run_rule("NW-NAT-001", snapshot({"aws.nat-gateway": nats, "aws.alarm": alarms}))
    assert ids(findings) == ["nat-blind", "nat-half"]
    by_id = {f.resource_id: f for f in findings}
    assert by_id["nat-half"].evidence == {"c7n:missing-alarms": ["BytesOutToDestination"]}
    assert [a.api.params["MetricName"] for a in by_id["nat-blind"].remediation if a.api] == [
        "BytesOutToDestination",
        "ErrorPortAllocation",
    ]


def _trail(name: str, region: str, multi: bool, logging: bool) -> dict[str, Any]:
    arn = f"arn:aws:cloudtrail:{region}:{ACCOUNT}:trail/{name}"
    return {
        "Name": name,
        "TrailARN": arn,
        "HomeRegion": region,
        "IsMultiRegionTrail": multi,
        "c7n:TrailStatus": {"IsLogging": logging, "LatestDeliveryTime": "2026-01-01"},
    }


def test_cloudtrail_multi_region_trail_seen_from_every_region(run_rule: RunRule) -> None:
    home = {"aws.cloudtrail": [_trail("org", "eu-west-1", True, True)]}
    snap = snapshot({}, extra={(ACCOUNT, "eu-west-1"): home})
    assert run_rule("NW-DET-001", snap) == []
    stopped = {
        "aws.cloudtrail": [
            _trail("org", "eu-west-1", True, False),
            _trail("local", "eu-west-1", False, True),
        ]
    }
    findings = run_rule("NW-DET-001", snapshot({}, extra={(ACCOUNT, "eu-west-1"): stopped}))
    assert sorted(f.region for f in findings) == ["eu-west-1", "us-east-1"]
    assert findings[0].resource_type == "aws.account"
    assert findings[0].arn == f"arn:aws:iam::{ACCOUNT}:root"


def _recorder(recording: bool, channel: bool = True) -> dict[str, Any]:
    recorder: dict[str, Any] = {
        "name": "default",
        "roleARN": "arn:aws:iam::1:role/config",
        "recordingGroup": {"allSupported": True},
        "status": {"name": "default", "recording": recording, "lastStatus": "SUCCESS"},
    }
    if channel:
        recorder["deliveryChannel"] = {"name": "default", "s3BucketName": "b"}
    return recorder


def test_config_recorder(run_rule: RunRule) -> None:
    assert run_rule("NW-DET-002", snapshot({"aws.config-recorder": [_recorder(True)]})) == []
    assert len(run_rule("NW-DET-002", snapshot({"aws.config-recorder": [_recorder(False)]}))) == 1
    no_channel = snapshot({"aws.config-recorder": [_recorder(True, channel=False)]})
    assert len(run_rule("NW-DET-002", no_channel)) == 1
    assert len(run_rule("NW-DET-002", snapshot({}))) == 1


def test_guardduty(run_rule: RunRule) -> None:
    def detector(status: str) -> dict[str, Any]:
        return {"DetectorId": "d1", "Status": status, "UpdatedAt": "2026-01-01"}

    enabled = snapshot({"aws.guardduty-detector": [detector("ENABLED")]})
    assert run_rule("NW-DET-003", enabled) == []
    [disabled] = run_rule(
        "NW-DET-003", snapshot({"aws.guardduty-detector": [detector("DISABLED")]})
    )
    assert disabled.evidence == {
        "c7n:guard-duty": {"Detector": {"Status": "DISABLED"}, "Administrator": None}
    }
    assert len(run_rule("NW-DET-003", snapshot({}))) == 1


def test_messages_name_the_evidence(run_rule: RunRule) -> None:
    peering = snapshot({"aws.peering-connection": [_peering("pcx-1", ACCOUNT, OTHER)]})
    assert run_rule("NW-SHARE-001", peering)[0].message.endswith(f"untrusted account {OTHER}")
    star = snapshot(
        {
            "aws.vpc-endpoint": [
                _endpoint(
                    "vpce-1",
                    [{"Effect": "Allow", "Action": "s3:*", "Resource": "*", "Principal": "*"}],
                )
            ]
        }
    )
    assert run_rule("NW-SHARE-003", star)[0].message.endswith(
        'policy statement {"Action": "s3:*", "Effect": "Allow", "Principal": "*"}'
    )
    eip = snapshot({"aws.elastic-ip": [{"AllocationId": "eipalloc-1", "Domain": "vpc"}]})
    assert run_rule("NW-COST-001", eip)[0].message.endswith("associated with nothing")
