"""Per resource type, the fields that define the network, in a canonical form.

A projection keeps what a reviewer must approve (rules, routes, entries, attachments, tags)
and leaves out what churns (timestamps, transient states, counters). Lists whose order means
nothing are sorted; NACL entries keep rule-number order. Flattened rules (one entry per
protocol/ports/source) make a rule-level diff a set difference.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

Item = Mapping[str, Any]
Fields = dict[str, Any]
KeyFunc = Callable[[Mapping[str, Any]], tuple[Any, ...]]


def tags(item: Item) -> dict[str, str]:
    return {
        t["Key"]: t.get("Value", "") for t in sorted(item.get("Tags") or [], key=lambda t: t["Key"])
    }


def _pick(item: Item, *keys: str) -> Fields:
    return {key: item[key] for key in keys if item.get(key) is not None}


def _ports(entry: Item, protocol: str) -> Fields:
    if protocol == "-1" or entry.get("FromPort") is None:
        return {}
    return {"from_port": int(entry["FromPort"]), "to_port": int(entry["ToPort"])}


def sg_rules(permissions: list[Item], own_account: str | None) -> list[Fields]:
    """One entry per (protocol, ports, source): the unit a person authorizes or revokes."""
    rules: list[Fields] = []
    for perm in permissions or []:
        protocol = str(perm.get("IpProtocol", "-1"))
        base = {"protocol": protocol, **_ports(perm, protocol)}
        sources: list[tuple[str, str, Item]] = (
            [("cidr", r["CidrIp"], r) for r in perm.get("IpRanges", [])]
            + [("ipv6_cidr", r["CidrIpv6"], r) for r in perm.get("Ipv6Ranges", [])]
            + [("prefix_list", r["PrefixListId"], r) for r in perm.get("PrefixListIds", [])]
            + [("group", r["GroupId"], r) for r in perm.get("UserIdGroupPairs", [])]
        )
        for kind, value, source in sources:
            rule = {**base, kind: value}
            owner = source.get("UserId")
            if kind == "group" and owner and owner != own_account:
                rule["group_owner"] = owner
            if source.get("Description"):
                rule["description"] = source["Description"]
            rules.append(rule)
    # A rule is a set member: AWS refuses a duplicate (InvalidPermission.Duplicate).
    unique = {rule_key(rule): rule for rule in rules}
    return [unique[key] for key in sorted(unique)]


SOURCE_KINDS = ("cidr", "ipv6_cidr", "prefix_list", "group")


def rule_key(rule: Mapping[str, Any]) -> tuple[Any, ...]:
    """A security-group rule's identity: everything but its description."""
    kind = next((k for k in SOURCE_KINDS if k in rule), "")
    return (
        str(rule.get("protocol")),
        rule.get("from_port", -1),
        rule.get("to_port", -1),
        kind,
        str(rule.get(kind, "")),
        str(rule.get("group_owner", "")),
    )


def route_key(route: Mapping[str, Any]) -> tuple[Any, ...]:
    return (str(route.get("destination")),)


def nacl_entry_key(entry: Mapping[str, Any]) -> tuple[Any, ...]:
    return (int(entry["rule_number"]),)


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


def routes(table: Item) -> list[Fields]:
    out = []
    for route in table.get("Routes", []):
        destination = next((route[k] for k in ROUTE_DESTINATIONS if route.get(k)), None)
        target = next((route[k] for k in ROUTE_TARGETS if route.get(k)), None)
        if destination is None:
            continue
        out.append({"destination": destination, "target": target or "unknown"})
    return sorted(out, key=route_key)


def route_table_associations(table: Item) -> list[str]:
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


def nacl_entries(acl: Item, egress: bool) -> list[Fields]:
    entries = []
    for entry in acl.get("Entries", []):
        if bool(entry.get("Egress")) != egress:
            continue
        protocol = str(entry.get("Protocol", "-1"))
        out: Fields = {
            "rule_number": int(entry["RuleNumber"]),
            "action": entry.get("RuleAction"),
            "protocol": protocol,
        }
        if entry.get("CidrBlock"):
            out["cidr"] = entry["CidrBlock"]
        if entry.get("Ipv6CidrBlock"):
            out["ipv6_cidr"] = entry["Ipv6CidrBlock"]
        port_range = entry.get("PortRange")
        if port_range and protocol not in ("-1",):
            out["from_port"] = int(port_range.get("From", 0))
            out["to_port"] = int(port_range.get("To", 65535))
        if entry.get("IcmpTypeCode"):
            out["icmp"] = {k: entry["IcmpTypeCode"][k] for k in sorted(entry["IcmpTypeCode"])}
        entries.append(out)
    return sorted(entries, key=nacl_entry_key)


def _attached_vpcs(attachments: list[Item] | None, key: str = "VpcId") -> list[str]:
    return sorted(
        a[key]
        for a in attachments or []
        if a.get(key) and a.get("State", "attached") in ("attached", "attaching", "available")
    )


def _policy(document: Any) -> Any:
    if isinstance(document, str):
        try:
            return json.loads(document)
        except json.JSONDecodeError:
            return document
    return document


def _vpc_info(info: Item | None) -> Fields:
    info = info or {}
    cidrs = sorted(
        {c["CidrBlock"] for c in info.get("CidrBlockSet", []) if c.get("CidrBlock")}
        | ({info["CidrBlock"]} if info.get("CidrBlock") else set())
    )
    return {**_pick(info, "OwnerId", "VpcId", "Region"), "cidrs": cidrs}


@dataclass(frozen=True)
class Projection:
    """How one resource type appears in a baseline."""

    project: Callable[[Item], Fields]
    keyed_lists: Mapping[str, KeyFunc] = field(default_factory=dict)
    is_live: Callable[[Item], bool] = lambda item: True
    natural_key: Callable[[Item], str] | None = None  # identity that survives re-creation


def _state_not_in(*terminal: str, key: str = "State") -> Callable[[Item], bool]:
    def live(item: Item) -> bool:
        state = item.get(key)
        if isinstance(state, Mapping):
            state = state.get("Code")
        return state not in terminal

    return live


def _flow_log_key(item: Item) -> str:
    destination = item.get("LogDestination") or item.get("LogGroupName") or ""
    return "|".join(
        str(part)
        for part in (
            item.get("ResourceId"),
            item.get("TrafficType"),
            item.get("LogDestinationType", "cloud-watch-logs"),
            destination,
        )
    )


# What defines a NAT-gateway alarm (its state and history churn and are left out).
ALARM_FIELDS = (
    "Namespace",
    "MetricName",
    "Statistic",
    "Period",
    "EvaluationPeriods",
    "Threshold",
    "ComparisonOperator",
    "ActionsEnabled",
)

SG_RULE_LISTS: Mapping[str, KeyFunc] = {"ingress": rule_key, "egress": rule_key}

PROJECTIONS: dict[str, Projection] = {
    "aws.vpc": Projection(
        lambda i: {
            **_pick(i, "CidrBlock", "IsDefault", "InstanceTenancy", "DhcpOptionsId"),
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
    ),
    "aws.subnet": Projection(
        lambda i: {
            **_pick(i, "VpcId", "CidrBlock", "AvailabilityZone", "MapPublicIpOnLaunch"),
            "ipv6_cidrs": sorted(
                c["Ipv6CidrBlock"] for c in i.get("Ipv6CidrBlockAssociationSet", [])
            ),
            "tags": tags(i),
        }
    ),
    "aws.security-group": Projection(
        lambda i: {
            **_pick(i, "GroupName", "Description", "VpcId"),
            "ingress": sg_rules(i.get("IpPermissions", []), i.get("OwnerId")),
            "egress": sg_rules(i.get("IpPermissionsEgress", []), i.get("OwnerId")),
            "tags": tags(i),
        },
        keyed_lists=SG_RULE_LISTS,
    ),
    "aws.network-acl": Projection(
        lambda i: {
            **_pick(i, "VpcId", "IsDefault"),
            "ingress": nacl_entries(i, egress=False),
            "egress": nacl_entries(i, egress=True),
            "subnets": sorted(
                a["SubnetId"] for a in i.get("Associations", []) if a.get("SubnetId")
            ),
            "tags": tags(i),
        },
        keyed_lists={"ingress": nacl_entry_key, "egress": nacl_entry_key},
    ),
    "aws.route-table": Projection(
        lambda i: {
            **_pick(i, "VpcId"),
            "routes": routes(i),
            "associations": route_table_associations(i),
            "propagating_gateways": sorted(g["GatewayId"] for g in i.get("PropagatingVgws", [])),
            "tags": tags(i),
        },
        keyed_lists={"routes": route_key},
    ),
    "aws.internet-gateway": Projection(
        lambda i: {"vpcs": _attached_vpcs(i.get("Attachments")), "tags": tags(i)}
    ),
    "aws.egress-only-internet-gateway": Projection(
        lambda i: {"vpcs": _attached_vpcs(i.get("Attachments")), "tags": tags(i)}
    ),
    "aws.peering-connection": Projection(
        lambda i: {
            "requester": _vpc_info(i.get("RequesterVpcInfo")),
            "accepter": _vpc_info(i.get("AccepterVpcInfo")),
            "status": (i.get("Status") or {}).get("Code"),
            "tags": tags(i),
        },
        is_live=_state_not_in("deleted", "rejected", "failed", "expired", "deleting", key="Status"),
    ),
    "aws.nat-gateway": Projection(
        lambda i: {
            **_pick(i, "VpcId", "SubnetId", "ConnectivityType"),
            "addresses": sorted(
                (_pick(a, "AllocationId", "PublicIp") for a in i.get("NatGatewayAddresses", [])),
                key=lambda a: (str(a.get("AllocationId")), str(a.get("PublicIp"))),
            ),
            "tags": tags(i),
        },
        is_live=_state_not_in("deleted", "deleting", "failed"),
    ),
    "aws.vpc-endpoint": Projection(
        lambda i: {
            **_pick(i, "VpcId", "ServiceName", "VpcEndpointType", "PrivateDnsEnabled"),
            "policy": _policy(i.get("PolicyDocument")),
            "route_tables": sorted(i.get("RouteTableIds", [])),
            "subnets": sorted(i.get("SubnetIds", [])),
            "security_groups": sorted(g["GroupId"] for g in i.get("Groups", [])),
            "tags": tags(i),
        },
        is_live=_state_not_in("deleted", "deleting", "rejected", "failed", "expired"),
    ),
    "aws.elastic-ip": Projection(
        lambda i: {
            **_pick(
                i, "PublicIp", "Domain", "InstanceId", "NetworkInterfaceId", "PrivateIpAddress"
            ),
            "tags": tags(i),
        }
    ),
    "aws.eni": Projection(
        lambda i: {
            **_pick(i, "VpcId", "SubnetId", "Description", "InterfaceType", "SourceDestCheck"),
            "security_groups": sorted(g["GroupId"] for g in i.get("Groups", [])),
            "private_ips": sorted(p["PrivateIpAddress"] for p in i.get("PrivateIpAddresses", [])),
            "public_ip": (i.get("Association") or {}).get("PublicIp"),
            "tags": tags({"Tags": i.get("TagSet") or i.get("Tags") or []}),
        }
    ),
    "aws.customer-gateway": Projection(
        lambda i: {**_pick(i, "BgpAsn", "IpAddress", "Type", "DeviceName"), "tags": tags(i)},
        is_live=_state_not_in("deleted", "deleting"),
    ),
    "aws.vpn-gateway": Projection(
        lambda i: {
            **_pick(i, "Type", "AmazonSideAsn"),
            "vpcs": _attached_vpcs(i.get("VpcAttachments")),
            "tags": tags(i),
        },
        is_live=_state_not_in("deleted", "deleting"),
    ),
    "aws.vpn-connection": Projection(
        lambda i: {
            **_pick(i, "CustomerGatewayId", "VpnGatewayId", "TransitGatewayId", "Type"),
            "static_routes_only": (i.get("Options") or {}).get("StaticRoutesOnly"),
            "routes": sorted(r["DestinationCidrBlock"] for r in i.get("Routes", [])),
            "tags": tags(i),
        },
        is_live=_state_not_in("deleted", "deleting"),
    ),
    "aws.transit-gateway": Projection(
        lambda i: {
            **_pick(i, "OwnerId", "Description"),
            "options": {
                k: v
                for k, v in sorted((i.get("Options") or {}).items())
                if not k.endswith("RouteTableId") and not isinstance(v, list | dict)
            },
            "tags": tags(i),
        },
        is_live=_state_not_in("deleted", "deleting"),
    ),
    "aws.transit-attachment": Projection(
        lambda i: {
            **_pick(
                i,
                "TransitGatewayId",
                "TransitGatewayOwnerId",
                "ResourceType",
                "ResourceId",
                "ResourceOwnerId",
            ),
            "tags": tags(i),
        },
        is_live=_state_not_in("deleted", "deleting", "rejected", "failed"),
    ),
    "aws.flow-log": Projection(
        lambda i: {
            **_pick(
                i,
                "ResourceId",
                "TrafficType",
                "LogDestinationType",
                "LogDestination",
                "LogGroupName",
                "LogFormat",
                "MaxAggregationInterval",
                "DeliverLogsPermissionArn",
            ),
            "tags": tags(i),
        },
        natural_key=_flow_log_key,
    ),
    "aws.prefix-list": Projection(
        lambda i: {**_pick(i, "PrefixListName", "AddressFamily", "MaxEntries"), "tags": tags(i)},
        # AWS-managed lists (S3, DynamoDB...) are AWS's, not this account's configuration.
        is_live=lambda i: (
            i.get("OwnerId") != "AWS"
            and i.get("State") not in ("delete-complete", "delete-in-progress")
        ),
    ),
    "aws.cloudtrail": Projection(
        lambda i: {
            **_pick(
                i,
                "Name",
                "S3BucketName",
                "IsMultiRegionTrail",
                "IncludeGlobalServiceEvents",
                "LogFileValidationEnabled",
                "KmsKeyId",
                "CloudWatchLogsLogGroupArn",
                "IsOrganizationTrail",
                "HomeRegion",
            ),
            "logging": (i.get("c7n:TrailStatus") or {}).get("IsLogging"),
        }
    ),
    "aws.config-recorder": Projection(
        lambda i: {
            **_pick(i, "roleARN", "recordingGroup"),
            "recording": (i.get("status") or {}).get("recording"),
        }
    ),
    "aws.guardduty-detector": Projection(
        lambda i: _pick(i, "Status", "FindingPublishingFrequency", "ServiceRole")
    ),
    "aws.alarm": Projection(
        lambda i: {
            **_pick(i, *ALARM_FIELDS),
            "dimensions": {
                d["Name"]: d["Value"]
                for d in sorted(i.get("Dimensions", []), key=lambda d: d["Name"])
            },
            "actions": sorted(i.get("AlarmActions", [])),
        }
    ),
}


def project(rtype: str, item: Item) -> Fields:
    """The baseline fields of one raw item (no None values, canonical order)."""
    fields = PROJECTIONS[rtype].project(item)
    return {key: value for key, value in fields.items() if value is not None}


def is_live(rtype: str, item: Item) -> bool:
    return PROJECTIONS[rtype].is_live(item)
