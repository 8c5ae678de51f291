"""The demo organisation: a realistic, compliant multi-region network built through boto3.

Everything is created on an empty account (moto after a reset), with deterministic names and
tags, and the result names every created id by its role so the incident and the tests can
refer to them. The seeded state is clean against the rule pack's conventions: internet-facing
ports are only 80/443, no SSH/RDP from the internet, flow logs on every VPC created here, no
internet gateway on a VPC tagged ``Exposure: internal``, the seeded VPCs' default security
groups emptied, trail, Config and GuardDuty on.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import boto3

from scanner.demo.seed_network import (
    INTERNAL_CIDR,
    INTERNET,
    INTERNET_V6,
    OFFICE_CIDRS,
    PROD_CIDR,
    build_disaster_recovery,
    make_eni,
    make_nacl,
    make_public_instance,
    make_route_table,
    make_sg,
    make_subnets,
    make_vpc,
    own_account_only_policy,
    tags,
    tcp,
)
from scanner.demo.seed_posture import (
    change_alerts,
    enable_posture,
    flow_logs,
    make_bucket,
    nat_alarms,
)

ClientFactory = Callable[[str, str], Any]


@dataclass(frozen=True)
class SeedResult:
    """Every id the seed created, by role. Collections are tuples or region/VPC-keyed maps."""

    account_id: str
    regions: tuple[str, ...]
    primary_region: str
    # production VPC (primary region)
    prod_vpc_id: str
    prod_public_subnet_ids: tuple[str, ...]
    prod_private_subnet_ids: tuple[str, ...]
    internet_gateway_id: str
    public_route_table_id: str
    private_route_table_id: str
    nat_gateway_id: str
    nat_eip_allocation_id: str
    web_sg_id: str
    bastion_sg_id: str
    app_sg_id: str
    db_sg_id: str
    eni_ids: tuple[str, ...]
    # web-a and the bastion (eni_ids[0] and [2]) as instances, each at an Elastic IP
    public_instance_ids: tuple[str, ...]
    s3_endpoint_id: str
    prod_nacl_id: str  # the public subnets' ACL
    prod_private_nacl_id: str
    office_prefix_list_id: str
    # internal VPC (primary region)
    internal_vpc_id: str
    internal_subnet_ids: tuple[str, ...]
    internal_route_table_id: str
    internal_nacl_id: str
    peering_id: str
    # posture
    trail_name: str
    trail_arn: str
    trail_bucket: str
    config_bucket: str
    flow_log_buckets: Mapping[str, str]  # region -> bucket
    flow_log_ids: Mapping[str, str]  # VPC id -> flow log id
    nat_alarm_names: tuple[str, ...]
    alarm_topic_arn: str
    config_recorder_names: Mapping[str, str]  # region -> recorder
    guardduty_detector_ids: Mapping[str, str]  # region -> detector
    change_alert_rule_arns: Mapping[str, str]  # region -> EventBridge rule on network changes
    trail_log_group: str  # the trail's CloudWatch Logs group (primary region), with a filter
    # disaster-recovery VPC (second region; None when only one region is seeded)
    dr_region: str | None = None
    dr_vpc_id: str | None = None
    dr_subnet_id: str | None = None
    dr_sg_id: str | None = None
    dr_route_table_id: str | None = None
    dr_nacl_id: str | None = None
    dr_eni_id: str | None = None
    transit_gateway_id: str | None = None
    transit_attachment_id: str | None = None
    customer_gateway_id: str | None = None
    vpn_gateway_id: str | None = None
    vpn_connection_id: str | None = None
    egress_only_igw_id: str | None = None

    @property
    def prod_flow_log_id(self) -> str:
        return self.flow_log_ids[self.prod_vpc_id]

    @property
    def seeded_vpc_ids(self) -> tuple[str, ...]:
        vpcs = (self.prod_vpc_id, self.internal_vpc_id, self.dr_vpc_id)
        return tuple(v for v in vpcs if v)


def assume_role_factory(make_client: ClientFactory, account_id: str) -> ClientFactory:
    """A client factory acting in ``account_id`` (moto: STS AssumeRole into any account).

    The endpoint is the base factory's own, so the other account lives on the same server.
    """
    sts = make_client("sts", "us-east-1")
    credentials = sts.assume_role(
        RoleArn=f"arn:aws:iam::{account_id}:role/netwarden-demo-external",
        RoleSessionName="netwarden-demo",
    )["Credentials"]
    endpoint = sts.meta.endpoint_url

    def make(service: str, region: str) -> Any:
        return boto3.client(
            service,
            region_name=region,
            endpoint_url=endpoint,
            aws_access_key_id=credentials["AccessKeyId"],
            aws_secret_access_key=credentials["SecretAccessKey"],
            aws_session_token=credentials["SessionToken"],
        )

    return make


# Return traffic uses the Linux ephemeral range, which keeps 22 and 3389 closed to the
# internet (CIS 5.1) where the usual 1024-65535 would open them.
PROD_PUBLIC_SUBNET_CIDRS = ("10.0.0.0/24", "10.0.1.0/24")
PROD_PRIVATE_SUBNET_CIDRS = ("10.0.10.0/24", "10.0.11.0/24")
INTERNAL_SUBNET_CIDRS = ("10.1.0.0/24", "10.1.1.0/24")

_PUBLIC_NACL = [
    (100, False, INTERNET, (443, 443)),
    (110, False, INTERNET, (80, 80)),
    (120, False, OFFICE_CIDRS[0], (22, 22)),
    (130, False, INTERNET, (32768, 65535)),
    (140, False, PROD_CIDR, None),
    (100, True, INTERNET, None),
]
_INTERNAL_NACL = [
    (100, False, PROD_CIDR, None),
    (110, False, INTERNAL_CIDR, None),
    (100, True, PROD_CIDR, None),
    (110, True, INTERNAL_CIDR, None),
]
_PRIVATE_NACL = [
    (100, False, PROD_CIDR, None),
    (110, False, INTERNAL_CIDR, None),
    (120, False, INTERNET, (32768, 65535)),
    (100, True, INTERNET, None),
]


def _primary(make_client: ClientFactory, region: str, ids: dict[str, Any]) -> None:
    ec2 = make_client("ec2", region)
    azs = [z["ZoneName"] for z in ec2.describe_availability_zones()["AvailabilityZones"]][:2]
    prod = ids["prod_vpc_id"] = make_vpc(ec2, PROD_CIDR, "prod", "public")
    public = ids["prod_public_subnet_ids"] = make_subnets(
        ec2, prod, PROD_PUBLIC_SUBNET_CIDRS, azs, "prod-public", "public"
    )
    private = ids["prod_private_subnet_ids"] = make_subnets(
        ec2, prod, PROD_PRIVATE_SUBNET_CIDRS, azs, "prod-private", "private"
    )
    igw = ids["internet_gateway_id"] = ec2.create_internet_gateway(
        TagSpecifications=tags("internet-gateway", "prod-igw")
    )["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=prod)
    public_rtb = ids["public_route_table_id"] = make_route_table(ec2, prod, "prod-public", public)
    ec2.create_route(RouteTableId=public_rtb, DestinationCidrBlock=INTERNET, GatewayId=igw)
    eip = ids["nat_eip_allocation_id"] = ec2.allocate_address(
        Domain="vpc", TagSpecifications=tags("elastic-ip", "prod-nat")
    )["AllocationId"]
    nat = ids["nat_gateway_id"] = ec2.create_nat_gateway(
        SubnetId=public[0], AllocationId=eip, TagSpecifications=tags("natgateway", "prod-nat")
    )["NatGateway"]["NatGatewayId"]
    private_rtb = ids["private_route_table_id"] = make_route_table(
        ec2, prod, "prod-private", private
    )
    ec2.create_route(RouteTableId=private_rtb, DestinationCidrBlock=INTERNET, NatGatewayId=nat)

    world = {"IpRanges": [{"CidrIp": INTERNET}], "Ipv6Ranges": [{"CidrIpv6": INTERNET_V6}]}
    web = ids["web_sg_id"] = make_sg(
        ec2, prod, "web", "Public web tier", [tcp(80, **world), tcp(443, **world)]
    )
    office = {"IpRanges": [{"CidrIp": OFFICE_CIDRS[0], "Description": "office"}]}
    bastion = ids["bastion_sg_id"] = make_sg(
        ec2, prod, "bastion", "SSH from the office", [tcp(22, **office)]
    )
    app = ids["app_sg_id"] = make_sg(
        ec2, prod, "app", "App tier", [tcp(8080, UserIdGroupPairs=[{"GroupId": web}])]
    )
    db = ids["db_sg_id"] = make_sg(
        ec2, prod, "db", "Postgres", [tcp(5432, UserIdGroupPairs=[{"GroupId": app}])]
    )
    ids["eni_ids"] = (
        make_eni(ec2, public[0], web, "web-a"),
        make_eni(ec2, public[1], web, "web-b"),
        make_eni(ec2, public[0], bastion, "bastion"),
        make_eni(ec2, private[0], app, "app-a"),
        make_eni(ec2, private[1], app, "app-b"),
        make_eni(ec2, private[1], db, "db"),
    )
    # The public web server and the bastion run on their interfaces, at Elastic IPs.
    ids["public_instance_ids"] = tuple(
        make_public_instance(ec2, ids["eni_ids"][index], name)[0]
        for index, name in ((0, "web-a"), (2, "bastion"))
    )
    ids["s3_endpoint_id"] = ec2.create_vpc_endpoint(
        VpcId=prod,
        VpcEndpointType="Gateway",
        ServiceName=f"com.amazonaws.{region}.s3",
        RouteTableIds=[private_rtb],
        PolicyDocument=own_account_only_policy(ids["account_id"]),
        TagSpecifications=tags("vpc-endpoint", "prod-s3"),
    )["VpcEndpoint"]["VpcEndpointId"]
    ids["prod_nacl_id"] = make_nacl(ec2, prod, "prod-public", public, _PUBLIC_NACL)
    ids["prod_private_nacl_id"] = make_nacl(ec2, prod, "prod-private", private, _PRIVATE_NACL)
    ids["office_prefix_list_id"] = ec2.create_managed_prefix_list(
        PrefixListName="office-cidrs",
        MaxEntries=10,
        AddressFamily="IPv4",
        Entries=[{"Cidr": c, "Description": "office"} for c in OFFICE_CIDRS],
        TagSpecifications=tags("prefix-list", "office-cidrs"),
    )["PrefixList"]["PrefixListId"]

    internal = ids["internal_vpc_id"] = make_vpc(ec2, INTERNAL_CIDR, "internal", "internal")
    internal_subnets = ids["internal_subnet_ids"] = make_subnets(
        ec2, internal, INTERNAL_SUBNET_CIDRS, azs, "internal", "private"
    )
    internal_rtb = ids["internal_route_table_id"] = make_route_table(
        ec2, internal, "internal", internal_subnets
    )
    peering = ids["peering_id"] = ec2.create_vpc_peering_connection(
        VpcId=prod,
        PeerVpcId=internal,
        TagSpecifications=tags("vpc-peering-connection", "prod-internal"),
    )["VpcPeeringConnection"]["VpcPeeringConnectionId"]
    ec2.accept_vpc_peering_connection(VpcPeeringConnectionId=peering)
    # Least access (CIS 5.5): the app subnets and the internal subnets, not the whole VPCs.
    for table, destinations in (
        (private_rtb, INTERNAL_SUBNET_CIDRS),
        (internal_rtb, PROD_PRIVATE_SUBNET_CIDRS),
    ):
        for cidr in destinations:
            ec2.create_route(
                RouteTableId=table, DestinationCidrBlock=cidr, VpcPeeringConnectionId=peering
            )
    ids["internal_nacl_id"] = make_nacl(ec2, internal, "internal", internal_subnets, _INTERNAL_NACL)


def seed_organisation(
    make_client: ClientFactory, regions: Sequence[str] = ("us-east-1", "eu-west-1")
) -> SeedResult:
    """Build the demo organisation in an empty account and return every id by role.

    The first region holds production and the internal VPC; the second, if any, the
    disaster-recovery VPC with its transit gateway and site-to-site VPN.
    """
    primary = regions[0]
    account = make_client("sts", primary).get_caller_identity()["Account"]
    ids: dict[str, Any] = {
        "account_id": account,
        "regions": tuple(regions),
        "primary_region": primary,
    }
    _primary(make_client, primary, ids)
    if len(regions) > 1:
        build_disaster_recovery(make_client, regions[1], ids)
    vpcs_by_region = {primary: {ids["prod_vpc_id"]: "prod", ids["internal_vpc_id"]: "internal"}}
    if ids.get("dr_vpc_id"):
        vpcs_by_region[regions[1]] = {ids["dr_vpc_id"]: "dr"}
    buckets, flow_log_ids = {}, {}
    for region, vpcs in vpcs_by_region.items():
        bucket = buckets[region] = make_bucket(
            make_client, f"netwarden-demo-flow-logs-{account}-{region}", region
        )
        flow_log_ids.update(flow_logs(make_client("ec2", region), vpcs, bucket))
    ids["flow_log_buckets"], ids["flow_log_ids"] = buckets, flow_log_ids
    ids.update(enable_posture(make_client, account, tuple(regions)))
    ids.update(nat_alarms(make_client, primary, ids["nat_gateway_id"]))
    ids.update(change_alerts(make_client, account, tuple(regions), ids["trail_arn"]))
    return SeedResult(**ids)
