"""The default plan for drift: revert the live resource to its baseline (pure)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from scanner.drift.changes import Change
from scanner.drift.engine import Delta
from scanner.ec2params import (
    ip_permission,
    nacl_entry_params,
    route_destination,
    route_target_param,
)
from scanner.model import RemediationAction
from scanner.remediate.cli_text import action, manual

Fields = Mapping[str, Any]


def _sg_rule(delta: Delta, change: Change) -> list[RemediationAction]:
    direction = "Ingress" if change.path[0] == "ingress" else "Egress"
    gid, region = delta.resource_id, delta.region
    if change.change == "added":
        return [
            action(
                f"Revoke the unapproved {direction.lower()} rule",
                "ec2",
                f"RevokeSecurityGroup{direction}",
                {"GroupId": gid, "IpPermissions": [ip_permission(change.new)]},
                region,
            )
        ]
    if change.change == "removed":
        return [
            action(
                f"Re-authorize the baseline {direction.lower()} rule",
                "ec2",
                f"AuthorizeSecurityGroup{direction}",
                {"GroupId": gid, "IpPermissions": [ip_permission(change.old)]},
                region,
            )
        ]
    return [
        action(
            f"Restore the baseline description of the {direction.lower()} rule",
            "ec2",
            f"UpdateSecurityGroupRuleDescriptions{direction}",
            {"GroupId": gid, "IpPermissions": [ip_permission(change.old)]},
            region,
        )
    ]


def _route(delta: Delta, change: Change) -> list[RemediationAction]:
    rtb, region = {"RouteTableId": delta.resource_id}, delta.region
    if change.change == "added":
        return [
            action(
                "Delete the unapproved route",
                "ec2",
                "DeleteRoute",
                {**rtb, **route_destination(change.new)},
                region,
            )
        ]
    if change.change == "removed":
        return [
            action(
                "Re-create the baseline route",
                "ec2",
                "CreateRoute",
                {**rtb, **route_destination(change.old), **route_target_param(change.old)},
                region,
            )
        ]
    return [
        action(
            "Point the route back at its baseline target",
            "ec2",
            "ReplaceRoute",
            {**rtb, **route_destination(change.old), **route_target_param(change.old)},
            region,
        )
    ]


def _nacl(delta: Delta, change: Change) -> list[RemediationAction]:
    egress = change.path[0] == "egress"
    region = delta.region
    if change.change == "added":
        return [
            action(
                "Delete the unapproved ACL entry",
                "ec2",
                "DeleteNetworkAclEntry",
                {
                    "NetworkAclId": delta.resource_id,
                    "RuleNumber": change.new["rule_number"],
                    "Egress": egress,
                },
                region,
            )
        ]
    operation = "CreateNetworkAclEntry" if change.change == "removed" else "ReplaceNetworkAclEntry"
    return [
        action(
            "Restore the baseline ACL entry",
            "ec2",
            operation,
            nacl_entry_params(delta.resource_id, change.old, egress),
            region,
        )
    ]


def _igw_vpc(delta: Delta, change: Change) -> list[RemediationAction]:
    params = {
        "InternetGatewayId": delta.resource_id,
        "VpcId": change.new if change.change == "added" else change.old,
    }
    if change.change == "added":
        return [
            action(
                "Detach the internet gateway from the VPC",
                "ec2",
                "DetachInternetGateway",
                params,
                delta.region,
            )
        ]
    return [
        action(
            "Re-attach the internet gateway", "ec2", "AttachInternetGateway", params, delta.region
        )
    ]


CHANGE_HANDLERS: dict[tuple[str, str], Callable[[Delta, Change], list[RemediationAction]]] = {
    ("aws.security-group", "ingress"): _sg_rule,
    ("aws.security-group", "egress"): _sg_rule,
    ("aws.route-table", "routes"): _route,
    ("aws.network-acl", "ingress"): _nacl,
    ("aws.network-acl", "egress"): _nacl,
    ("aws.internet-gateway", "vpcs"): _igw_vpc,
}


def _delete_added(delta: Delta) -> list[RemediationAction]:
    rid, region, after = delta.resource_id, delta.region, delta.after or {}
    match delta.resource_type:
        case "aws.security-group":
            return [
                action(
                    "Delete the unapproved security group",
                    "ec2",
                    "DeleteSecurityGroup",
                    {"GroupId": rid},
                    region,
                )
            ]
        case "aws.internet-gateway":
            steps = [
                action(
                    "Detach the unapproved internet gateway",
                    "ec2",
                    "DetachInternetGateway",
                    {"InternetGatewayId": rid, "VpcId": vpc},
                    region,
                )
                for vpc in after.get("vpcs", [])
            ]
            return [
                *steps,
                action(
                    "Delete the unapproved internet gateway",
                    "ec2",
                    "DeleteInternetGateway",
                    {"InternetGatewayId": rid},
                    region,
                ),
            ]
        case "aws.peering-connection":
            accepter = (after.get("accepter") or {}).get("OwnerId")
            # Only the accepter may reject a request; the requester deletes its own.
            if after.get("status") == "pending-acceptance" and accepter == delta.account:
                return [
                    action(
                        "Reject the unapproved peering request",
                        "ec2",
                        "RejectVpcPeeringConnection",
                        {"VpcPeeringConnectionId": rid},
                        region,
                    )
                ]
            return [
                action(
                    "Delete the unapproved peering connection",
                    "ec2",
                    "DeleteVpcPeeringConnection",
                    {"VpcPeeringConnectionId": rid},
                    region,
                )
            ]
        case "aws.elastic-ip":
            steps = []
            if after.get("InstanceId") or after.get("NetworkInterfaceId"):
                steps.append(
                    manual("Disassociate the address first (aws ec2 disassociate-address)")
                )
            return [
                *steps,
                action(
                    "Release the unapproved Elastic IP",
                    "ec2",
                    "ReleaseAddress",
                    {"AllocationId": rid},
                    region,
                ),
            ]
        case "aws.route-table":
            return [
                action(
                    "Delete the unapproved route table",
                    "ec2",
                    "DeleteRouteTable",
                    {"RouteTableId": rid},
                    region,
                )
            ]
        case "aws.network-acl":
            return [
                action(
                    "Delete the unapproved network ACL",
                    "ec2",
                    "DeleteNetworkAcl",
                    {"NetworkAclId": rid},
                    region,
                )
            ]
        case "aws.nat-gateway":
            return [
                action(
                    "Delete the unapproved NAT gateway",
                    "ec2",
                    "DeleteNatGateway",
                    {"NatGatewayId": rid},
                    region,
                )
            ]
        case "aws.vpc-endpoint":
            return [
                action(
                    "Delete the unapproved VPC endpoint",
                    "ec2",
                    "DeleteVpcEndpoints",
                    {"VpcEndpointIds": [rid]},
                    region,
                )
            ]
        case "aws.flow-log":
            return [
                manual(
                    "A new flow log only adds visibility: accept it into the baseline "
                    f"(netwarden baseline accept --resource {rid})"
                )
            ]
    return [
        manual(
            f"Review the new {delta.resource_type} {rid}; delete it or accept it into "
            f"the baseline (netwarden baseline accept --resource {rid})"
        )
    ]


def _restore_removed(delta: Delta) -> list[RemediationAction]:
    before, region = delta.before or {}, delta.region
    if delta.resource_type == "aws.flow-log":
        params: dict[str, Any] = {
            "ResourceIds": [before["ResourceId"]],
            "ResourceType": _flow_log_resource_type(str(before["ResourceId"])),
            "TrafficType": before.get("TrafficType", "ALL"),
            "LogDestinationType": before.get("LogDestinationType", "cloud-watch-logs"),
        }
        for key in (
            "LogDestination",
            "LogGroupName",
            "DeliverLogsPermissionArn",
            "LogFormat",
            "MaxAggregationInterval",
        ):
            if before.get(key) is not None:
                params[key] = before[key]
        if before.get("tags"):
            tags = [{"Key": k, "Value": v} for k, v in sorted(before["tags"].items())]
            params["TagSpecifications"] = [{"ResourceType": "vpc-flow-log", "Tags": tags}]
        return [
            action(
                "Re-create the flow log with its baseline settings",
                "ec2",
                "CreateFlowLogs",
                params,
                region,
            )
        ]
    return [
        manual(
            f"Re-create {delta.resource_type} {delta.resource_id} as the baseline "
            f"describes it ({delta.location.path}:{delta.location.line}), or accept "
            "its removal into the baseline"
        )
    ]


def _flow_log_resource_type(resource_id: str) -> str:
    if resource_id.startswith("subnet-"):
        return "Subnet"
    if resource_id.startswith("eni-"):
        return "NetworkInterface"
    if resource_id.startswith("tgw-attach-"):
        return "TransitGatewayAttachment"
    if resource_id.startswith("tgw-"):
        return "TransitGateway"
    return "VPC"


def revert_actions(delta: Delta) -> tuple[RemediationAction, ...]:
    """The actions that put one drifted resource back as the baseline has it."""
    if delta.change == "added":
        return tuple(_delete_added(delta))
    if delta.change == "removed":
        return tuple(_restore_removed(delta))
    steps: list[RemediationAction] = []
    unhandled: list[str] = []
    for change in delta.changes:
        handler = CHANGE_HANDLERS.get((delta.resource_type, str(change.path[0])))
        if handler and change.element:
            steps.extend(handler(delta, change))
        else:
            unhandled.append(change.field)
    if unhandled:
        steps.append(
            manual(
                f"Restore {', '.join(sorted(set(unhandled)))} to the baseline values "
                f"({delta.location.path}:{delta.location.line})"
            )
        )
    return tuple(steps)
