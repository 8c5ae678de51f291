"""Literal raw items (as the Describe APIs return them) for exposure tests."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

Item = dict[str, Any]
ACCOUNT = "111111111111"
REGION = "eu-west-1"


def vpc(vpc_id: str = "vpc-1", cidr: str = "10.0.0.0/16") -> Item:
    return {"VpcId": vpc_id, "CidrBlock": cidr}


def subnet(subnet_id: str = "subnet-1", vpc_id: str = "vpc-1") -> Item:
    return {"SubnetId": subnet_id, "VpcId": vpc_id}


def route(dest: str, target: str, state: str = "active") -> Item:
    item: Item = {"State": state}
    if dest.startswith("pl-"):
        item["DestinationPrefixListId"] = dest
    elif ":" in dest:
        item["DestinationIpv6CidrBlock"] = dest
    else:
        item["DestinationCidrBlock"] = dest
    key = {
        "nat": "NatGatewayId",
        "tgw": "TransitGatewayId",
        "pcx": "VpcPeeringConnectionId",
        "eig": "EgressOnlyInternetGatewayId",
        "eni": "NetworkInterfaceId",
    }.get(target.split("-")[0], "GatewayId")
    item[key] = target
    return item


def route_table(
    table_id: str,
    routes: Sequence[Item],
    vpc_id: str = "vpc-1",
    main: bool = False,
    subnets: Iterable[str] = (),
) -> Item:
    assocs: list[Item] = [{"Main": False, "SubnetId": s} for s in subnets]
    if main:
        assocs.append({"Main": True})
    return {
        "RouteTableId": table_id,
        "VpcId": vpc_id,
        "Routes": list(routes),
        "Associations": assocs,
    }


def igw(igw_id: str = "igw-1", vpc_id: str | None = "vpc-1") -> Item:
    attachments = [{"State": "available", "VpcId": vpc_id}] if vpc_id else []
    return {"InternetGatewayId": igw_id, "Attachments": attachments}


def entry(
    number: int,
    action: str,
    cidr: str,
    egress: bool = False,
    protocol: str = "-1",
    ports: tuple[int, int] | None = None,
) -> Item:
    item: Item = {
        "RuleNumber": number,
        "RuleAction": action,
        "Egress": egress,
        "Protocol": protocol,
        ("Ipv6CidrBlock" if ":" in cidr else "CidrBlock"): cidr,
    }
    if ports is not None:
        item["PortRange"] = {"From": ports[0], "To": ports[1]}
    return item


def open_entries(v6: bool = True) -> list[Item]:
    entries = [
        entry(100, "allow", "0.0.0.0/0"),
        entry(100, "allow", "0.0.0.0/0", egress=True),
        entry(32767, "deny", "0.0.0.0/0"),
        entry(32767, "deny", "0.0.0.0/0", egress=True),
    ]
    if v6:
        entries += [
            entry(101, "allow", "::/0"),
            entry(101, "allow", "::/0", egress=True),
        ]
    return entries


def acl(
    acl_id: str,
    entries: Sequence[Item],
    vpc_id: str = "vpc-1",
    subnets: Iterable[str] = (),
    default: bool = False,
) -> Item:
    return {
        "NetworkAclId": acl_id,
        "VpcId": vpc_id,
        "IsDefault": default,
        "Entries": list(entries),
        "Associations": [{"SubnetId": s, "NetworkAclId": acl_id} for s in subnets],
    }


def perm(
    protocol: str = "tcp",
    ports: tuple[int, int] | None = (22, 22),
    cidrs: Iterable[str] = ("0.0.0.0/0",),
    v6: Iterable[str] = (),
    prefix_lists: Iterable[str] = (),
    groups: Iterable[str] = (),
) -> Item:
    item: Item = {
        "IpProtocol": protocol,
        "IpRanges": [{"CidrIp": c} for c in cidrs],
        "Ipv6Ranges": [{"CidrIpv6": c} for c in v6],
        "PrefixListIds": [{"PrefixListId": p} for p in prefix_lists],
        "UserIdGroupPairs": [{"GroupId": g, "UserId": ACCOUNT} for g in groups],
    }
    if ports is not None:
        item["FromPort"], item["ToPort"] = ports
    else:
        item["FromPort"], item["ToPort"] = -1, -1
    return item


def group(group_id: str, perms: Sequence[Item], vpc_id: str = "vpc-1") -> Item:
    return {"GroupId": group_id, "VpcId": vpc_id, "IpPermissions": list(perms)}


def eni(
    eni_id: str = "eni-1",
    subnet_id: str = "subnet-1",
    vpc_id: str = "vpc-1",
    groups: Iterable[str] = ("sg-1",),
    publics: Sequence[tuple[str, str | None]] = (("10.0.1.5", "203.0.113.10"),),
    v6: Iterable[str] = (),
    status: str = "in-use",
    instance: str | None = "i-1",
) -> Item:
    privates = []
    for index, (private, public) in enumerate(publics):
        item: Item = {"PrivateIpAddress": private, "Primary": index == 0}
        if public:
            item["Association"] = {"PublicIp": public, "IpOwnerId": "amazon"}
        privates.append(item)
    found: Item = {
        "NetworkInterfaceId": eni_id,
        "SubnetId": subnet_id,
        "VpcId": vpc_id,
        "InterfaceType": "interface",
        "Status": status,
        "Groups": [{"GroupId": g} for g in groups],
        "PrivateIpAddresses": privates,
        "Ipv6Addresses": [{"Ipv6Address": a} for a in v6],
        "TagSet": [{"Key": "Name", "Value": "web-1"}],
    }
    if status == "in-use" and instance:
        found["Attachment"] = {"InstanceId": instance, "Status": "attached", "DeviceIndex": 0}
    return found


def prefix_list(plist_id: str, cidrs: Iterable[str]) -> Item:
    return {"PrefixListId": plist_id, "Entries": [{"Cidr": c} for c in cidrs]}


def world(
    routes: Sequence[Item] | None = None,
    entries: Sequence[Item] | None = None,
    perms: Sequence[Item] | None = None,
    enis: Sequence[Item] | None = None,
    igws: Sequence[Item] | None = None,
    extra: dict[str, list[Item]] | None = None,
) -> dict[str, list[Item]]:
    """One VPC, one subnet on the main table, an attached IGW, the default ACL (open) and
    sg-1 with tcp/22 from 0.0.0.0/0 on eni-1 (203.0.113.10 -> 10.0.1.5), unless overridden."""
    if routes is None:
        routes = [route("10.0.0.0/16", "local"), route("0.0.0.0/0", "igw-1")]
    resources: dict[str, list[Item]] = {
        "aws.vpc": [vpc()],
        "aws.subnet": [subnet()],
        "aws.route-table": [route_table("rtb-main", routes, main=True)],
        "aws.internet-gateway": list(igws) if igws is not None else [igw()],
        "aws.network-acl": [
            acl("acl-1", entries if entries is not None else open_entries(), default=True)
        ],
        "aws.security-group": [group("sg-1", perms if perms is not None else [perm()])],
        "aws.eni": list(enis) if enis is not None else [eni()],
    }
    for key, items in (extra or {}).items():
        resources.setdefault(key, []).extend(items)
    return resources


def bpa(mode: str, state: str = "update-complete", exclusions_allowed: str = "allowed") -> Item:
    """The region's VPC Block Public Access setting as DescribeVpcBlockPublicAccessOptions
    gives it."""
    return {
        "AwsAccountId": ACCOUNT,
        "AwsRegion": REGION,
        "State": state,
        "InternetGatewayBlockMode": mode,
        "ExclusionsAllowed": exclusions_allowed,
    }


def bpa_exclusion(
    exclusion_id: str,
    target: str,
    mode: str = "allow-bidirectional",
    state: str = "create-complete",
) -> Item:
    kind = "subnet" if target.startswith("subnet-") else "vpc"
    return {
        "ExclusionId": exclusion_id,
        "InternetGatewayExclusionMode": mode,
        "ResourceArn": f"arn:aws:ec2:{REGION}:{ACCOUNT}:{kind}/{target}",
        "State": state,
    }
