"""An independent, brute-force reading of AWS's semantics: one packet at a time, straight
from the raw items, with ``ipaddress`` and no interval arithmetic. The property test checks
the engine against it; it shares no code with ``scanner.exposure``.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping
from typing import Any

Item = Mapping[str, Any]
NAMED = {"tcp": 6, "udp": 17, "icmp": 1, "icmpv6": 58, "-1": -1}
NOT_INTERNET = [
    ipaddress.ip_network(c)
    for c in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "fc00::/7")
]
EPHEMERAL = (1024, 65535)


def number(protocol: Any) -> int:
    text = str(protocol).lower()
    return NAMED[text] if text in NAMED else int(text)


def net(cidr: Any) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    try:
        return ipaddress.ip_network(str(cidr), strict=False)
    except ValueError:
        return None


def inside(address: ipaddress.IPv4Address | ipaddress.IPv6Address, cidr: Any) -> bool:
    network = net(cidr)
    return network is not None and network.version == address.version and address in network


def prefix_cidrs(resources: Mapping[str, list[Item]], plist: str) -> list[str]:
    for item in resources.get("aws.prefix-list", []):
        if item["PrefixListId"] == plist:
            return [e["Cidr"] for e in item.get("Entries", [])]
    return []


def route_to_igw(resources: Mapping[str, list[Item]], subnet: str, vpc: str, src: Any) -> bool:
    table = None
    for candidate in resources.get("aws.route-table", []):
        if any(a.get("SubnetId") == subnet for a in candidate.get("Associations", [])):
            table = candidate
    if table is None:
        for candidate in resources.get("aws.route-table", []):
            if candidate["VpcId"] == vpc and any(a.get("Main") for a in candidate["Associations"]):
                table = candidate
                break
    if table is None:
        return False
    best: tuple[int, int, Item] | None = None
    for route in table.get("Routes", []):
        if route.get("DestinationPrefixListId"):
            destinations = prefix_cidrs(resources, route["DestinationPrefixListId"])
            rank = 0  # at equal length a CIDR route wins
        else:
            destinations = [
                route.get("DestinationCidrBlock") or route.get("DestinationIpv6CidrBlock")
            ]
            rank = 1
        for cidr in destinations:
            if inside(src, cidr):
                length = net(cidr).prefixlen  # type: ignore[union-attr]
                if best is None or (length, rank) > (best[0], best[1]):
                    best = (length, rank, route)
    if best is None:
        return False
    route = best[2]
    gateway = str(route.get("GatewayId") or "")
    if route.get("State") == "blackhole" or not gateway.startswith("igw-"):
        return False
    for igw in resources.get("aws.internet-gateway", []):
        if igw["InternetGatewayId"] == gateway:
            return any(
                a.get("VpcId") == vpc and a.get("State") == "available"
                for a in igw.get("Attachments", [])
            )
    return False


# The exclusion states in which an exclusion is in force (scanner/exposure/bpa.py's reading
# of AWS's states, written out again here).
EXCLUSION_IN_FORCE = (
    "create-complete",
    "update-in-progress",
    "update-complete",
    "update-failed",
    "delete-in-progress",
    "disable-in-progress",
)


def bpa_admits(resources: Mapping[str, list[Item]], subnet: str, vpc: str) -> bool:
    """Does VPC Block Public Access let a connection from the internet into the subnet?"""
    settings = resources.get("aws.vpc-block-public-access", [])
    if not settings:
        return True  # not read: nothing assumed
    options = settings[0]
    if options["State"] == "update-in-progress":
        return True
    if options["InternetGatewayBlockMode"] not in ("block-bidirectional", "block-ingress"):
        return True
    if options.get("ExclusionsAllowed") == "not-allowed":
        return False
    for exclusion in resources.get("aws.vpc-block-public-access-exclusion", []):
        arn = exclusion["ResourceArn"]
        if (
            exclusion["State"] in EXCLUSION_IN_FORCE
            and exclusion["InternetGatewayExclusionMode"] == "allow-bidirectional"
            and (arn.endswith(f":subnet/{subnet}") or arn.endswith(f":vpc/{vpc}"))
        ):
            return True
    return False


def acl_allows(
    resources: Mapping[str, list[Item]],
    subnet: str,
    vpc: str,
    egress: bool,
    peer: Any,
    protocol: int,
    port: int,
) -> bool:
    acl = None
    for candidate in resources.get("aws.network-acl", []):
        if any(a.get("SubnetId") == subnet for a in candidate.get("Associations", [])):
            acl = candidate
    if acl is None:
        for candidate in resources.get("aws.network-acl", []):
            if candidate["VpcId"] == vpc and candidate.get("IsDefault"):
                acl = candidate
                break
    if acl is None:
        return True
    for entry in sorted(acl["Entries"], key=lambda e: e["RuleNumber"]):
        if bool(entry["Egress"]) != egress:
            continue
        if not inside(peer, entry.get("CidrBlock") or entry.get("Ipv6CidrBlock")):
            continue
        rule = number(entry["Protocol"])
        if rule not in (-1, protocol):
            continue
        # A deny of one ICMP type never decides "ICMP" (netwarden's documented reading).
        icmp_type = (entry.get("IcmpTypeCode") or {}).get("Type", -1)
        if rule in (1, 58) and entry["RuleAction"] == "deny" and icmp_type != -1:
            continue
        ports = entry.get("PortRange")
        if rule in (6, 17) and ports and not ports["From"] <= port <= ports["To"]:
            continue
        return bool(entry["RuleAction"] == "allow")
    return False


def sg_allows(
    resources: Mapping[str, list[Item]], groups: Iterable[str], src: Any, protocol: int, port: int
) -> bool:
    wanted = set(groups)
    for group in resources.get("aws.security-group", []):
        if group["GroupId"] not in wanted:
            continue
        for perm in group.get("IpPermissions", []):
            rule = number(perm["IpProtocol"])
            if rule not in (-1, protocol):
                continue
            ranged = rule in (6, 17) and perm.get("FromPort", -1) != -1
            if ranged and not perm["FromPort"] <= port <= perm["ToPort"]:
                continue
            cidrs = [r["CidrIp"] for r in perm.get("IpRanges", [])]
            cidrs += [r["CidrIpv6"] for r in perm.get("Ipv6Ranges", [])]
            for plist in perm.get("PrefixListIds", []):
                cidrs += prefix_cidrs(resources, plist["PrefixListId"])
            if any(inside(src, c) for c in cidrs):
                return True
    return False


def packet_admitted(
    resources: Mapping[str, list[Item]],
    eni: Item,
    src: Any,
    protocol: int,
    port: int,
    client_port: int,
    check_reply: bool = True,
) -> bool:
    """Would a connection from ``src``:``client_port`` to ``port`` (of any internet address
    of the interface) be answered?"""
    if eni.get("Status") != "in-use":
        return False
    if any(src in network for network in NOT_INTERNET if network.version == src.version):
        return False
    subnet, vpc = eni["SubnetId"], eni["VpcId"]
    groups = [g["GroupId"] for g in eni.get("Groups", [])]
    return (
        route_to_igw(resources, subnet, vpc, src)
        and bpa_admits(resources, subnet, vpc)
        and acl_allows(resources, subnet, vpc, False, src, protocol, port)
        and (
            not check_reply or acl_allows(resources, subnet, vpc, True, src, protocol, client_port)
        )
        and sg_allows(resources, groups, src, protocol, port)
    )


def client_ports(resources: Mapping[str, list[Item]]) -> list[int]:
    """Client ports enough to try every distinct outbound verdict: the ephemeral range's
    ends and every outbound entry's edges inside it."""
    ports = {EPHEMERAL[0], EPHEMERAL[1]}
    for acl in resources.get("aws.network-acl", []):
        for entry in acl["Entries"]:
            if "PortRange" in entry:
                for edge in (entry["PortRange"]["From"], entry["PortRange"]["To"] + 1):
                    if EPHEMERAL[0] <= edge <= EPHEMERAL[1]:
                        ports.add(edge)
                for edge in (entry["PortRange"]["From"] - 1, entry["PortRange"]["To"]):
                    if EPHEMERAL[0] <= edge <= EPHEMERAL[1]:
                        ports.add(edge)
    return sorted(ports)


def exposed(
    resources: Mapping[str, list[Item]], eni: Item, src: Any, protocol: int, port: int
) -> bool:
    """Some client port gets the connection through (the port-independent checks first,
    only because they are cheaper)."""
    first = client_ports(resources)[0]
    if not packet_admitted(resources, eni, src, protocol, port, first, check_reply=False):
        return False
    return any(
        packet_admitted(resources, eni, src, protocol, port, client)
        for client in client_ports(resources)
    )
