"""VPC peering connections."""

from __future__ import annotations

from scanner.resources.base import (
    NOT_EXPOSURE_PEERING,
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
    always,
    call,
)
from scanner.resources.shapes import api_tags, ec2_arn, pick, pick_present, state_not_in, tags


def _vpc_info(info: Fields | None) -> Item:
    info = info or {}
    cidrs = sorted(
        {c["CidrBlock"] for c in info.get("CidrBlockSet", []) if c.get("CidrBlock")}
        | ({info["CidrBlock"]} if info.get("CidrBlock") else set())
    )
    return {**pick(info, "OwnerId", "VpcId", "Region"), "cidrs": cidrs}


def _project(i: Fields) -> Item:
    return {
        "requester": _vpc_info(i.get("RequesterVpcInfo")),
        "accepter": _vpc_info(i.get("AccepterVpcInfo")),
        "status": (i.get("Status") or {}).get("Code"),
        "tags": tags(i),
    }


def _api_vpc_info(side: Fields) -> Item:
    cidrs = side.get("cidrs", [])
    out: Item = pick_present(side, "OwnerId", "VpcId", "Region")
    if cidrs:
        out["CidrBlock"] = cidrs[0]
        out["CidrBlockSet"] = [{"CidrBlock": c} for c in cidrs]
    return out


def _unproject(rid: str, f: Fields, account: str) -> Item:
    return {
        "VpcPeeringConnectionId": rid,
        "Tags": api_tags(f),
        "RequesterVpcInfo": _api_vpc_info(f.get("requester", {})),
        "AccepterVpcInfo": _api_vpc_info(f.get("accepter", {})),
        "Status": {"Code": f.get("status", "active")},
    }


def _delete(rid: str, account: str, after: Fields) -> list[Step]:
    accepter = (after.get("accepter") or {}).get("OwnerId")
    # Only the accepter may reject a request; the requester deletes its own.
    if after.get("status") == "pending-acceptance" and accepter == account:
        return [
            call(
                "Reject the unapproved peering request",
                "ec2",
                "RejectVpcPeeringConnection",
                {"VpcPeeringConnectionId": rid},
            )
        ]
    return [
        call(
            "Delete the unapproved peering connection",
            "ec2",
            "DeleteVpcPeeringConnection",
            {"VpcPeeringConnectionId": rid},
        )
    ]


def _becomes_active(change: ChangeView) -> bool:
    # An accepted request starts carrying traffic between the two VPCs.
    field = change.path[0] if change.path else ""
    return field == "status" and change.new == "active"


PEERING_CONNECTION = ResourceType(
    collector=Collector(
        "aws.peering-connection",
        "ec2",
        "describe_vpc_peering_connections",
        "VpcPeeringConnections",
        "VpcPeeringConnectionId",
        1000,
    ),
    arn=ec2_arn("vpc-peering-connection"),
    projection=Projection(
        _project,
        is_live=state_not_in("deleted", "rejected", "failed", "expired", "deleting", key="Status"),
    ),
    unproject=_unproject,
    # A new peering opens a path to another network, whatever its fields.
    severity=DriftSeverity(removal="path", exposes=always, widens=_becomes_active),
    revert=Revert(delete_added=_delete),
    events=frozenset(
        {
            "CreateVpcPeeringConnection",
            "AcceptVpcPeeringConnection",
            "DeleteVpcPeeringConnection",
            "RejectVpcPeeringConnection",
            "ModifyVpcPeeringConnectionOptions",
        }
    ),
    answers=Answers(describe=True),
    exposure_role=None,
    asff_type="AwsEc2VpcPeeringConnection",
    absent={"exposure_role": NOT_EXPOSURE_PEERING},
)

TYPES = (PEERING_CONNECTION,)
