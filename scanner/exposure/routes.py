"""Which source addresses a subnet's route table sends back to an internet gateway.

A reply to an internet client leaves by the subnet's route table, looked up on the client's
address: the longest prefix match wins, so a more specific route to a transit gateway,
peering connection, NAT gateway or blackhole carves its range out of a 0.0.0.0/0 to the IGW
(the reply would leave the wrong way and the connection never completes). Prefix-list
destinations count entry by entry, each with its own prefix length; at equal length a CIDR
route wins over a prefix-list route (AWS's documented priority). A route to a detached IGW,
a blackhole, and anything else (egress-only IGW, NAT, TGW, peering, VGW, ENI, endpoint)
gives no inbound path.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from scanner.exposure import intervals as iv
from scanner.exposure.world import RegionWorld

TARGET_KEYS = (
    "GatewayId",
    "NatGatewayId",
    "TransitGatewayId",
    "VpcPeeringConnectionId",
    "EgressOnlyInternetGatewayId",
    "NetworkInterfaceId",
    "InstanceId",
    "LocalGatewayId",
    "CarrierGatewayId",
    "CoreNetworkArn",
)


@dataclass(frozen=True)
class RouteClaim:
    """The addresses one route wins by longest prefix match, and whether they reach an IGW."""

    destination: str  # the CIDR or prefix-list id as the route names it
    target: str
    to_igw: bool
    why: str  # why not, when not ("blackhole", "igw-1 is not attached to vpc-1", "nat-1")
    ranges: iv.Ranges


@dataclass(frozen=True)
class RouteVerdict:
    """A route table's answer for one family."""

    table_id: str
    explicit: bool
    claims: tuple[RouteClaim, ...]

    @property
    def igw_ranges(self) -> iv.Ranges:
        return iv.union(*(c.ranges for c in self.claims if c.to_igw))

    def how(self) -> str:
        return "explicit association" if self.explicit else "main table"


def target_of(route: Mapping[str, Any]) -> str:
    for key in TARGET_KEYS:
        if route.get(key):
            return str(route[key])
    return "unknown"


def _destinations(
    route: Mapping[str, Any], family: int, world: RegionWorld
) -> tuple[str, list[tuple[iv.Span, int]], int] | None:
    """(name, [(span, prefix length)], priority) for one route in ``family``; lower priority
    wins at equal length: CIDR 0, prefix list 1."""
    key = "DestinationCidrBlock" if family == 4 else "DestinationIpv6CidrBlock"
    if route.get(key):
        try:
            version, span, length = iv.cidr_span(str(route[key]))
        except ValueError:
            return None
        return (str(route[key]), [(span, length)], 0) if version == family else None
    plist = route.get("DestinationPrefixListId")
    if plist:
        spans = []
        for cidr in world.prefix_list(str(plist)) or []:
            try:
                version, span, length = iv.cidr_span(cidr)
            except ValueError:
                continue
            if version == family:
                spans.append((span, length))
        return (str(plist), spans, 1) if spans else None
    return None


def route_verdict(
    table: Mapping[str, Any], explicit: bool, family: int, vpc_id: str, world: RegionWorld
) -> RouteVerdict:
    """Longest prefix match over the whole table at once: each route keeps what no more
    specific route took first."""
    candidates: list[tuple[int, int, int, iv.Span, Mapping[str, Any], str]] = []
    for order, route in enumerate(table.get("Routes", []) or []):
        found = _destinations(route, family, world)
        if found is None:
            continue
        name, spans, priority = found
        for span, length in spans:
            candidates.append((-length, priority, order, span, route, name))
    candidates.sort(key=lambda c: (c[0], c[1], c[2]))
    claimed: iv.Ranges = iv.EMPTY
    by_route: dict[tuple[int, str], list[iv.Span]] = {}
    routes: dict[tuple[int, str], tuple[Mapping[str, Any], str]] = {}
    for _, _, order, span, route, name in candidates:
        own = iv.subtract((span,), claimed)
        if not own:
            continue
        claimed = iv.union(claimed, own)
        by_route.setdefault((order, name), []).extend(own)
        routes[(order, name)] = (route, name)
    claims = []
    for key in sorted(by_route):
        route, name = routes[key]
        to_igw, why = _delivers(route, vpc_id, world)
        claims.append(RouteClaim(name, target_of(route), to_igw, why, iv.normalise(by_route[key])))
    return RouteVerdict(str(table.get("RouteTableId", "")), explicit, tuple(claims))


def _delivers(route: Mapping[str, Any], vpc_id: str, world: RegionWorld) -> tuple[bool, str]:
    target = target_of(route)
    if route.get("State") == "blackhole":
        return False, f"a blackhole ({target})"
    gateway = str(route.get("GatewayId") or "")
    if gateway.startswith("igw-"):
        if world.igw_attached(gateway, vpc_id):
            return True, ""
        return False, f"{gateway}, which is not attached to {vpc_id}"
    if target == "local":
        return False, "local (inside the VPC)"
    return False, f"{target}, not an internet gateway"
