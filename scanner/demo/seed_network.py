"""Building blocks of the demo network (tagged VPCs, subnets, route tables, groups, ENIs,
ACLs) and the disaster-recovery region built from them. Used by ``seed.py``."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

ClientFactory = Callable[[str, str], Any]

INTERNET = "0.0.0.0/0"
INTERNET_V6 = "::/0"
OFFICE_CIDRS = ("203.0.113.0/24", "198.51.100.0/24")
PROD_CIDR, INTERNAL_CIDR, DR_CIDR = "10.0.0.0/16", "10.1.0.0/16", "10.2.0.0/16"
ON_PREM_CIDR = "192.168.0.0/16"
DEMO_TAG = {"Key": "ManagedBy", "Value": "netwarden-demo"}


def tags(resource_type: str, name: str, **extra: str) -> list[dict[str, Any]]:
    """A ``TagSpecifications`` value: Name, the demo marker and any extra tags."""
    tag_list = [{"Key": "Name", "Value": name}, DEMO_TAG]
    tag_list += [{"Key": k, "Value": v} for k, v in extra.items()]
    return [{"ResourceType": resource_type, "Tags": tag_list}]


def tcp(port: int, **sources: Any) -> dict[str, Any]:
    """One tcp ``IpPermission`` for ``port`` from the given ``IpRanges``/``UserIdGroupPairs``."""
    return {"IpProtocol": "tcp", "FromPort": port, "ToPort": port, **sources}


def own_account_only_policy(account: str) -> str:
    """An endpoint policy for this account's principals only (not the default full access)."""
    statement = {
        "Sid": "OwnAccountOnly",
        "Effect": "Allow",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": "*",
        "Condition": {"StringEquals": {"aws:PrincipalAccount": account}},
    }
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def make_vpc(ec2: Any, cidr: str, name: str, exposure: str, **extra: Any) -> str:
    """A tagged VPC with DNS hostnames on, its default security group emptied and its default
    network ACL reduced to the final deny entries."""
    vpc_id: str = ec2.create_vpc(
        CidrBlock=cidr, TagSpecifications=tags("vpc", name, Exposure=exposure), **extra
    )["Vpc"]["VpcId"]
    ec2.modify_vpc_attribute(VpcId=vpc_id, EnableDnsHostnames={"Value": True})
    # CIS 5.4 / FSBP EC2.2: the default group of every VPC we own allows nothing.
    default_sg = ec2.describe_security_groups(
        Filters=[
            {"Name": "vpc-id", "Values": [vpc_id]},
            {"Name": "group-name", "Values": ["default"]},
        ]
    )["SecurityGroups"][0]
    if default_sg["IpPermissions"]:
        ec2.revoke_security_group_ingress(
            GroupId=default_sg["GroupId"], IpPermissions=default_sg["IpPermissions"]
        )
    if default_sg["IpPermissionsEgress"]:
        ec2.revoke_security_group_egress(
            GroupId=default_sg["GroupId"], IpPermissions=default_sg["IpPermissionsEgress"]
        )
    # Every subnet gets an ACL of its own; the default ACL keeps only the final deny, so a
    # subnet created later is closed until someone decides what it needs (CIS 5.1).
    default_acl = ec2.describe_network_acls(
        Filters=[{"Name": "vpc-id", "Values": [vpc_id]}, {"Name": "default", "Values": ["true"]}]
    )["NetworkAcls"][0]
    for entry in default_acl["Entries"]:
        if entry["RuleNumber"] < 32767:
            ec2.delete_network_acl_entry(
                NetworkAclId=default_acl["NetworkAclId"],
                RuleNumber=entry["RuleNumber"],
                Egress=entry["Egress"],
            )
    return vpc_id


def make_subnets(
    ec2: Any, vpc_id: str, cidrs: Sequence[str], azs: Sequence[str], name: str, exposure: str
) -> tuple[str, ...]:
    """One tagged subnet per (CIDR, availability zone)."""
    return tuple(
        ec2.create_subnet(
            VpcId=vpc_id,
            CidrBlock=cidr,
            AvailabilityZone=az,
            TagSpecifications=tags("subnet", f"{name}-{az[-1]}", Exposure=exposure),
        )["Subnet"]["SubnetId"]
        for cidr, az in zip(cidrs, azs, strict=True)
    )


def make_route_table(ec2: Any, vpc_id: str, name: str, subnets: Sequence[str]) -> str:
    """A tagged route table associated with ``subnets``."""
    rtb: str = ec2.create_route_table(VpcId=vpc_id, TagSpecifications=tags("route-table", name))[
        "RouteTable"
    ]["RouteTableId"]
    for subnet in subnets:
        ec2.associate_route_table(RouteTableId=rtb, SubnetId=subnet)
    return rtb


def make_sg(ec2: Any, vpc_id: str, name: str, description: str, rules: list[dict[str, Any]]) -> str:
    """A tagged security group with ``rules`` as its ingress."""
    sg: str = ec2.create_security_group(
        GroupName=name,
        Description=description,
        VpcId=vpc_id,
        TagSpecifications=tags("security-group", name),
    )["GroupId"]
    if rules:
        ec2.authorize_security_group_ingress(GroupId=sg, IpPermissions=rules)
    return sg


def make_eni(ec2: Any, subnet: str, sg: str, name: str) -> str:
    """A tagged network interface in ``subnet`` using group ``sg``."""
    eni: str = ec2.create_network_interface(
        SubnetId=subnet,
        Groups=[sg],
        Description=name,
        TagSpecifications=tags("network-interface", name),
    )["NetworkInterface"]["NetworkInterfaceId"]
    return eni


def make_public_instance(ec2: Any, eni: str, name: str) -> tuple[str, str]:
    """An instance on the interface ``eni``, reachable at an Elastic IP: (instance id,
    allocation id). What the exposure analysis finds behind the public subnets."""
    image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    instance: str = ec2.run_instances(
        ImageId=image,
        MinCount=1,
        MaxCount=1,
        InstanceType="t3.micro",
        NetworkInterfaces=[{"NetworkInterfaceId": eni, "DeviceIndex": 0}],
        TagSpecifications=tags("instance", name),
    )["Instances"][0]["InstanceId"]
    allocation: str = ec2.allocate_address(
        Domain="vpc", TagSpecifications=tags("elastic-ip", name)
    )["AllocationId"]
    ec2.associate_address(AllocationId=allocation, NetworkInterfaceId=eni)
    return instance, allocation


def make_nacl(ec2: Any, vpc_id: str, name: str, subnets: Sequence[str], entries: list[Any]) -> str:
    """A tagged network ACL with ``entries`` (number, egress, CIDR, tcp ports or None for
    all traffic), replacing the ACL of each of ``subnets``."""
    acl: str = ec2.create_network_acl(VpcId=vpc_id, TagSpecifications=tags("network-acl", name))[
        "NetworkAcl"
    ]["NetworkAclId"]
    for number, egress, cidr, ports in entries:
        port_range = {"PortRange": {"From": ports[0], "To": ports[1]}} if ports else {}
        ec2.create_network_acl_entry(
            NetworkAclId=acl,
            RuleNumber=number,
            Protocol="6" if ports else "-1",
            RuleAction="allow",
            Egress=egress,
            **({"Ipv6CidrBlock": cidr} if ":" in cidr else {"CidrBlock": cidr}),
            **port_range,
        )
    for subnet in subnets:
        current = ec2.describe_network_acls(
            Filters=[{"Name": "association.subnet-id", "Values": [subnet]}]
        )["NetworkAcls"][0]["Associations"]
        association = next(a for a in current if a["SubnetId"] == subnet)
        ec2.replace_network_acl_association(
            AssociationId=association["NetworkAclAssociationId"], NetworkAclId=acl
        )
    return acl


# Replication and the VPN from anywhere private; return traffic of IPv6 egress.
DR_NACL = [
    (100, False, "10.0.0.0/8", None),
    (110, False, ON_PREM_CIDR, None),
    (120, False, INTERNET_V6, (32768, 65535)),
    (100, True, INTERNET, None),
    (110, True, INTERNET_V6, None),
]


def build_disaster_recovery(make_client: ClientFactory, region: str, ids: dict[str, Any]) -> None:
    """The DR VPC: IPv6 with an egress-only gateway, a transit gateway and a site-to-site VPN."""
    ec2 = make_client("ec2", region)
    az = ec2.describe_availability_zones()["AvailabilityZones"][0]["ZoneName"]
    ids["dr_region"] = region
    # Exposure internal: an egress-only gateway lets IPv6 out, never in; it is no IGW.
    vpc = ids["dr_vpc_id"] = make_vpc(
        ec2, DR_CIDR, "dr", "internal", AmazonProvidedIpv6CidrBlock=True
    )
    subnet = ids["dr_subnet_id"] = make_subnets(ec2, vpc, ["10.2.0.0/24"], [az], "dr", "private")[0]
    sg = ids["dr_sg_id"] = make_sg(
        ec2,
        vpc,
        "dr-replica",
        "Replication from prod",
        [tcp(5432, IpRanges=[{"CidrIp": PROD_CIDR}])],
    )
    ids["dr_eni_id"] = make_eni(ec2, subnet, sg, "dr-replica")
    eigw = ids["egress_only_igw_id"] = ec2.create_egress_only_internet_gateway(
        VpcId=vpc, TagSpecifications=tags("egress-only-internet-gateway", "dr-eigw")
    )["EgressOnlyInternetGateway"]["EgressOnlyInternetGatewayId"]
    tgw = ids["transit_gateway_id"] = ec2.create_transit_gateway(
        Description="dr hub", TagSpecifications=tags("transit-gateway", "dr-hub")
    )["TransitGateway"]["TransitGatewayId"]
    ids["transit_attachment_id"] = ec2.create_transit_gateway_vpc_attachment(
        TransitGatewayId=tgw,
        VpcId=vpc,
        SubnetIds=[subnet],
        TagSpecifications=tags("transit-gateway-attachment", "dr-hub-dr"),
    )["TransitGatewayVpcAttachment"]["TransitGatewayAttachmentId"]
    cgw = ids["customer_gateway_id"] = ec2.create_customer_gateway(
        BgpAsn=65010,
        PublicIp="198.51.100.10",
        Type="ipsec.1",
        TagSpecifications=tags("customer-gateway", "office-router"),
    )["CustomerGateway"]["CustomerGatewayId"]
    vgw = ids["vpn_gateway_id"] = ec2.create_vpn_gateway(
        Type="ipsec.1", TagSpecifications=tags("vpn-gateway", "dr-vgw")
    )["VpnGateway"]["VpnGatewayId"]
    ec2.attach_vpn_gateway(VpcId=vpc, VpnGatewayId=vgw)
    ids["vpn_connection_id"] = ec2.create_vpn_connection(
        CustomerGatewayId=cgw,
        VpnGatewayId=vgw,
        Type="ipsec.1",
        Options={"StaticRoutesOnly": True},
        TagSpecifications=tags("vpn-connection", "office-dr"),
    )["VpnConnection"]["VpnConnectionId"]
    ids["dr_nacl_id"] = make_nacl(ec2, vpc, "dr", [subnet], DR_NACL)
    rtb = ids["dr_route_table_id"] = make_route_table(ec2, vpc, "dr", [subnet])
    ec2.create_route(
        RouteTableId=rtb, DestinationIpv6CidrBlock=INTERNET_V6, EgressOnlyInternetGatewayId=eigw
    )
    ec2.create_route(RouteTableId=rtb, DestinationCidrBlock=ON_PREM_CIDR, GatewayId=vgw)
    ec2.create_route(RouteTableId=rtb, DestinationCidrBlock="10.0.0.0/8", TransitGatewayId=tgw)
