"""VPCs."""

from __future__ import annotations

from scanner.resources.base import (
    NOT_EXPOSURE_VPC,
    Answers,
    Collector,
    DriftSeverity,
    Fields,
    Item,
    Projection,
    ResourceType,
)
from scanner.resources.shapes import TAG_EVENTS, api_tags, ec2_arn, pick, pick_present, tags


def _project(i: Fields) -> Item:
    return {
        **pick(i, "CidrBlock", "IsDefault", "InstanceTenancy", "DhcpOptionsId"),
        "cidrs": sorted(
            c["CidrBlock"]
            for c in i.get("CidrBlockAssociationSet", [])
            if (c.get("CidrBlockState") or {}).get("State", "associated") == "associated"
        ),
        "ipv6_cidrs": sorted(
            c["Ipv6CidrBlock"]
            for c in i.get("Ipv6CidrBlockAssociationSet", [])
            if (c.get("Ipv6CidrBlockState") or {}).get("State", "associated") == "associated"
        ),
        "tags": tags(i),
    }


def ipv6_associations(f: Fields) -> list[Item]:
    return [
        {"Ipv6CidrBlock": c, "Ipv6CidrBlockState": {"State": "associated"}}
        for c in f.get("ipv6_cidrs", [])
    ]


def _unproject(rid: str, f: Fields, account: str) -> Item:
    return {
        **pick_present(f, "CidrBlock", "IsDefault", "InstanceTenancy", "DhcpOptionsId"),
        "VpcId": rid,
        "OwnerId": account,
        "State": "available",
        "Tags": api_tags(f),
        "CidrBlockAssociationSet": [
            {"CidrBlock": c, "CidrBlockState": {"State": "associated"}} for c in f.get("cidrs", [])
        ],
        "Ipv6CidrBlockAssociationSet": ipv6_associations(f),
    }


VPC = ResourceType(
    collector=Collector("aws.vpc", "ec2", "describe_vpcs", "Vpcs", "VpcId", 1000),
    arn=ec2_arn("vpc"),
    projection=Projection(_project),
    unproject=_unproject,
    severity=DriftSeverity(removal="other"),
    revert=None,
    events=frozenset(
        {
            "CreateVpc",
            "DeleteVpc",
            "ModifyVpcAttribute",
            "AssociateVpcCidrBlock",
            "DisassociateVpcCidrBlock",
            *TAG_EVENTS,
        }
    ),
    answers=Answers(describe=True),
    exposure_role=None,
    asff_type="AwsEc2Vpc",
    absent={
        "revert": "deleting a VPC takes everything in it: a person reviews it",
        "exposure_role": NOT_EXPOSURE_VPC,
    },
)

TYPES = (VPC,)
