"""Route tables: routes keyed by destination, associations by subnet or gateway."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scanner.ec2params import route_destination, route_target_param
from scanner.resources.base import (
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
from scanner.resources.shapes import api_tags, ec2_arn, pick, pick_present, route_to_igw, tags

ROUTE_DESTINATIONS = ("DestinationCidrBlock", "DestinationIpv6CidrBlock", "DestinationPrefixListId")
ROUTE_TARGETS = (
    "GatewayId",
    "NatGatewayId",
    "VpcPeeringConnectionId",
    "TransitGatewayId",
    "NetworkInterfaceId",
    "InstanceId",
    "EgressOnlyInternetGatewayId",
    "LocalGatewayId",
    "CarrierGatewayId",
    "CoreNetworkArn",
    "VpcEndpointId",
)


def route_key(route: Mapping[str, Any]) -> tuple[Any, ...]:
    return (str(route.get("destination")),)


def routes(table: Mapping[str, Any]) -> list[Item]:
    out = []
    for route in table.get("Routes", []):
        destination = next((route[k] for k in ROUTE_DESTINATIONS if route.get(k)), None)
        target = next((route[k] for k in ROUTE_TARGETS if route.get(k)), None)
        if destination is None:
            continue
        out.append({"destination": destination, "target": target or "unknown"})
    return sorted(out, key=route_key)


def associations(table: Mapping[str, Any]) -> list[str]:
    names = set()
    for assoc in table.get("Associations", []):
        state = (assoc.get("AssociationState") or {}).get("State", "associated")
        if state not in ("associated", "associating"):
            continue
        if assoc.get("Main"):
            names.add("main")
        for key in ("SubnetId", "GatewayId"):
            if assoc.get(key):
                names.add(assoc[key])
    return sorted(names)


def _project(i: Fields) -> Item:
    return {
        **pick(i, "VpcId"),
        "routes": routes(i),
        "associations": associations(i),
        "propagating_gateways": sorted(g["GatewayId"] for g in i.get("PropagatingVgws", [])),
        "tags": tags(i),
    }


def _unproject(rid: str, f: Fields, account: str) -> Item:
    api_routes = [
        {**route_destination(r), **route_target_param(r), "State": "active"}
        for r in f.get("routes", [])
    ]
    api_associations = []
    for name in f.get("associations", []):
        if name == "main":
            api_associations.append({"Main": True, "RouteTableId": rid})
        else:
            key = "SubnetId" if str(name).startswith("subnet-") else "GatewayId"
            api_associations.append({"Main": False, "RouteTableId": rid, key: name})
    return {
        **pick_present(f, "VpcId"),
        "RouteTableId": rid,
        "OwnerId": account,
        "Routes": api_routes,
        "Associations": api_associations,
        "PropagatingVgws": [{"GatewayId": g} for g in f.get("propagating_gateways", [])],
        "Tags": api_tags(f),
    }


def _revert_route(rtb_id: str, change: ChangeView) -> list[Step]:
    rtb = {"RouteTableId": rtb_id}
    if change.change == "added":
        return [
            call(
                "Delete the unapproved route",
                "ec2",
                "DeleteRoute",
                {**rtb, **route_destination(change.new)},
            )
        ]
    if change.change == "removed":
        return [
            call(
                "Re-create the baseline route",
                "ec2",
                "CreateRoute",
                {**rtb, **route_destination(change.old), **route_target_param(change.old)},
            )
        ]
    return [
        call(
            "Point the route back at its baseline target",
            "ec2",
            "ReplaceRoute",
            {**rtb, **route_destination(change.old), **route_target_param(change.old)},
        )
    ]


def _delete(rid: str, account: str, after: Fields) -> list[Step]:
    return [
        call("Delete the unapproved route table", "ec2", "DeleteRouteTable", {"RouteTableId": rid})
    ]


def _exposes(fields: Fields) -> bool:
    return any(route_to_igw(r) for r in fields.get("routes", []))


ROUTE_TABLE = ResourceType(
    collector=Collector(
        "aws.route-table", "ec2", "describe_route_tables", "RouteTables", "RouteTableId", 100
    ),
    arn=ec2_arn("route-table"),
    projection=Projection(_project, keyed_lists={"routes": route_key}),
    unproject=_unproject,
    severity=DriftSeverity(removal="other", exposes=_exposes),
    revert=Revert(delete_added=_delete, changes={"routes": _revert_route}),
    events=frozenset(
        {
            "CreateRoute",
            "ReplaceRoute",
            "DeleteRoute",
            "CreateRouteTable",
            "DeleteRouteTable",
            "AssociateRouteTable",
            "DisassociateRouteTable",
            "ReplaceRouteTableAssociation",
        }
    ),
    answers=Answers(describe=True),
    exposure_role="path",
    asff_type="AwsEc2RouteTable",
)

TYPES = (ROUTE_TABLE,)
