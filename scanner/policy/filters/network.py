"""Routing, gateway and sharing filters that Custodian lacks (or gets wrong) for our rules."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from typing import Any

import c7n.filters.vpc as net_filters
from c7n.filters import Filter
from c7n.resources.vpc import InternetGateway, NATGateway, PeeringConnection, RouteTable, Subnet
from c7n.utils import local_session, type_schema

IGW_ROUTES = "c7n:internet-gateway-routes"
PEERING_ROUTES = "c7n:broad-peering-routes"
MISSING_ALARMS = "c7n:missing-alarms"
VIOLATIONS = "c7n:CrossAccountViolations"  # the key Custodian's cross-account filters use


def route_destination(route: Mapping[str, Any]) -> tuple[str, str] | None:
    for key in ("DestinationCidrBlock", "DestinationIpv6CidrBlock"):
        if route.get(key):
            return key, route[key]
    return None


def effective_route_table(
    subnet: dict[str, Any], tables: list[dict[str, Any]]
) -> tuple[dict[str, Any] | None, str]:
    """The table AWS uses for a subnet: its explicit association, else the VPC's main one."""
    for table in tables:
        if any(a.get("SubnetId") == subnet["SubnetId"] for a in table.get("Associations", [])):
            return table, "explicit"
    for table in tables:
        if table.get("VpcId") == subnet.get("VpcId") and any(
            a.get("Main") for a in table.get("Associations", [])
        ):
            return table, "main"
    return None, "none"


def igw_routes(table: Mapping[str, Any], how: str) -> list[dict[str, Any]]:
    """The routes of ``table`` (a subnet's effective table, associated ``how``) that reach an
    internet gateway, as ``internet-gateway-route`` annotates them."""
    routes = [
        {"RouteTableId": table["RouteTableId"], "Association": how, "Route": route}
        for route in table.get("Routes", [])
        if str(route.get("GatewayId", "")).startswith("igw-")
        and route.get("State") != "blackhole"
        and route_destination(route)
    ]
    for found in routes:
        key, cidr = route_destination(found["Route"]) or ("", "")
        found["DestinationParam"], found["Destination"] = key, cidr
        found["DestinationFlag"] = (
            "--destination-cidr-block"
            if key == "DestinationCidrBlock"
            else "--destination-ipv6-cidr-block"
        )
    return routes


@Subnet.filter_registry.register("internet-gateway-route")
class InternetGatewayRoute(Filter):
    """Subnets whose effective route table (explicit or main) routes to an internet gateway."""

    schema = type_schema("internet-gateway-route")
    permissions = ("ec2:DescribeRouteTables",)

    def process(self, resources: list[dict[str, Any]], event: Any = None) -> list[dict[str, Any]]:
        client = local_session(self.manager.session_factory).client("ec2")
        tables: list[dict[str, Any]] = []
        for page in client.get_paginator("describe_route_tables").paginate():
            tables.extend(page.get("RouteTables", []))
        matched = []
        for subnet in resources:
            table, how = effective_route_table(subnet, tables)
            if table is None:
                continue
            routes = igw_routes(table, how)
            if routes:
                subnet[IGW_ROUTES] = routes
                matched.append(subnet)
        return matched


@RouteTable.filter_registry.register("broad-peering-route")
class BroadPeeringRoute(Filter):
    """Route tables with a route to a peering connection wider than the allowed prefix
    (least-access peering routes, CIS 5.5): by default wider than /24 (IPv4), /64 (IPv6)."""

    schema = type_schema(
        "broad-peering-route",
        **{
            "min-prefix-length": {"type": "integer", "minimum": 0, "maximum": 32},
            "min-prefix-length-v6": {"type": "integer", "minimum": 0, "maximum": 128},
        },
    )
    permissions = ("ec2:DescribeRouteTables",)

    def __call__(self, table: dict[str, Any]) -> bool:
        broad = broad_peering_routes(table, self.limits())
        if broad:
            table[PEERING_ROUTES] = broad
        return bool(broad)

    def limits(self) -> dict[int, int]:
        """The smallest allowed prefix length, per IP version."""
        return {
            4: self.data.get("min-prefix-length", 24),
            6: self.data.get("min-prefix-length-v6", 64),
        }


def broad_peering_routes(table: Mapping[str, Any], limits: dict[int, int]) -> list[dict[str, Any]]:
    """The routes of ``table`` to a peering connection wider than ``limits`` allow."""
    broad = []
    for route in table.get("Routes", []):
        dest = route_destination(route)
        if not route.get("VpcPeeringConnectionId") or not dest:
            continue
        network = ipaddress.ip_network(dest[1], strict=False)
        if network.prefixlen < limits[network.version]:
            broad.append(
                {
                    "Route": route,
                    "DestinationParam": dest[0],
                    "Destination": dest[1],
                    "DestinationFlag": "--destination-cidr-block"
                    if dest[0] == "DestinationCidrBlock"
                    else "--destination-ipv6-cidr-block",
                    "PrefixLength": network.prefixlen,
                }
            )
    return broad


@InternetGateway.filter_registry.register("vpc")
class InternetGatewayVpc(net_filters.VpcFilter):
    """Internet gateways by the attributes of the VPCs they are attached to."""

    RelatedIdsExpression = "Attachments[].VpcId"


@NATGateway.filter_registry.register("missing-alarms")
class MissingAlarms(Filter):
    """NAT gateways lacking a CloudWatch alarm on each of ``metrics`` (namespace
    AWS/NATGateway, dimension NatGatewayId)."""

    schema = type_schema(
        "missing-alarms",
        metrics={"type": "array", "minItems": 1, "items": {"type": "string"}},
    )
    permissions = ("cloudwatch:DescribeAlarms",)

    def process(self, resources: list[dict[str, Any]], event: Any = None) -> list[dict[str, Any]]:
        client = local_session(self.manager.session_factory).client("cloudwatch")
        alarms: list[dict[str, Any]] = []
        for page in client.get_paginator("describe_alarms").paginate(AlarmTypes=["MetricAlarm"]):
            alarms.extend(page.get("MetricAlarms", []))
        covered = covered_metrics(alarms)
        matched = []
        for nat in resources:
            missing = missing_alarms(nat, self.wanted(), covered)
            if missing:
                nat[MISSING_ALARMS] = missing
                matched.append(nat)
        return matched

    def wanted(self) -> list[str]:
        """The metrics each NAT gateway needs an alarm on."""
        wanted: list[str] = self.data.get(
            "metrics", ["BytesOutToDestination", "ErrorPortAllocation"]
        )
        return wanted


def covered_metrics(alarms: list[dict[str, Any]]) -> set[tuple[str, str]]:
    """(NAT gateway id, metric name) of every AWS/NATGateway metric an alarm watches."""
    covered: set[tuple[str, str]] = set()
    for alarm in alarms:
        stats = [m["MetricStat"] for m in alarm.get("Metrics", []) if "MetricStat" in m]
        metrics = [alarm] + [stat["Metric"] for stat in stats]
        for metric in metrics:
            if metric.get("Namespace") != "AWS/NATGateway":
                continue
            for dim in metric.get("Dimensions", []):
                if dim.get("Name") == "NatGatewayId":
                    covered.add((dim.get("Value", ""), metric.get("MetricName", "")))
    return covered


def missing_alarms(
    nat: Mapping[str, Any], wanted: list[str], covered: set[tuple[str, str]]
) -> list[str]:
    """The wanted metrics of ``nat`` no alarm watches."""
    return [m for m in wanted if (nat["NatGatewayId"], m) not in covered]


@PeeringConnection.filter_registry.register("untrusted-peer")
class UntrustedPeer(Filter):
    """Peering connections whose requester or accepter account is not trusted.

    Custodian's own ``cross-account`` on peering connections only ever checks the first
    connection it is given (it iterates a one-shot ``map``), so netwarden does not use it.
    """

    schema = type_schema(
        "untrusted-peer",
        whitelist={"type": "array", "items": {"type": "string"}},
    )
    permissions = ("ec2:DescribeVpcPeeringConnections",)

    def process(self, resources: list[dict[str, Any]], event: Any = None) -> list[dict[str, Any]]:
        trusted = self.trusted()
        matched = []
        for peering in resources:
            untrusted = untrusted_owners(peering, trusted)
            if untrusted:
                peering[VIOLATIONS] = untrusted
                matched.append(peering)
        return matched

    def trusted(self) -> set[str]:
        """The whitelist and the scanned account."""
        return set(self.data.get("whitelist", ())) | {self.manager.config.account_id}


def untrusted_owners(peering: Mapping[str, Any], trusted: set[str]) -> list[str]:
    """The requester and accepter accounts of ``peering`` that are not trusted, sorted."""
    owners = [
        peering.get(side, {}).get("OwnerId") for side in ("RequesterVpcInfo", "AccepterVpcInfo")
    ]
    return sorted({o for o in owners if o and o not in trusted})
