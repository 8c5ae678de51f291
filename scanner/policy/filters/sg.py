"""Security-group filters: ingress from a wide private CIDR, and groups nothing uses.

``unreferenced`` replaces Custodian's ``unused`` offline: ``unused`` asks Lambda, ELB, RDS,
ECS, Batch and more, which netwarden does not collect, while every one of those services puts
its security groups on an elastic network interface, and ENIs are in the snapshot.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from c7n.filters import Filter
from c7n.resources.vpc import IPPermission, SecurityGroup
from c7n.utils import local_session, type_schema

PRIVATE_V4 = ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")
UNREFERENCED = "c7n:unreferenced"
SHARED_V4 = ipaddress.IPv4Network("100.64.0.0/10")


@SecurityGroup.filter_registry.register("wide-cidr-ingress")
class WideCidrIngress(IPPermission):
    """Custodian's ``ingress`` filter, where a permission's IPv4 range must also lie within
    one of ``Within`` (default: RFC 1918 space) and be wider than ``/WiderThan`` (default 16).

    .. code-block:: yaml

      - type: wide-cidr-ingress
        Ports: [22, 3389]
        WiderThan: 16
    """

    schema = type_schema(
        "wide-cidr-ingress",
        rinherit=None,
        **{k: v for k, v in IPPermission.schema["properties"].items() if k != "type"},
        WiderThan={"type": "integer", "minimum": 1, "maximum": 32},
        Within={"type": "array", "minItems": 1, "items": {"type": "string"}},
    )
    attrs = IPPermission.attrs | {"WiderThan", "Within"}

    def _wide(self, cidr: str) -> bool:
        network = ipaddress.ip_network(cidr, strict=False)
        if network.prefixlen >= self.data.get("WiderThan", 16):
            return False
        within = [ipaddress.ip_network(c) for c in self.data.get("Within", PRIVATE_V4)]
        return any(
            network.version == w.version and network.subnet_of(w)  # type: ignore[arg-type]
            for w in within
        )

    def process_cidrs(self, perm: dict[str, Any]) -> bool | None:
        base = super().process_cidrs(perm)
        wide = any(self._wide(r["CidrIp"]) for r in perm.get("IpRanges", []))
        return wide if base is None else bool(wide and base)


def is_public(network: ipaddress.IPv4Network | ipaddress.IPv6Network) -> bool:
    """Whether a source range reaches beyond private and special-use space: not wholly
    inside one of IANA's special-purpose blocks (RFC 1918, CGNAT, loopback, link-local,
    documentation, ...), as Python's ``ipaddress`` knows them."""
    if isinstance(network, ipaddress.IPv4Network) and network.subnet_of(SHARED_V4):
        return False  # carrier-grade NAT space: ipaddress counts it neither private nor global
    return not (
        network.is_private
        or network.is_loopback
        or network.is_link_local
        or network.is_multicast
        or network.is_reserved
        or network.is_unspecified
    )


@SecurityGroup.filter_registry.register("public-cidr-ingress")
class PublicCidrIngress(IPPermission):
    """Custodian's ``ingress`` filter, where a permission's source must also be a public
    range whose prefix length is within ``Prefix4`` (IPv4) or ``Prefix6`` (IPv6), each
    ``[shortest, longest]`` (a family without one is not looked at), and not inside one of
    ``Allowed``.

    .. code-block:: yaml

      - type: public-cidr-ingress
        Prefix4: [32, 32]      # one public IPv4 address
        Prefix6: [128, 128]
        Allowed: ["192.0.2.10/32"]
    """

    _bounds = {"type": "array", "minItems": 2, "maxItems": 2, "items": {"type": "integer"}}
    schema = type_schema(
        "public-cidr-ingress",
        rinherit=None,
        **{k: v for k, v in IPPermission.schema["properties"].items() if k != "type"},
        Prefix4=_bounds,
        Prefix6=_bounds,
        Allowed={"type": "array", "items": {"type": "string"}},
    )
    attrs = IPPermission.attrs | {"Prefix4", "Prefix6", "Allowed"}

    def _allowed(self) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
        return [ipaddress.ip_network(c, strict=False) for c in self.data.get("Allowed", [])]

    def matches_cidr(self, cidr: str) -> bool:
        """Whether one source range is a public range of the chosen size, not allowed."""
        try:
            network = ipaddress.ip_network(cidr, strict=False)
        except ValueError:
            return False
        bounds = self.data.get("Prefix4" if network.version == 4 else "Prefix6")
        if not bounds or not bounds[0] <= network.prefixlen <= bounds[1]:
            return False
        if not is_public(network):
            return False
        return not any(
            network.version == a.version and network.subnet_of(a)  # type: ignore[arg-type]
            for a in self._allowed()
        )

    def process_cidrs(self, perm: dict[str, Any]) -> bool | None:
        base = super().process_cidrs(perm)
        sources = [r["CidrIp"] for r in perm.get("IpRanges", []) if "CidrIp" in r]
        sources += [r["CidrIpv6"] for r in perm.get("Ipv6Ranges", []) if "CidrIpv6" in r]
        found = any(self.matches_cidr(c) for c in sources)
        return found if base is None else bool(found and base)


@SecurityGroup.filter_registry.register("unreferenced")
class Unreferenced(Filter):
    """Security groups on no network interface and referenced by no other group's rule."""

    schema = type_schema("unreferenced")
    permissions = ("ec2:DescribeNetworkInterfaces", "ec2:DescribeSecurityGroups")

    def process(self, resources: list[dict[str, Any]], event: Any = None) -> list[dict[str, Any]]:
        client = local_session(self.manager.session_factory).client("ec2")
        in_use: set[str] = set()
        for page in client.get_paginator("describe_network_interfaces").paginate():
            in_use |= groups_on(page.get("NetworkInterfaces", []))
        for page in client.get_paginator("describe_security_groups").paginate():
            in_use |= groups_referenced(page.get("SecurityGroups", []))
        matched = []
        for resource in resources:
            if resource["GroupId"] in in_use:
                continue
            resource[UNREFERENCED] = {"NetworkInterfaces": [], "ReferencedBy": []}
            matched.append(resource)
        return matched


def groups_on(enis: list[dict[str, Any]]) -> set[str]:
    """The ids of the groups on these network interfaces."""
    return {g["GroupId"] for eni in enis for g in eni.get("Groups", [])}


def groups_referenced(groups: list[dict[str, Any]]) -> set[str]:
    """The ids of the groups a rule of another of these groups refers to."""
    referenced: set[str] = set()
    for group in groups:
        for perm in group.get("IpPermissions", []) + group.get("IpPermissionsEgress", []):
            for pair in perm.get("UserIdGroupPairs", []):
                if pair.get("GroupId") and pair["GroupId"] != group["GroupId"]:
                    referenced.add(pair["GroupId"])
    return referenced
