"""The seeded environment of the API benchmark: per region, hundreds of security groups (with
rules), route tables (with routes), network ACLs (with entries) and ENIs, a few VPCs,
subnets, internet gateways, Elastic IPs and flow logs, and the logging posture (trail,
Config recorder, GuardDuty detector, a NAT gateway with its alarms, an EventBridge rule).

The bulk goes straight into moto's in-process backends (through the HTTP API it would take
minutes at 17 regions); the posture, a handful of calls per region, goes through boto3 so
the services that need cross-service set-up (S3 buckets for the trail) see real requests.
A fixed seed makes the same world every run.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

# The 17 regions enabled by default in a commercial account (no opt-in needed), in the
# order the benchmark's region counts (1, 4, 17) take them.
REGIONS = (
    "us-east-1",
    "eu-west-1",
    "ap-northeast-1",
    "us-west-2",
    "us-east-2",
    "us-west-1",
    "ca-central-1",
    "eu-west-2",
    "eu-west-3",
    "eu-central-1",
    "eu-north-1",
    "ap-south-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-southeast-1",
    "ap-southeast-2",
    "sa-east-1",
)

ACCOUNT = "123456789012"  # moto's default account
OPEN_PORTS = (22, 80, 443, 3306, 3389, 5432, 6379, 8080, 9200)
PRIVATE_SOURCES = ("10.0.0.0/8", "10.20.0.0/16", "172.16.0.0/12", "192.168.10.0/24")


@dataclass(frozen=True)
class Shape:
    """How much of each thing one region holds (the bulk types' counts are exact)."""

    vpcs: int = 6
    subnets_per_vpc: int = 4
    security_groups: int = 400
    route_tables: int = 250
    network_acls: int = 250
    enis: int = 400
    elastic_ips: int = 6

    def to_dict(self) -> dict[str, int]:
        return asdict(self)


SMALL = Shape(2, 2, 30, 12, 12, 20, 2)

ClientFactory = Callable[[str, str], Any]


def _ec2_backend(region: str) -> Any:
    from moto.ec2.models import ec2_backends

    return ec2_backends[ACCOUNT][region]


def _permission(rng: random.Random, groups: list[str]) -> dict[str, Any]:
    port = rng.choice(OPEN_PORTS)
    roll = rng.random()
    if roll < 0.08:
        source: dict[str, Any] = {"ip_ranges": [{"CidrIp": "0.0.0.0/0"}]}
    elif roll < 0.35 and groups:
        source = {"ip_ranges": [], "source_groups": [{"GroupId": rng.choice(groups)}]}
    else:
        source = {"ip_ranges": [{"CidrIp": rng.choice(PRIVATE_SOURCES)}]}
    return {"ip_protocol": "tcp", "from_port": str(port), "to_port": str(port), **source}


def _security_groups(backend: Any, rng: random.Random, vpcs: list[str], count: int) -> list[str]:
    made: list[str] = []
    for index in range(count):
        vpc = vpcs[index % len(vpcs)]
        group = backend.create_security_group(
            f"bench-sg-{index}", "netwarden benchmark", vpc, tags={"Name": f"bench-sg-{index}"}
        )
        seen: set[int] = set()
        for _ in range(rng.randint(1, 4)):
            permission = _permission(rng, made)
            if int(permission["from_port"]) in seen:
                continue
            seen.add(int(permission["from_port"]))
            backend.authorize_security_group_ingress(group.id, vpc_id=vpc, **permission)
        made.append(group.id)
    return made


def _route_tables(
    backend: Any, vpcs: list[str], igws: dict[str, str], subnets: list[str], count: int
) -> None:
    for index in range(count):
        vpc = vpcs[index % len(vpcs)]
        table = backend.create_route_table(
            vpc, tags=[{"Key": "Name", "Value": f"bench-rt-{index}"}]
        )
        if vpc in igws and index % 3 == 0:
            backend.create_route(table.id, "0.0.0.0/0", gateway_id=igws[vpc])
        if index < len(subnets):
            backend.associate_route_table(table.id, subnet_id=subnets[index])


def _network_acls(backend: Any, vpcs: list[str], count: int) -> None:
    for index in range(count):
        acl = backend.create_network_acl(
            vpcs[index % len(vpcs)], tags=[{"Key": "Name", "Value": f"bench-acl-{index}"}]
        )
        entries = [(100, "6", "allow", "10.0.0.0/8", 443), (110, "6", "allow", "0.0.0.0/0", 443)]
        if index % 10 == 0:  # a few allow SSH from anywhere: findings for the pack
            entries.append((120, "6", "allow", "0.0.0.0/0", 22))
        for number, protocol, action, cidr, port in entries:
            for egress in (False, True):
                backend.create_network_acl_entry(
                    acl.id, number, protocol, action, egress, cidr, None, None, port, port, None
                )


def _enis(backend: Any, rng: random.Random, subnets: list[str], groups: list[str], n: int) -> None:
    used = groups[: max(1, len(groups) * 3 // 4)]  # a quarter of the groups stay unused
    for index in range(n):
        subnet = backend.get_subnet(subnets[index % len(subnets)])
        backend.create_network_interface(
            subnet, None, group_ids=[rng.choice(used)], description=f"bench-eni-{index}"
        )


def seed_region(region: str, shape: Shape, seed: int = 7) -> dict[str, list[str]]:
    """The bulk of one region, straight into moto's EC2 backend; returns the VPCs made."""
    rng = random.Random(f"{seed}-{region}")
    backend = _ec2_backend(region)
    vpcs, subnets, igws = [], [], {}
    for v in range(shape.vpcs):
        exposure = "internal" if v % 2 else "public"
        vpc = backend.create_vpc(
            f"10.{v}.0.0/16",
            tags=[
                {"Key": "Name", "Value": f"bench-vpc-{v}"},
                {"Key": "Exposure", "Value": exposure},
            ],
        )
        vpcs.append(vpc.id)
        if exposure == "public":
            igw = backend.create_internet_gateway()
            backend.attach_internet_gateway(igw.id, vpc.id)
            igws[vpc.id] = igw.id
        for s in range(shape.subnets_per_vpc):
            subnet = backend.create_subnet(
                vpc.id,
                f"10.{v}.{s}.0/24",
                tags={"subnet": {"Exposure": "private" if s % 2 else "public"}},
            )
            subnets.append(subnet.id)
    groups = _security_groups(backend, rng, vpcs, shape.security_groups)
    _route_tables(backend, vpcs, igws, subnets, shape.route_tables)
    _network_acls(backend, vpcs, shape.network_acls)
    _enis(backend, rng, subnets, groups, shape.enis)
    for _ in range(shape.elastic_ips):
        backend.allocate_address("vpc")
    return {"vpcs": vpcs, "subnets": subnets}


def seed_posture(make_client: ClientFactory, region: str, home: str, made: dict[str, Any]) -> None:
    """Flow logs on half the VPCs, Config, GuardDuty, a NAT gateway with its two alarms, an
    EventBridge rule on EC2 API calls with a target, and (in the home region) one multi-region
    trail: a few API calls per region."""
    ec2 = make_client("ec2", region)
    bucket = f"netwarden-bench-logs-{region}"
    s3 = make_client("s3", region)
    location = (
        {}
        if region == "us-east-1"
        else {"CreateBucketConfiguration": {"LocationConstraint": region}}
    )
    s3.create_bucket(Bucket=bucket, **location)
    logged = made["vpcs"][::2]
    ec2.create_flow_logs(
        ResourceIds=logged,
        ResourceType="VPC",
        TrafficType="ALL",
        LogDestinationType="s3",
        LogDestination=f"arn:aws:s3:::{bucket}",
    )
    config = make_client("config", region)
    config.put_configuration_recorder(
        ConfigurationRecorder={
            "name": "default",
            "roleARN": f"arn:aws:iam::{ACCOUNT}:role/config",
            "recordingGroup": {"allSupported": True, "includeGlobalResourceTypes": False},
        }
    )
    config.put_delivery_channel(DeliveryChannel={"name": "default", "s3BucketName": bucket})
    config.start_configuration_recorder(ConfigurationRecorderName="default")
    make_client("guardduty", region).create_detector(Enable=True)
    eip = ec2.allocate_address(Domain="vpc")["AllocationId"]
    nat = ec2.create_nat_gateway(SubnetId=made["subnets"][0], AllocationId=eip)
    nat_id = nat["NatGateway"]["NatGatewayId"]
    cloudwatch = make_client("cloudwatch", region)
    for metric in ("BytesOutToDestination", "ErrorPortAllocation"):
        cloudwatch.put_metric_alarm(
            AlarmName=f"{nat_id}-{metric}",
            Namespace="AWS/NATGateway",
            MetricName=metric,
            Dimensions=[{"Name": "NatGatewayId", "Value": nat_id}],
            Statistic="Sum",
            Period=300,
            EvaluationPeriods=1,
            Threshold=1,
            ComparisonOperator="GreaterThanOrEqualToThreshold",
        )
    events = make_client("events", region)
    events.put_rule(
        Name="network-changes",
        EventPattern='{"source":["aws.ec2"],"detail-type":["AWS API Call via CloudTrail"]}',
    )
    events.put_targets(
        Rule="network-changes",
        Targets=[{"Id": "sns", "Arn": f"arn:aws:sns:{region}:{ACCOUNT}:security"}],
    )
    if region == home:
        trail = make_client("cloudtrail", region)
        trail.create_trail(Name="bench-trail", S3BucketName=bucket, IsMultiRegionTrail=True)
        trail.start_logging(Name="bench-trail")


def seed(endpoint: str, regions: list[str], shape: Shape, seed: int = 7) -> None:
    """The whole world: bulk into the backends, posture through ``endpoint``."""
    import boto3

    session = boto3.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name=regions[0]
    )

    def make_client(service: str, region: str) -> Any:
        return session.client(service, region_name=region, endpoint_url=endpoint)

    for region in regions:
        made = seed_region(region, shape, seed)
        seed_posture(make_client, region, regions[0], made)
