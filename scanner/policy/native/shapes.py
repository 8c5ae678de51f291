"""Are a block's items shaped as the Describe APIs return them?

The native engine decides from precomputed facts and skips work whose answer cannot matter;
Custodian looks at everything and raises (``KeyError``, ``TypeError``, ``ValueError``) on an
item a snapshot file can hold but AWS never returns (a port that is a string, a rule without
its group id, a CIDR that does not parse). On such items the two could differ in *whether*
they raise, so a policy whose items fail these checks is evaluated by Custodian instead: the
checks only decide which engine runs, never what a verdict is.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from scanner.policy.native.networks import parse_network

Check = Callable[[list[Any]], bool]
RANGE_KEYS = ("IpRanges", "Ipv6Ranges", "PrefixListIds", "UserIdGroupPairs")


def _is_int(value: Any) -> bool:
    return type(value) is int


def _dicts(value: Any) -> bool:
    return type(value) is list and all(type(v) is dict for v in value)


def _parses(cidr: Any) -> bool:
    if type(cidr) is not str:
        return False
    try:
        parse_network(cidr)
    except ValueError:
        return False
    return True


def items(found: list[Any]) -> bool:
    """Objects whose tags ``tag:K`` can read: ``Tags`` a list of objects (or GCP/Azure's
    ``labels``/``tags`` objects, read when ``Tags`` is absent)."""
    for item in found:
        if type(item) is not dict:
            return False
        if "Tags" in item:
            tags = item["Tags"]
            if type(tags) is not list:
                return False
            for tag in tags:
                if type(tag) is not dict:
                    return False
        elif "labels" in item:
            if not isinstance(item["labels"], dict):
                return False
        elif "tags" in item and item["tags"] and not isinstance(item["tags"], dict):
            return False
    return True


def ids(key: str) -> Check:
    """Every item has ``key``, a string, and no two the same: Custodian's boolean blocks match
    resources by it, and merge (or lose) resources that share one."""

    def check(found: list[Any]) -> bool:
        seen: set[str] = set()
        for item in found:
            if type(item) is not dict:
                return False
            value = item.get(key)
            if type(value) is not str or value in seen:
                return False
            seen.add(value)
        return True

    return check


def _sources(perm: dict[str, Any], key: str, field: str | None) -> bool:
    """``perm[key]``, when present, is a list of objects whose ``field`` is a string."""
    if key not in perm:
        return True
    sources = perm[key]
    if type(sources) is not list:
        return False
    for source in sources:
        if type(source) is not dict:
            return False
        if field is not None and type(source.get(field)) is not str:
            return False
    return True


def _permission(perm: Any) -> bool:
    if type(perm) is not dict:
        return False
    if "FromPort" in perm and type(perm["FromPort"]) is not int:
        return False
    if "ToPort" in perm and type(perm["ToPort"]) is not int:
        return False
    return (
        _sources(perm, "IpRanges", "CidrIp")
        and _sources(perm, "Ipv6Ranges", "CidrIpv6")
        and _sources(perm, "UserIdGroupPairs", "GroupId")
        and _sources(perm, "PrefixListIds", None)
    )


def security_groups(found: list[Any]) -> bool:
    """Groups with an id, an owner, and both permission lists of well-formed permissions."""
    for group in found:
        if type(group) is not dict or type(group.get("GroupId")) is not str:
            return False
        if "OwnerId" not in group:
            return False
        for key in ("IpPermissions", "IpPermissionsEgress"):
            perms = group.get(key)
            if type(perms) is not list:
                return False
            for perm in perms:
                if not _permission(perm):
                    return False
    return True


def ipv4_sources_parse(found: list[Any]) -> bool:
    """Every IPv4 source of every permission is a CIDR (``wide-cidr-ingress`` parses them).
    Only meaningful on groups that are ``security-groups`` well-formed (a prerequisite)."""
    return all(
        _parses(r["CidrIp"])
        for group in found
        for key in ("IpPermissions", "IpPermissionsEgress")
        for perm in group[key]
        for r in perm.get("IpRanges", ())
    )


def _entry(entry: Any) -> bool:
    if not isinstance(entry, dict):
        return False
    if entry.get("Egress"):
        return True  # egress entries are never read by open-ingress
    if not _is_int(entry.get("RuleNumber")):
        return False
    cidr = entry.get("CidrBlock") or entry.get("Ipv6CidrBlock")
    if cidr and not _parses(cidr):
        return False
    port_range = entry.get("PortRange")
    if port_range:
        if not isinstance(port_range, dict):
            return False
        if not (_is_int(port_range.get("From")) and _is_int(port_range.get("To"))):
            return False
    return True


def network_acls(found: list[Any]) -> bool:
    """ACLs whose ingress entries have a rule number, a CIDR that parses and integer ports."""
    return all(
        isinstance(acl, dict)
        and _dicts(acl.get("Entries", []))
        and all(map(_entry, acl.get("Entries", [])))
        for acl in found
    )


def _optional_str(value: Any) -> bool:
    return value is None or isinstance(value, str)


def route_tables(found: list[Any]) -> bool:
    """Tables with lists of routes and associations; route destinations that parse."""
    for table in found:
        if not isinstance(table, dict) or not _optional_str(table.get("VpcId")):
            return False
        if not _dicts(table.get("Routes", [])) or not _dicts(table.get("Associations", [])):
            return False
        for route in table.get("Routes", []):
            for key in ("DestinationCidrBlock", "DestinationIpv6CidrBlock"):
                if route.get(key) and not _parses(route[key]):
                    return False
        if not all(_optional_str(a.get("SubnetId")) for a in table.get("Associations", [])):
            return False
    return True


def _keyed(key: str, optional_keys: Iterable[str] = ()) -> Check:
    def check(found: list[Any]) -> bool:
        return all(
            isinstance(item, dict)
            and isinstance(item.get(key), str)
            and all(_optional_str(item.get(k)) for k in optional_keys)
            for item in found
        )

    return check


def network_interfaces(found: list[Any]) -> bool:
    """ENIs whose groups each have a group id."""
    return all(
        isinstance(eni, dict)
        and _dicts(eni.get("Groups", []))
        and all(isinstance(g.get("GroupId"), str) for g in eni.get("Groups", []))
        for eni in found
    )


def peering_connections(found: list[Any]) -> bool:
    """Peerings whose two sides are objects with a string (or no) owner."""
    for peering in found:
        if not isinstance(peering, dict):
            return False
        for side in ("RequesterVpcInfo", "AccepterVpcInfo"):
            info = peering.get(side, {})
            if not isinstance(info, dict) or not _optional_str(info.get("OwnerId")):
                return False
    return True


def internet_gateways(found: list[Any]) -> bool:
    """Gateways whose attachments are objects with a string (or no) VPC id."""
    return all(
        isinstance(igw, dict)
        and _dicts(igw.get("Attachments", []))
        and all(_optional_str(a.get("VpcId")) for a in igw.get("Attachments", []))
        for igw in found
    )


CHECKS: dict[str, Check] = {
    "items": items,
    "security-groups": security_groups,
    "ipv4-sources-parse": ipv4_sources_parse,
    "network-acls": network_acls,
    "route-tables": route_tables,
    "subnets": _keyed("SubnetId", ("VpcId",)),
    "network-interfaces": network_interfaces,
    "nat-gateways": _keyed("NatGatewayId"),
    "peering-connections": peering_connections,
    "internet-gateways": internet_gateways,
    "vpcs": _keyed("VpcId"),
}


# Checks that read what another check guarantees.
PREREQUISITES = {"ipv4-sources-parse": ("security-groups",)}


def check(aspect: str, found: Any) -> bool:
    """Whether ``found`` (a type's items in a block) is well-formed for ``aspect``
    (a name of :data:`CHECKS`, or ``ids:KEY``), its prerequisites included."""
    return all(check_one(a, found) for a in (*PREREQUISITES.get(aspect, ()), aspect))


def check_one(aspect: str, found: Any) -> bool:
    """``check`` without the prerequisites (the caller has checked them)."""
    if not isinstance(found, list):
        return False
    if aspect.startswith("ids:"):
        return ids(aspect[4:])(found)
    return CHECKS[aspect](found)
