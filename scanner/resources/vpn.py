"""Site-to-site VPN: customer gateways, virtual private gateways and VPN connections."""

from __future__ import annotations

from typing import Any

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
from scanner.resources.shapes import (
    api_tags,
    attached_vpcs,
    ec2_arn,
    pick,
    pick_present,
    state_not_in,
    tags,
)

REDACTED = "<redacted by netwarden>"
NO_REVERT = "re-creating or deleting a VPN changes its tunnels' keys: a person reviews it"


def _redact_secrets(_client: Any, connections: list[Item]) -> list[Item]:
    # The customer gateway configuration holds the tunnels' pre-shared keys: a snapshot is a
    # file people pass around, so the secret never enters it.
    for connection in connections:
        if "CustomerGatewayConfiguration" in connection:
            connection["CustomerGatewayConfiguration"] = REDACTED
    return connections


CUSTOMER_GATEWAY_FIELDS = ("BgpAsn", "IpAddress", "Type", "DeviceName")


def _unproject_customer_gateway(rid: str, f: Fields, account: str) -> Item:
    return {
        **pick_present(f, *CUSTOMER_GATEWAY_FIELDS),
        "CustomerGatewayId": rid,
        "State": "available",
        "Tags": api_tags(f),
    }


CUSTOMER_GATEWAY = ResourceType(
    collector=Collector(
        "aws.customer-gateway",
        "ec2",
        "describe_customer_gateways",
        "CustomerGateways",
        "CustomerGatewayId",
    ),
    arn=ec2_arn("customer-gateway"),
    projection=Projection(
        lambda i: {**pick(i, *CUSTOMER_GATEWAY_FIELDS), "tags": tags(i)},
        is_live=state_not_in("deleted", "deleting"),
    ),
    unproject=_unproject_customer_gateway,
    severity=DriftSeverity(removal="other"),
    revert=None,
    events=frozenset({"CreateCustomerGateway", "DeleteCustomerGateway"}),
    answers=Answers(describe=True),
    exposure_role=None,
    asff_type="Other",
    absent={"revert": NO_REVERT, "exposure_role": NOT_EXPOSURE_TRANSIT},
)


def _unproject_vpn_gateway(rid: str, f: Fields, account: str) -> Item:
    return {
        **pick_present(f, "Type", "AmazonSideAsn"),
        "VpnGatewayId": rid,
        "State": "available",
        "VpcAttachments": [{"VpcId": v, "State": "attached"} for v in f.get("vpcs", [])],
        "Tags": api_tags(f),
    }


VPN_GATEWAY = ResourceType(
    collector=Collector(
        "aws.vpn-gateway", "ec2", "describe_vpn_gateways", "VpnGateways", "VpnGatewayId"
    ),
    arn=ec2_arn("vpn-gateway"),
    projection=Projection(
        lambda i: {
            **pick(i, "Type", "AmazonSideAsn"),
            "vpcs": attached_vpcs(i.get("VpcAttachments")),
            "tags": tags(i),
        },
        is_live=state_not_in("deleted", "deleting"),
    ),
    unproject=_unproject_vpn_gateway,
    severity=DriftSeverity(removal="other"),
    revert=None,
    events=frozenset(
        {"CreateVpnGateway", "AttachVpnGateway", "DetachVpnGateway", "DeleteVpnGateway"}
    ),
    answers=Answers(describe=True),
    exposure_role=None,
    asff_type="Other",
    absent={"revert": NO_REVERT, "exposure_role": NOT_EXPOSURE_TRANSIT},
)

CONNECTION_FIELDS = ("CustomerGatewayId", "VpnGatewayId", "TransitGatewayId", "Type")


def _unproject_vpn_connection(rid: str, f: Fields, account: str) -> Item:
    out: Item = {
        **pick_present(f, *CONNECTION_FIELDS),
        "VpnConnectionId": rid,
        "State": "available",
        "Routes": [
            {"DestinationCidrBlock": cidr, "Source": "static", "State": "available"}
            for cidr in f.get("routes", [])
        ],
        "Tags": api_tags(f),
    }
    if "static_routes_only" in f:
        out["Options"] = {"StaticRoutesOnly": f["static_routes_only"]}
    return out


VPN_CONNECTION = ResourceType(
    collector=Collector(
        "aws.vpn-connection",
        "ec2",
        "describe_vpn_connections",
        "VpnConnections",
        "VpnConnectionId",
        enrich=_redact_secrets,
    ),
    arn=ec2_arn("vpn-connection"),
    projection=Projection(
        lambda i: {
            **pick(i, *CONNECTION_FIELDS),
            "static_routes_only": (i.get("Options") or {}).get("StaticRoutesOnly"),
            "routes": sorted(r["DestinationCidrBlock"] for r in i.get("Routes", [])),
            "tags": tags(i),
        },
        is_live=state_not_in("deleted", "deleting"),
    ),
    unproject=_unproject_vpn_connection,
    severity=DriftSeverity(removal="path"),
    revert=None,
    events=frozenset({"CreateVpnConnection", "DeleteVpnConnection"}),
    answers=Answers(describe=True),
    exposure_role=None,
    asff_type="AwsEc2VpnConnection",
    absent={"revert": NO_REVERT, "exposure_role": NOT_EXPOSURE_TRANSIT},
)

TYPES = (CUSTOMER_GATEWAY, VPN_GATEWAY, VPN_CONNECTION)
