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
        on_enis: set[str] = set()
        for page in client.get_paginator("describe_network_interfaces").paginate():
            for eni in page.get("NetworkInterfaces", []):
                on_enis.update(g["GroupId"] for g in eni.get("Groups", []))
        referenced_by: dict[str, set[str]] = {}
        for page in client.get_paginator("describe_security_groups").paginate():
            for group in page.get("SecurityGroups", []):
                for perm in group.get("IpPermissions", []) + group.get("IpPermissionsEgress", []):
                    for pair in perm.get("UserIdGroupPairs", []):
                        if pair.get("GroupId") and pair["GroupId"] != group["GroupId"]:
                            referenced_by.setdefault(pair["GroupId"], set()).add(group["GroupId"])
        matched = []
        for resource in resources:
            group_id = resource["GroupId"]
            if group_id in on_enis or referenced_by.get(group_id):
                continue
            resource[UNREFERENCED] = {"NetworkInterfaces": [], "ReferencedBy": []}
            matched.append(resource)
        return matched
