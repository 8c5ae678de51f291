"""Internet, egress-only internet and NAT gateways."""

from __future__ import annotations

from collections.abc import Callable

from scanner.resources.base import (
    NOT_EXPOSURE_EGRESS_ONLY,
    Answers,
    ChangeView,
    Collector,
    DriftSeverity,
    Fields,
    Item,
    Projection,
    ResourceType,
    Revert,
    Step,
    call,
)
from scanner.resources.shapes import (
    api_tags,
    attached_vpcs,
    ec2_arn,
    pick,
    pick_present,
    state_not_in,
    tags,
)


def _project_attached(i: Fields) -> Item:
    return {"vpcs": attached_vpcs(i.get("Attachments")), "tags": tags(i)}


def _unproject_attached(id_key: str) -> Callable[[str, Fields, str], Item]:
    def build(rid: str, f: Fields, account: str) -> Item:
        return {
            id_key: rid,
            "OwnerId": account,
            "Tags": api_tags(f),
            "Attachments": [{"VpcId": v, "State": "available"} for v in f.get("vpcs", [])],
        }

    return build


def _revert_igw_vpc(igw_id: str, change: ChangeView) -> list[Step]:
    params = {
        "InternetGatewayId": igw_id,
        "VpcId": change.new if change.change == "added" else change.old,
    }
    if change.change == "added":
        return [
            call("Detach the internet gateway from the VPC", "ec2", "DetachInternetGateway", params)
        ]
    return [call("Re-attach the internet gateway", "ec2", "AttachInternetGateway", params)]


def _delete_igw(rid: str, account: str, after: Fields) -> list[Step]:
    detach = [
        call(
            "Detach the unapproved internet gateway",
            "ec2",
            "DetachInternetGateway",
            {"InternetGatewayId": rid, "VpcId": vpc},
        )
        for vpc in after.get("vpcs", [])
    ]
    return [
        *detach,
        call(
            "Delete the unapproved internet gateway",
            "ec2",
            "DeleteInternetGateway",
            {"InternetGatewayId": rid},
        ),
    ]


def _igw_attached(fields: Fields) -> bool:
    return bool(fields.get("vpcs"))


def _igw_attaches(change: ChangeView) -> bool:
    # Attaching a gateway to one more VPC gives that VPC a way to the internet.
    return (
        change.element
        and change.change in ("added", "modified")
        and bool(change.path)
        and change.path[0] == "vpcs"
    )


INTERNET_GATEWAY = ResourceType(
    collector=Collector(
        "aws.internet-gateway",
        "ec2",
        "describe_internet_gateways",
        "InternetGateways",
        "InternetGatewayId",
        1000,
    ),
    arn=ec2_arn("internet-gateway"),
    projection=Projection(_project_attached),
    unproject=_unproject_attached("InternetGatewayId"),
    severity=DriftSeverity(removal="path", exposes=_igw_attached, widens=_igw_attaches),
    revert=Revert(delete_added=_delete_igw, changes={"vpcs": _revert_igw_vpc}),
    events=frozenset(
        {
            "CreateInternetGateway",
            "AttachInternetGateway",
            "DetachInternetGateway",
            "DeleteInternetGateway",
        }
    ),
    answers=Answers(describe=True),
    exposure_role="path",
    asff_type="Other",
)

EGRESS_ONLY_INTERNET_GATEWAY = ResourceType(
    collector=Collector(
        "aws.egress-only-internet-gateway",
        "ec2",
        "describe_egress_only_internet_gateways",
        "EgressOnlyInternetGateways",
        "EgressOnlyInternetGatewayId",
        255,
        description="not a Custodian resource; named in its style",
    ),
    arn=ec2_arn("egress-only-internet-gateway"),
    projection=Projection(_project_attached),
    unproject=_unproject_attached("EgressOnlyInternetGatewayId"),
    severity=DriftSeverity(removal="path"),
    revert=None,
    events=frozenset({"CreateEgressOnlyInternetGateway", "DeleteEgressOnlyInternetGateway"}),
    answers=Answers(describe=True),
    exposure_role=None,
    asff_type="Other",
    absent={
        "revert": "not automated yet: the plan asks a person to delete or accept it",
        "exposure_role": NOT_EXPOSURE_EGRESS_ONLY,
    },
)


def _project_nat(i: Fields) -> Item:
    return {
        **pick(i, "VpcId", "SubnetId", "ConnectivityType"),
        "addresses": sorted(
            (pick(a, "AllocationId", "PublicIp") for a in i.get("NatGatewayAddresses", [])),
            key=lambda a: (str(a.get("AllocationId")), str(a.get("PublicIp"))),
        ),
        "tags": tags(i),
    }


def _unproject_nat(rid: str, f: Fields, account: str) -> Item:
    return {
        **pick_present(f, "VpcId", "SubnetId", "ConnectivityType"),
        "NatGatewayId": rid,
        "State": "available",
        "Tags": api_tags(f),
        "NatGatewayAddresses": [dict(a) for a in f.get("addresses", [])],
    }


def _delete_nat(rid: str, account: str, after: Fields) -> list[Step]:
    return [
        call("Delete the unapproved NAT gateway", "ec2", "DeleteNatGateway", {"NatGatewayId": rid})
    ]


NAT_GATEWAY = ResourceType(
    collector=Collector(
        "aws.nat-gateway", "ec2", "describe_nat_gateways", "NatGateways", "NatGatewayId", 1000
    ),
    arn=ec2_arn("natgateway"),
    projection=Projection(_project_nat, is_live=state_not_in("deleted", "deleting", "failed")),
    unproject=_unproject_nat,
    severity=DriftSeverity(removal="path"),
    revert=Revert(delete_added=_delete_nat),
    events=frozenset({"CreateNatGateway", "DeleteNatGateway"}),
    answers=Answers(describe=True),
    exposure_role="owner",
    asff_type="Other",
)

TYPES = (INTERNET_GATEWAY, EGRESS_ONLY_INTERNET_GATEWAY, NAT_GATEWAY)
