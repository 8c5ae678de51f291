"""Subnets."""

from __future__ import annotations

from scanner.resources.base import (
    Answers,
    Collector,
    DriftSeverity,
    Fields,
    Item,
    Projection,
    ResourceType,
)
from scanner.resources.shapes import TAG_EVENTS, api_tags, ec2_arn, pick, pick_present, tags
from scanner.resources.vpc import ipv6_associations


def _project(i: Fields) -> Item:
    return {
        **pick(i, "VpcId", "CidrBlock", "AvailabilityZone", "MapPublicIpOnLaunch"),
        "ipv6_cidrs": sorted(c["Ipv6CidrBlock"] for c in i.get("Ipv6CidrBlockAssociationSet", [])),
        "tags": tags(i),
    }


def _unproject(rid: str, f: Fields, account: str) -> Item:
    return {
        **pick_present(f, "VpcId", "CidrBlock", "AvailabilityZone", "MapPublicIpOnLaunch"),
        "SubnetId": rid,
        "Ipv6CidrBlockAssociationSet": ipv6_associations(f),
        "OwnerId": account,
        "State": "available",
        "Tags": api_tags(f),
    }


SUBNET = ResourceType(
    collector=Collector("aws.subnet", "ec2", "describe_subnets", "Subnets", "SubnetId", 1000),
    arn=ec2_arn("subnet"),
    projection=Projection(_project),
    unproject=_unproject,
    severity=DriftSeverity(removal="other"),
    revert=None,
    events=frozenset({"CreateSubnet", "DeleteSubnet", "ModifySubnetAttribute", *TAG_EVENTS}),
    answers=Answers(describe=True),
    exposure_role="path",
    asff_type="AwsEc2Subnet",
    absent={
        "revert": "a subnet holds running interfaces: a person reviews its drift",
    },
)

TYPES = (SUBNET,)
