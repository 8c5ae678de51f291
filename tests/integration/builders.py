"""Create one or more of every collected resource type in a moto region, through boto3."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from scanner.cli import cli

POLICIES = str(Path(__file__).resolve().parents[2] / "policies")
ClientFactory = Callable[[str, str], Any]


def scan_without_baseline(tmp_path: Path, region: str, *args: str) -> dict[str, Any]:
    """``netwarden scan`` of the moto world in ``region`` with the repository's rule pack, no
    baseline and ``--fail-on none`` into ``tmp_path/out``; it must exit 0. Returns the
    parsed findings.json (report.md and the others are beside it)."""
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli,
        ["scan", "--regions", region, "--policies", POLICIES, "--baseline-dir",
         str(tmp_path / "none"), "-o", str(out), "--fail-on", "none", *args],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    doc: dict[str, Any] = json.loads((out / "findings.json").read_text())
    return doc


def main_route_table(ec2: Any, vpc: str) -> str:
    """The id of the route table AWS made ``vpc``'s main one (moto creates it with the VPC)."""
    tables = ec2.describe_route_tables(
        Filters=[
            {"Name": "vpc-id", "Values": [vpc]},
            {"Name": "association.main", "Values": ["true"]},
        ]
    )["RouteTables"]
    assert len(tables) == 1, tables
    return str(tables[0]["RouteTableId"])


def create_every_type(client: ClientFactory, region: str, suffix: str = "") -> dict[str, int]:
    """Create resources of every collected type; return how many of each were created
    (including the ones AWS creates implicitly, like a new VPC's default security group)."""
    ec2 = client("ec2", region)
    s3 = client("s3", region)
    vpc_a = ec2.create_vpc(CidrBlock="10.10.0.0/16")["Vpc"]["VpcId"]
    vpc_b = ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
    subnet_a = ec2.create_subnet(VpcId=vpc_a, CidrBlock="10.10.1.0/24")["Subnet"]["SubnetId"]
    subnet_b = ec2.create_subnet(VpcId=vpc_b, CidrBlock="10.20.1.0/24")["Subnet"]["SubnetId"]
    sg = ec2.create_security_group(GroupName="web", Description="web", VpcId=vpc_a)["GroupId"]
    ec2.authorize_security_group_ingress(
        GroupId=sg,
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 443,
                "ToPort": 443,
                "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
            }
        ],
    )
    ec2.create_network_acl(VpcId=vpc_a)
    ec2.create_route_table(VpcId=vpc_a)
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc_a)
    ec2.create_egress_only_internet_gateway(VpcId=vpc_b)
    ec2.create_vpc_peering_connection(VpcId=vpc_a, PeerVpcId=vpc_b)
    nat_eip = ec2.allocate_address(Domain="vpc")["AllocationId"]
    ec2.create_nat_gateway(SubnetId=subnet_a, AllocationId=nat_eip)
    ec2.allocate_address(Domain="vpc")
    ec2.create_vpc_endpoint(VpcId=vpc_a, ServiceName=f"com.amazonaws.{region}.s3")
    ec2.create_network_interface(SubnetId=subnet_b, Groups=[])
    ec2.create_customer_gateway(BgpAsn=65000, PublicIp="198.51.100.7", Type="ipsec.1")
    cgw = ec2.describe_customer_gateways()["CustomerGateways"][0]["CustomerGatewayId"]
    vgw = ec2.create_vpn_gateway(Type="ipsec.1")["VpnGateway"]["VpnGatewayId"]
    ec2.create_vpn_connection(CustomerGatewayId=cgw, VpnGatewayId=vgw, Type="ipsec.1")
    tgw = ec2.create_transit_gateway(Description="hub")["TransitGateway"]["TransitGatewayId"]
    ec2.create_transit_gateway_vpc_attachment(
        TransitGatewayId=tgw, VpcId=vpc_b, SubnetIds=[subnet_b]
    )
    bucket = f"flow-logs-{region}{suffix}"
    location = (
        {}
        if region == "us-east-1"
        else {"CreateBucketConfiguration": {"LocationConstraint": region}}
    )
    s3.create_bucket(Bucket=bucket, **location)
    ec2.create_flow_logs(
        ResourceIds=[vpc_a],
        ResourceType="VPC",
        TrafficType="ALL",
        LogDestinationType="s3",
        LogDestination=f"arn:aws:s3:::{bucket}",
    )
    ec2.create_managed_prefix_list(
        PrefixListName="office",
        MaxEntries=5,
        AddressFamily="IPv4",
        Entries=[{"Cidr": "203.0.113.0/24", "Description": "office"}],
    )
    # BPA: the region's setting exists from the start (growth 0); one exclusion is created.
    ec2.modify_vpc_block_public_access_options(InternetGatewayBlockMode="block-ingress")
    ec2.create_vpc_block_public_access_exclusion(
        SubnetId=subnet_a, InternetGatewayExclusionMode="allow-bidirectional"
    )
    trail = client("cloudtrail", region)
    trail.create_trail(Name=f"trail-{region}", S3BucketName=bucket)
    trail.start_logging(Name=f"trail-{region}")
    config = client("config", region)
    config.put_configuration_recorder(
        ConfigurationRecorder={
            "name": "default",
            "roleARN": "arn:aws:iam::123456789012:role/config",
        }
    )
    client("guardduty", region).create_detector(Enable=True)
    # What alerts on network changes: an EventBridge rule with a target, and a metric filter
    # whose (custom) metric has an alarm, below.
    events = client("events", region)
    events.put_rule(
        Name=f"network-changes{suffix}",
        EventPattern='{"source": ["aws.ec2"], "detail-type": ["AWS API Call via CloudTrail"]}',
    )
    events.put_targets(
        Rule=f"network-changes{suffix}",
        Targets=[{"Id": "sns", "Arn": f"arn:aws:sns:{region}:123456789012:alerts"}],
    )
    logs = client("logs", region)
    logs.create_log_group(logGroupName=f"trail-logs{suffix}")
    logs.put_metric_filter(
        logGroupName=f"trail-logs{suffix}",
        filterName="RouteTableChanges",
        filterPattern="{ ($.eventName = CreateRoute) || ($.eventName = DeleteRoute) }",
        metricTransformations=[
            {"metricName": "RouteTableChanges", "metricNamespace": "CIS", "metricValue": "1"}
        ],
    )
    cloudwatch = client("cloudwatch", region)
    for name, namespace, metric in (
        ("nat-bytes-out", "AWS/NATGateway", "BytesOutToDestination"),
        ("cpu-high", "AWS/EC2", "CPUUtilization"),
        ("route-changes", "CIS", "RouteTableChanges"),
    ):
        cloudwatch.put_metric_alarm(
            AlarmName=name,
            Namespace=namespace,
            MetricName=metric,
            Statistic="Sum",
            Period=300,
            EvaluationPeriods=1,
            Threshold=1.0,
            ComparisonOperator="GreaterThanThreshold",
        )
    return {
        "aws.vpc": 2,
        "aws.subnet": 2,
        "aws.security-group": 3,  # ours + the default group of each new VPC
        "aws.network-acl": 3,  # ours + the default ACL of each new VPC
        "aws.route-table": 3,  # ours + the main table of each new VPC
        "aws.internet-gateway": 1,
        "aws.egress-only-internet-gateway": 1,
        "aws.peering-connection": 1,
        "aws.nat-gateway": 1,
        "aws.vpc-endpoint": 1,
        "aws.elastic-ip": 2,
        "aws.eni": ENIS_CREATED,
        "aws.customer-gateway": 1,
        "aws.vpn-gateway": 1,
        "aws.vpn-connection": 1,
        "aws.transit-gateway": 1,
        "aws.transit-attachment": 1,
        "aws.flow-log": 1,
        "aws.prefix-list": 1,
        "aws.vpc-block-public-access": 0,  # one a region, before and after
        "aws.vpc-block-public-access-exclusion": 1,
        "aws.cloudtrail": 1,
        "aws.config-recorder": 1,
        "aws.guardduty-detector": 1,
        # the NAT-gateway alarm and the custom-metric one; the EC2 CPU alarm is not collected
        "aws.alarm": 2,
        "aws.event-rule": 1,
        "aws.log-metric": 1,
    }


# Our interface, plus the one moto creates for the NAT gateway (as AWS does).
ENIS_CREATED = 2
