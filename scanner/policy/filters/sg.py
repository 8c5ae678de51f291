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
