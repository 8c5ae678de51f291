"""The demo's seeded organisation and its incident, checked through boto3 against moto."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import pytest

from scanner.attribution.events import mentioned_ids
from scanner.attribution.sources import s3_records
from scanner.demo.cloudtrail import incident_cloudtrail_records, write_trail_objects
from scanner.demo.incident import EXTERNAL_ACCOUNT, IncidentResult, apply_incident
from scanner.demo.seed import SeedResult, seed_organisation
from scanner.policy.changealerts import FAMILIES
from tests.conftest import ACCOUNT, AwsEnv

PRIMARY, DR = "us-east-1", "eu-west-1"
WORLD = ("0.0.0.0/0", "::/0")
ADMIN_PORTS = (22, 3389)

# (Custodian type, Describe method, result key, id key): what the incident could touch.
DESCRIBED = (
    ("aws.vpc", "describe_vpcs", "Vpcs", "VpcId"),
    ("aws.subnet", "describe_subnets", "Subnets", "SubnetId"),
    ("aws.security-group", "describe_security_groups", "SecurityGroups", "GroupId"),
    ("aws.network-acl", "describe_network_acls", "NetworkAcls", "NetworkAclId"),
    ("aws.route-table", "describe_route_tables", "RouteTables", "RouteTableId"),
    ("aws.internet-gateway", "describe_internet_gateways", "InternetGateways", "InternetGatewayId"),
    (
        "aws.peering-connection",
        "describe_vpc_peering_connections",
        "VpcPeeringConnections",
        "VpcPeeringConnectionId",
    ),
    ("aws.nat-gateway", "describe_nat_gateways", "NatGateways", "NatGatewayId"),
    ("aws.elastic-ip", "describe_addresses", "Addresses", "AllocationId"),
    ("aws.eni", "describe_network_interfaces", "NetworkInterfaces", "NetworkInterfaceId"),
    ("aws.flow-log", "describe_flow_logs", "FlowLogs", "FlowLogId"),
    ("aws.vpc-endpoint", "describe_vpc_endpoints", "VpcEndpoints", "VpcEndpointId"),
)


def state(aws: AwsEnv, region: str) -> dict[tuple[str, str], str]:
    """Every described item in ``region`` by (type, id), as canonical JSON."""
    ec2 = aws.client("ec2", region)
    items = {}
    for rtype, method, key, id_key in DESCRIBED:
        for item in getattr(ec2, method)()[key]:
            items[(rtype, item[id_key])] = json.dumps(item, sort_keys=True, default=str)
    return items


def by_id(items: Iterable[dict[str, Any]], key: str) -> dict[str, dict[str, Any]]:
    return {item[key]: item for item in items}


def tag(item: dict[str, Any], key: str) -> str | None:
    return next((t["Value"] for t in item.get("Tags", []) if t["Key"] == key), None)


def internet_ports(permissions: list[dict[str, Any]]) -> set[tuple[int, int]]:
    """The (from, to) tcp port ranges of security group rules open to the whole internet."""
    return {
        (p.get("FromPort", 0), p.get("ToPort", 65535))
        for p in permissions
        if any(r["CidrIp"] == WORLD[0] for r in p.get("IpRanges", []))
        or any(r["CidrIpv6"] == WORLD[1] for r in p.get("Ipv6Ranges", []))
    }


def nacl_admin_exposure(acl: dict[str, Any]) -> list[dict[str, Any]]:
    """Ingress allow entries from the internet that cover SSH or RDP."""
    return [
        e
        for e in acl["Entries"]
        if not e["Egress"]
        and e["RuleAction"] == "allow"
        and (e.get("CidrBlock") or e.get("Ipv6CidrBlock")) in WORLD
        and e["Protocol"] in ("-1", "6")
        and any(
            e["Protocol"] == "-1" or e["PortRange"]["From"] <= p <= e["PortRange"]["To"]
            for p in ADMIN_PORTS
        )
    ]


def check_primary_region(aws: AwsEnv, seeded: SeedResult) -> None:
    ec2 = aws.client("ec2", PRIMARY)
    assert (seeded.account_id, seeded.regions) == (ACCOUNT, (PRIMARY, DR))
    ours = [{"Name": "tag:ManagedBy", "Values": ["netwarden-demo"]}]
    vpcs = by_id(ec2.describe_vpcs(Filters=ours)["Vpcs"], "VpcId")
    assert set(vpcs) == {seeded.prod_vpc_id, seeded.internal_vpc_id}
    prod, internal = vpcs[seeded.prod_vpc_id], vpcs[seeded.internal_vpc_id]
    assert (prod["CidrBlock"], tag(prod, "Name"), tag(prod, "Exposure")) == (
        "10.0.0.0/16",
        "prod",
        "public",
    )
    assert (internal["CidrBlock"], tag(internal, "Exposure")) == ("10.1.0.0/16", "internal")

    subnets = by_id(ec2.describe_subnets(Filters=ours)["Subnets"], "SubnetId")
    assert len(subnets) == 6
    public, private = seeded.prod_public_subnet_ids, seeded.prod_private_subnet_ids
    assert {tag(subnets[s], "Exposure") for s in public} == {"public"}
    assert {tag(subnets[s], "Exposure") for s in (*private, *seeded.internal_subnet_ids)} == {
        "private"
    }
    assert len({subnets[s]["AvailabilityZone"] for s in public}) == 2
    assert {subnets[s]["VpcId"] for s in seeded.internal_subnet_ids} == {seeded.internal_vpc_id}

    igws = ec2.describe_internet_gateways(
        Filters=[{"Name": "attachment.vpc-id", "Values": list(vpcs)}]
    )["InternetGateways"]
    assert [(g["InternetGatewayId"], g["Attachments"][0]["VpcId"]) for g in igws] == [
        (seeded.internet_gateway_id, seeded.prod_vpc_id)
    ]
    tables = by_id(ec2.describe_route_tables(Filters=ours)["RouteTables"], "RouteTableId")

    def routes(rtb: str) -> dict[str, str]:
        return {
            r.get("DestinationCidrBlock") or r["DestinationPrefixListId"]: r.get("GatewayId")
            or r.get("NatGatewayId")
            or r["VpcPeeringConnectionId"]
            for r in tables[rtb]["Routes"]
        }

    def associated(rtb: str) -> set[str]:
        return {a["SubnetId"] for a in tables[rtb]["Associations"] if "SubnetId" in a}

    assert routes(seeded.public_route_table_id) == {
        "10.0.0.0/16": "local",
        "0.0.0.0/0": seeded.internet_gateway_id,
    }
    assert associated(seeded.public_route_table_id) == set(public)
    private_routes = routes(seeded.private_route_table_id)
    s3_list = next(k for k in private_routes if k.startswith("pl-"))
    # Peering routes are least access: the app subnets <-> the internal subnets only.
    assert private_routes == {
        "10.0.0.0/16": "local",
        "0.0.0.0/0": seeded.nat_gateway_id,
        "10.1.0.0/24": seeded.peering_id,
        "10.1.1.0/24": seeded.peering_id,
        s3_list: seeded.s3_endpoint_id,
    }
    assert associated(seeded.private_route_table_id) == set(private)
    assert routes(seeded.internal_route_table_id) == {
        "10.1.0.0/16": "local",
        "10.0.10.0/24": seeded.peering_id,
        "10.0.11.0/24": seeded.peering_id,
    }
    assert associated(seeded.internal_route_table_id) == set(seeded.internal_subnet_ids)

    nat = ec2.describe_nat_gateways(NatGatewayIds=[seeded.nat_gateway_id])["NatGateways"][0]
    assert nat["SubnetId"] == public[0]
    assert nat["NatGatewayAddresses"][0]["AllocationId"] == seeded.nat_eip_allocation_id
    peering = ec2.describe_vpc_peering_connections(VpcPeeringConnectionIds=[seeded.peering_id])
    (pcx,) = peering["VpcPeeringConnections"]
    assert pcx["Status"]["Code"] == "active"
    assert (pcx["RequesterVpcInfo"]["VpcId"], pcx["AccepterVpcInfo"]["VpcId"]) == (
        seeded.prod_vpc_id,
        seeded.internal_vpc_id,
    )
    endpoint = ec2.describe_vpc_endpoints(VpcEndpointIds=[seeded.s3_endpoint_id])["VpcEndpoints"]
    assert endpoint[0]["RouteTableIds"] == [seeded.private_route_table_id]
    (statement,) = json.loads(endpoint[0]["PolicyDocument"])["Statement"]
    assert statement["Condition"] == {"StringEquals": {"aws:PrincipalAccount": ACCOUNT}}
    prefix_list = ec2.get_managed_prefix_list_entries(PrefixListId=seeded.office_prefix_list_id)
    assert {e["Cidr"] for e in prefix_list["Entries"]} == {"203.0.113.0/24", "198.51.100.0/24"}


def check_security_groups_enis_and_acls(aws: AwsEnv, seeded: SeedResult) -> None:
    ec2 = aws.client("ec2", PRIMARY)
    groups = by_id(
        ec2.describe_security_groups(
            Filters=[{"Name": "vpc-id", "Values": list(seeded.seeded_vpc_ids)}]
        )["SecurityGroups"],
        "GroupId",
    )
    web, bastion = groups[seeded.web_sg_id], groups[seeded.bastion_sg_id]
    app, db = groups[seeded.app_sg_id], groups[seeded.db_sg_id]
    assert internet_ports(web["IpPermissions"]) == {(80, 80), (443, 443)}
    assert all(len(p["Ipv6Ranges"]) == 1 for p in web["IpPermissions"])
    assert [
        (p["FromPort"], [r["CidrIp"] for r in p["IpRanges"]]) for p in bastion["IpPermissions"]
    ] == [(22, ["203.0.113.0/24"])]
    assert [(p["FromPort"], p["UserIdGroupPairs"][0]["GroupId"]) for p in app["IpPermissions"]] == [
        (8080, seeded.web_sg_id)
    ]
    assert [(p["FromPort"], p["UserIdGroupPairs"][0]["GroupId"]) for p in db["IpPermissions"]] == [
        (5432, seeded.app_sg_id)
    ]
    defaults = [g for g in groups.values() if g["GroupName"] == "default"]
    assert len(defaults) == 2
    assert all(not g["IpPermissions"] and not g["IpPermissionsEgress"] for g in defaults)

    enis = by_id(
        ec2.describe_network_interfaces(NetworkInterfaceIds=list(seeded.eni_ids))[
            "NetworkInterfaces"
        ],
        "NetworkInterfaceId",
    )
    in_use = {g["GroupId"] for eni in enis.values() for g in eni["Groups"]}
    assert in_use == {seeded.web_sg_id, seeded.bastion_sg_id, seeded.app_sg_id, seeded.db_sg_id}

    vpcs = [{"Name": "vpc-id", "Values": [seeded.prod_vpc_id, seeded.internal_vpc_id]}]
    acls = by_id(ec2.describe_network_acls(Filters=vpcs)["NetworkAcls"], "NetworkAclId")
    assert len(acls) == 5  # one of our own per tier, plus each VPC's default

    def subnets_of(acl: str) -> set[str]:
        return {a["SubnetId"] for a in acls[acl]["Associations"]}

    assert subnets_of(seeded.prod_nacl_id) == set(seeded.prod_public_subnet_ids)
    assert subnets_of(seeded.prod_private_nacl_id) == set(seeded.prod_private_subnet_ids)
    assert subnets_of(seeded.internal_nacl_id) == set(seeded.internal_subnet_ids)
    assert {(e["RuleNumber"], e["Egress"]) for e in acls[seeded.prod_nacl_id]["Entries"]} >= {
        (100, False),
        (100, True),
    }
    for acl in acls.values():
        assert nacl_admin_exposure(acl) == [], acl["NetworkAclId"]
        if acl["IsDefault"]:  # unused, and closed to anything added to the VPC later
            assert not acl["Associations"]
            assert {e["RuleAction"] for e in acl["Entries"]} == {"deny"}


def check_logging_and_detection(aws: AwsEnv, seeded: SeedResult) -> None:
    assert set(seeded.flow_log_ids) == set(seeded.seeded_vpc_ids)
    for region, bucket in seeded.flow_log_buckets.items():
        aws.client("s3", region).head_bucket(Bucket=bucket)
        logs = aws.client("ec2", region).describe_flow_logs()["FlowLogs"]
        for log in logs:
            assert (log["TrafficType"], log["LogDestination"]) == ("ALL", f"arn:aws:s3:::{bucket}")
            assert seeded.flow_log_ids[log["ResourceId"]] == log["FlowLogId"]
    assert sum(
        len(aws.client("ec2", r).describe_flow_logs()["FlowLogs"]) for r in seeded.regions
    ) == len(seeded.seeded_vpc_ids)

    cloudtrail = aws.client("cloudtrail", PRIMARY)
    (trail,) = cloudtrail.describe_trails(includeShadowTrails=False)["trailList"]
    assert (trail["TrailARN"], trail["S3BucketName"], trail["IsMultiRegionTrail"]) == (
        seeded.trail_arn,
        seeded.trail_bucket,
        True,
    )
    assert cloudtrail.get_trail_status(Name=seeded.trail_arn)["IsLogging"] is True

    alarms = aws.client("cloudwatch", PRIMARY).describe_alarms()["MetricAlarms"]
    assert {(a["AlarmName"], a["Namespace"], a["MetricName"]) for a in alarms} == {
        ("prod-nat-bytes-out", "AWS/NATGateway", "BytesOutToDestination"),
        ("prod-nat-port-allocation-errors", "AWS/NATGateway", "ErrorPortAllocation"),
        ("security-group-changes", "CISBenchmark", "SecurityGroupChanges"),
    }
    assert all(a["AlarmActions"] == [seeded.alarm_topic_arn] for a in alarms)
    assert all(
        a["Dimensions"] == [{"Name": "NatGatewayId", "Value": seeded.nat_gateway_id}]
        for a in alarms
        if a["Namespace"] == "AWS/NATGateway"
    )
    # The trail delivers to CloudWatch Logs, where a CIS 4.10 metric filter feeds that alarm.
    assert trail["CloudWatchLogsLogGroupArn"].split(":")[6] == seeded.trail_log_group
    (metric_filter,) = aws.client("logs", PRIMARY).describe_metric_filters()["metricFilters"]
    assert (metric_filter["logGroupName"], metric_filter["filterName"]) == (
        seeded.trail_log_group,
        "SecurityGroupChanges",
    )
    for region in seeded.regions:
        config = aws.client("config", region)
        (status,) = config.describe_configuration_recorder_status()["ConfigurationRecordersStatus"]
        assert (status["name"], status["recording"]) == (seeded.config_recorder_names[region], True)
        assert config.describe_delivery_channels()["DeliveryChannels"][0]["s3BucketName"] == (
            seeded.config_bucket
        )
        guardduty = aws.client("guardduty", region)
        assert guardduty.list_detectors()["DetectorIds"] == [seeded.guardduty_detector_ids[region]]
        # Network changes alert the security team in every region (CIS 4.10-4.14).
        events = aws.client("events", region)
        (rule,) = events.list_rules()["Rules"]
        assert (rule["Arn"], rule["State"]) == (seeded.change_alert_rule_arns[region], "ENABLED")
        (target,) = events.list_targets_by_rule(Rule=rule["Name"])["Targets"]
        assert target["Arn"].endswith(":netwarden-demo-network-alerts")
        pattern = json.loads(rule["EventPattern"])
        assert set(pattern["detail"]["eventName"]) == {
            event for family in FAMILIES.values() for event in family.events
        }


def check_disaster_recovery_region(aws: AwsEnv, seeded: SeedResult) -> None:
    ec2 = aws.client("ec2", DR)
    (vpc,) = ec2.describe_vpcs(VpcIds=[seeded.dr_vpc_id])["Vpcs"]
    assert (vpc["CidrBlock"], tag(vpc, "Exposure")) == ("10.2.0.0/16", "internal")
    assert vpc["Ipv6CidrBlockAssociationSet"]
    igws = ec2.describe_internet_gateways(
        Filters=[{"Name": "attachment.vpc-id", "Values": [seeded.dr_vpc_id]}]
    )["InternetGateways"]
    assert igws == []
    (eigw,) = ec2.describe_egress_only_internet_gateways()["EgressOnlyInternetGateways"]
    assert (eigw["EgressOnlyInternetGatewayId"], eigw["Attachments"][0]["VpcId"]) == (
        seeded.egress_only_igw_id,
        seeded.dr_vpc_id,
    )
    (attachment,) = ec2.describe_transit_gateway_attachments()["TransitGatewayAttachments"]
    assert (attachment["TransitGatewayAttachmentId"], attachment["ResourceId"]) == (
        seeded.transit_attachment_id,
        seeded.dr_vpc_id,
    )
    assert attachment["TransitGatewayId"] == seeded.transit_gateway_id
    (vgw,) = ec2.describe_vpn_gateways()["VpnGateways"]
    assert vgw["VpcAttachments"] == [{"VpcId": seeded.dr_vpc_id, "State": "attached"}]
    (vpn,) = ec2.describe_vpn_connections()["VpnConnections"]
    assert (vpn["VpnConnectionId"], vpn["CustomerGatewayId"], vpn["VpnGatewayId"]) == (
        seeded.vpn_connection_id,
        seeded.customer_gateway_id,
        seeded.vpn_gateway_id,
    )
    (eni,) = ec2.describe_network_interfaces(NetworkInterfaceIds=[seeded.dr_eni_id])[
        "NetworkInterfaces"
    ]
    assert [g["GroupId"] for g in eni["Groups"]] == [seeded.dr_sg_id]
    (acl,) = ec2.describe_network_acls(NetworkAclIds=[seeded.dr_nacl_id])["NetworkAcls"]
    assert [a["SubnetId"] for a in acl["Associations"]] == [seeded.dr_subnet_id]
    assert nacl_admin_exposure(acl) == []
    (sg,) = ec2.describe_security_groups(GroupIds=[seeded.dr_sg_id])["SecurityGroups"]
    assert internet_ports(sg["IpPermissions"]) == set()
    # Nothing left lying around: every Elastic IP in the account is in use.
    for region in seeded.regions:
        assert all(
            "AssociationId" in a
            for a in aws.client("ec2", region).describe_addresses()["Addresses"]
        )


def check_exact_changes(
    aws: AwsEnv, seeded: SeedResult, result: IncidentResult, before: dict[str, Any]
) -> None:
    after = {region: state(aws, region) for region in seeded.regions}
    assert after[DR] == before[DR]
    old, new = before[PRIMARY], after[PRIMARY]
    added = set(new) - set(old)
    removed = set(old) - set(new)
    modified = {key for key in set(old) & set(new) if old[key] != new[key]}
    assert added == {
        ("aws.internet-gateway", result.rogue_igw_id),
        ("aws.elastic-ip", result.eip_allocation_id),
        ("aws.peering-connection", result.rogue_peering_id),
    }
    assert removed == {("aws.flow-log", seeded.prod_flow_log_id)}
    assert modified == {
        ("aws.security-group", seeded.bastion_sg_id),
        ("aws.network-acl", seeded.prod_nacl_id),
        ("aws.route-table", seeded.internal_route_table_id),
    }
    # Every change is one the result names, with the call that made it.
    assert {(c.resource_type, c.resource_id) for c in result.calls} == added | removed | modified
    assert [c.event_name for c in result.calls] == [
        "DeleteFlowLogs",
        "AuthorizeSecurityGroupIngress",
        "AuthorizeSecurityGroupIngress",
        "CreateNetworkAclEntry",
        "CreateInternetGateway",
        "AttachInternetGateway",
        "CreateRoute",
        "AllocateAddress",
        "CreateVpcPeeringConnection",
    ]
    assert all(c.event_time.endswith("Z") and c.region == PRIMARY for c in result.calls)
    json.dumps([c.request_parameters for c in result.calls] + [c.response for c in result.calls])


def check_network_opened(aws: AwsEnv, seeded: SeedResult, result: IncidentResult) -> None:
    ec2 = aws.client("ec2", PRIMARY)
    (bastion,) = ec2.describe_security_groups(GroupIds=[result.exposed_sg_id])["SecurityGroups"]
    assert internet_ports(bastion["IpPermissions"]) == {(22, 22), (3389, 3389)}
    assert len(result.exposed_sg_rule_ids) == 2
    (igw,) = ec2.describe_internet_gateways(InternetGatewayIds=[result.rogue_igw_id])[
        "InternetGateways"
    ]
    assert igw["Attachments"][0]["VpcId"] == seeded.internal_vpc_id
    (table,) = ec2.describe_route_tables(RouteTableIds=[seeded.internal_route_table_id])[
        "RouteTables"
    ]
    assert {"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": result.rogue_igw_id}.items() <= (
        next(r for r in table["Routes"] if r.get("DestinationCidrBlock") == "0.0.0.0/0").items()
    )
    (pcx,) = ec2.describe_vpc_peering_connections(
        VpcPeeringConnectionIds=[result.rogue_peering_id]
    )["VpcPeeringConnections"]
    assert pcx["AccepterVpcInfo"]["OwnerId"] == EXTERNAL_ACCOUNT == result.external_account_id
    assert pcx["AccepterVpcInfo"]["VpcId"] == result.external_vpc_id
    assert pcx["RequesterVpcInfo"]["VpcId"] == seeded.internal_vpc_id
    assert pcx["Status"]["Code"] != "active"
    flow_logs = ec2.describe_flow_logs()["FlowLogs"]
    assert {log["ResourceId"] for log in flow_logs} == {seeded.internal_vpc_id}
    (eip,) = ec2.describe_addresses(AllocationIds=[result.eip_allocation_id])["Addresses"]
    assert "AssociationId" not in eip and eip["PublicIp"] == result.eip_public_ip
    (acl,) = ec2.describe_network_acls(NetworkAclIds=[result.nacl_id])["NetworkAcls"]
    exposure = nacl_admin_exposure(acl)
    assert [(e["RuleNumber"], e["PortRange"]) for e in exposure] == [
        (result.nacl_rule_number, {"From": 3389, "To": 3389})
    ]


def check_cloudtrail_records(aws: AwsEnv, seeded: SeedResult, result: IncidentResult) -> None:
    user = f"arn:aws:iam::{ACCOUNT}:user/ci-deploy"
    records = incident_cloudtrail_records(
        result, ACCOUNT, PRIMARY, user, "AKIAIOSFODNN7EXAMPLE", "192.0.2.66", "aws-cli/2.15.30"
    )
    assert [r["eventName"] for r in records] == [c.event_name for c in result.calls]
    ssh = records[1]
    assert ssh["requestParameters"] == {
        "groupId": seeded.bastion_sg_id,
        "ipPermissions": {
            "items": [
                {
                    "ipProtocol": "tcp",
                    "fromPort": 22,
                    "toPort": 22,
                    "ipRanges": {"items": [{"cidrIp": "0.0.0.0/0", "description": "temp debug"}]},
                    "groups": {},
                    "ipv6Ranges": {},
                    "prefixListIds": {},
                }
            ]
        },
    }
    assert ssh["responseElements"]["_return"] is True
    assert ssh["userIdentity"]["type"] == "IAMUser"
    assert ssh["userIdentity"]["accessKeyId"] == "AKIAIOSFODNN7EXAMPLE"
    assert {
        (r["eventType"], r["eventCategory"], r["readOnly"], r["recipientAccountId"])
        for r in records
    } == {("AwsApiCall", "Management", False, ACCOUNT)}
    assert records[0]["requestParameters"] == {
        "DeleteFlowLogsRequest": {"FlowLogId": {"content": seeded.prod_flow_log_id, "tag": 1}}
    }

    keys = write_trail_objects(aws.client, seeded.trail_bucket, records, ACCOUNT, PRIMARY)
    prefix = f"AWSLogs/{ACCOUNT}/CloudTrail/{PRIMARY}/"
    assert keys and all(k.startswith(prefix) and k.endswith(".json.gz") for k in keys)
    # What attribution reads back names every changed resource in a record of its call.
    read = list(s3_records(f"s3://{seeded.trail_bucket}/AWSLogs/", aws.client("s3", PRIMARY)))
    assert len(read) == len(records)
    for call in result.calls:
        assert any(
            r["eventName"] == call.event_name and call.resource_id in mentioned_ids(r) for r in read
        ), call.event_name


# One seeded world per test (seeding takes seconds); subtests report each check on its own.
def test_seed_creates_what_it_says(aws: AwsEnv, subtests: pytest.Subtests) -> None:
    seeded = seed_organisation(aws.client, regions=(PRIMARY, DR))
    for check in (
        check_primary_region,
        check_security_groups_enis_and_acls,
        check_logging_and_detection,
        check_disaster_recovery_region,
    ):
        with subtests.test(check.__name__):
            check(aws, seeded)


def test_incident_changes_exactly_what_it_says(aws: AwsEnv, subtests: pytest.Subtests) -> None:
    seeded = seed_organisation(aws.client, regions=(PRIMARY, DR))
    before = {region: state(aws, region) for region in seeded.regions}
    result = apply_incident(aws.client, seeded)
    with subtests.test("exactly the named changes"):
        check_exact_changes(aws, seeded, result, before)
    with subtests.test("the network is opened"):
        check_network_opened(aws, seeded, result)
    with subtests.test("CloudTrail records"):
        check_cloudtrail_records(aws, seeded, result)
