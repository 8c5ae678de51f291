"""Transit gateways and their attachments."""

from __future__ import annotations

from scanner.resources.base import (
    NOT_EXPOSURE_TRANSIT,
    Answers,
    Collector,
    DriftSeverity,
    Fields,
    Item,
    Projection,
    ResourceType,
)
from scanner.resources.shapes import api_tags, ec2_arn, pick, pick_present, state_not_in, tags

NO_REVERT = "a transit gateway routes between many networks: a person reviews its drift"


def _project_gateway(i: Fields) -> Item:
    return {
        **pick(i, "OwnerId", "Description"),
        # Scalar options only; the default route table ids are AWS-assigned and churn.
        "options": {
            k: v
            for k, v in sorted((i.get("Options") or {}).items())
            if not k.endswith("RouteTableId") and not isinstance(v, list | dict)
        },
        "tags": tags(i),
    }


def _unproject_gateway(rid: str, f: Fields, account: str) -> Item:
    return {
        **pick_present(f, "OwnerId", "Description"),
        "TransitGatewayId": rid,
        "State": "available",
        "Options": dict(f.get("options") or {}),
        "Tags": api_tags(f),
    }


TRANSIT_GATEWAY = ResourceType(
    collector=Collector(
        "aws.transit-gateway",
        "ec2",
        "describe_transit_gateways",
        "TransitGateways",
        "TransitGatewayId",
        1000,
    ),
    arn=ec2_arn("transit-gateway"),
    projection=Projection(_project_gateway, is_live=state_not_in("deleted", "deleting")),
    unproject=_unproject_gateway,
    severity=DriftSeverity(removal="other"),
    revert=None,
    events=frozenset({"CreateTransitGateway", "DeleteTransitGateway", "ModifyTransitGateway"}),
    answers=Answers(describe=True),
    exposure_role=None,
    asff_type="AwsEc2TransitGateway",
    absent={"revert": NO_REVERT, "exposure_role": NOT_EXPOSURE_TRANSIT},
)

ATTACHMENT_FIELDS = (
    "TransitGatewayId",
    "TransitGatewayOwnerId",
    "ResourceType",
    "ResourceId",
    "ResourceOwnerId",
)


def _unproject_attachment(rid: str, f: Fields, account: str) -> Item:
    return {
        **pick_present(f, *ATTACHMENT_FIELDS),
        "TransitGatewayAttachmentId": rid,
        "State": "available",
        "Tags": api_tags(f),
    }


TRANSIT_ATTACHMENT = ResourceType(
    collector=Collector(
        "aws.transit-attachment",
        "ec2",
        "describe_transit_gateway_attachments",
        "TransitGatewayAttachments",
        "TransitGatewayAttachmentId",
        1000,
    ),
    arn=ec2_arn("transit-gateway-attachment"),
    projection=Projection(
        lambda i: {**pick(i, *ATTACHMENT_FIELDS), "tags": tags(i)},
        is_live=state_not_in("deleted", "deleting", "rejected", "failed"),
    ),
    unproject=_unproject_attachment,
    severity=DriftSeverity(removal="path"),
    revert=None,
    events=frozenset(
        {
            "CreateTransitGatewayVpcAttachment",
            "DeleteTransitGatewayVpcAttachment",
            "AcceptTransitGatewayVpcAttachment",
        }
    ),
    answers=Answers(describe=True),
    exposure_role=None,
    asff_type="Other",
    absent={"revert": NO_REVERT, "exposure_role": NOT_EXPOSURE_TRANSIT},
)

TYPES = (TRANSIT_GATEWAY, TRANSIT_ATTACHMENT)
