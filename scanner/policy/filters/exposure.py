"""``internet-exposed`` on ``aws.eni``: interfaces the internet can open a connection to.

The exposure engine (:mod:`scanner.exposure`) decides, over the whole path: public address,
route back to an attached internet gateway, the subnet's NACL both ways, the union of the
interface's security groups. The filter reads the region's route tables, NACLs, groups,
gateways, prefix lists, subnets and NAT gateways through the policy's session, as Custodian's
own filters do (the snapshot session answers them offline), once per call.

.. code-block:: yaml

  - type: internet-exposed
    ports: [22, 3389]        # only exposures on one of these TCP/UDP ports
    protocols: [tcp]         # tcp, udp, icmp, icmpv6, all, or a number ("50")
    families: [ipv4, ipv6]
    approved: [80, 443]      # only exposures on a port outside these

The matched interface is annotated with ``c7n:internet-exposures`` (each exposure: address,
traffic, sources and path) and ``c7n:internet-exposure-rules`` (each security-group
permission that admits them, to revoke).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from c7n.filters import Filter
from c7n.resources.vpc import NetworkInterface
from c7n.utils import local_session, type_schema

from scanner.exposure import intervals as iv
from scanner.exposure import protocols as proto
from scanner.exposure.approved import is_approved
from scanner.exposure.engine import analyse_region
from scanner.exposure.groups import permissions
from scanner.exposure.model import Exposure, ExposureReport
from scanner.exposure.render import sources_text
from scanner.exposure.world import RegionWorld

ANNOTATION = "c7n:internet-exposures"
RULES = "c7n:internet-exposure-rules"
FAMILIES = ("ipv4", "ipv6")
# (Custodian type, Describe call, result key) of every type the path reads besides the ENIs.
WORLD = (
    ("aws.subnet", "describe_subnets", "Subnets"),
    ("aws.route-table", "describe_route_tables", "RouteTables"),
    ("aws.network-acl", "describe_network_acls", "NetworkAcls"),
    ("aws.security-group", "describe_security_groups", "SecurityGroups"),
    ("aws.internet-gateway", "describe_internet_gateways", "InternetGateways"),
    ("aws.nat-gateway", "describe_nat_gateways", "NatGateways"),
    ("aws.prefix-list", "describe_managed_prefix_lists", "PrefixLists"),
)


def region_world(client: Any) -> dict[str, list[dict[str, Any]]]:
    """The region's items the exposure engine reads, through ``client`` (ec2)."""
    from scanner.policy.session import SnapshotMiss

    world: dict[str, list[dict[str, Any]]] = {}
    for rtype, operation, key in WORLD:
        items: list[dict[str, Any]] = []
        try:
            for page in client.get_paginator(operation).paginate():
                items.extend(page.get(key, []))
        except SnapshotMiss as miss:
            # A snapshot from before prefix lists were collected: rules and routes that
            # name one reach none of its addresses, as the engine reads that snapshot.
            if rtype != "aws.prefix-list" or miss.gap:
                raise
            continue
        world[rtype] = items
    for plist in world.get("aws.prefix-list", []):
        if "Entries" not in plist:  # AWS: the entries are a call of their own
            entries: list[dict[str, Any]] = []
            paginator = client.get_paginator("get_managed_prefix_list_entries")
            for page in paginator.paginate(PrefixListId=plist["PrefixListId"]):
                entries.extend(page.get("Entries", []))
            plist["Entries"] = entries
    return world


def _on_port(exposure: Exposure, ports: Iterable[int]) -> bool:
    if exposure.protocol == "all":
        return True
    if exposure.protocol not in ("tcp", "udp") or exposure.from_port < 0:
        return False
    return any(exposure.from_port <= p <= exposure.to_port for p in ports)


def _of_protocol(exposure: Exposure, protocols: Iterable[str]) -> bool:
    for wanted in protocols:
        number = proto.parse(wanted)
        name = "all" if number == proto.ALL else proto.name(number) if number is not None else ""
        if exposure.protocol == name or (name != "all" and exposure.covers_protocol(name)):
            return True
    return False


def select(exposures: Iterable[Exposure], data: Mapping[str, Any]) -> list[Exposure]:
    """The exposures the filter's parameters ask about."""
    chosen = []
    for exposure in exposures:
        if exposure.family not in data.get("families", FAMILIES):
            continue
        if "protocols" in data and not _of_protocol(exposure, data["protocols"]):
            continue
        if "ports" in data and not _on_port(exposure, data["ports"]):
            continue
        if "approved" in data and is_approved(exposure, data["approved"]):
            continue
        chosen.append(exposure)
    return chosen


def _admits(protocol: int, ports: iv.Span | None, exposure: Exposure) -> bool:
    """Does a permission for ``protocol`` on ``ports`` carry some of the exposure's traffic?"""
    if exposure.protocol == "all" or protocol == proto.ALL:
        return True
    if proto.name(protocol) != exposure.protocol:
        return False
    if ports is None or exposure.from_port < 0:
        return True
    return ports[0] <= exposure.to_port and exposure.from_port <= ports[1]


def admitting_rules(
    exposure: Exposure, eni: Mapping[str, Any], world: RegionWorld
) -> list[dict[str, Any]]:
    """The security-group permissions of the interface that admit some of the exposure's
    sources on its traffic: what to revoke to close it."""
    family = 4 if exposure.family == "ipv4" else 6
    sources = iv.from_cidrs(exposure.sources, family)
    found = []
    for group_ref in eni.get("Groups", []) or []:
        group = world.groups.get(str(group_ref.get("GroupId")))
        if group is None:
            continue
        for perm in permissions(group, family, world):
            if not iv.intersect(perm.ranges, sources):
                continue
            if not _admits(perm.protocol, perm.ports, exposure):
                continue
            raw = dict(group["IpPermissions"][perm.index])
            found.append({"SecurityGroup": perm.group, "IpPermission": raw})
    return found


def annotation(exposure: Exposure) -> dict[str, Any]:
    return {
        "Address": exposure.address,
        "PrivateAddress": exposure.private_address,
        "Family": exposure.family,
        "Protocol": exposure.protocol,
        "FromPort": exposure.from_port,
        "ToPort": exposure.to_port,
        "Sources": sources_text(exposure),
        "Path": [f"{s.type} {s.id}: {s.detail}" for s in exposure.path],
    }


def selected_interfaces(
    enis: Sequence[Mapping[str, Any]],
    report: ExposureReport,
    data: Mapping[str, Any],
    world_of: Callable[[], RegionWorld],
) -> list[tuple[int, list[dict[str, Any]], list[dict[str, Any]]]]:
    """(position in ``enis``, the exposures annotation, the admitting rules) of every
    interface with an exposure the filter's parameters select, in the order of ``enis``;
    ``report`` is ``analyse_region`` over the region's items and ``world_of`` builds their
    ``RegionWorld`` (only asked for when something is selected). Pure: every value returned
    is new; the native engine
    (:mod:`scanner.policy.native.exposure`) shares it with :func:`exposed_interfaces`, so
    that both annotate alike by construction."""
    by_eni: dict[str, list[Exposure]] = {}
    for exposure in select(report.exposures, data):
        by_eni.setdefault(exposure.eni, []).append(exposure)
    if not by_eni:
        return []
    world = world_of()
    found = []
    for position, eni in enumerate(enis):
        mine = by_eni.get(str(eni.get("NetworkInterfaceId")))
        if not mine:
            continue
        rules: list[dict[str, Any]] = []
        for exposure in mine:
            for rule in admitting_rules(exposure, eni, world):
                if rule not in rules:
                    rules.append(rule)
        found.append((position, [annotation(e) for e in mine], rules))
    return found


def exposed_interfaces(
    enis: Sequence[dict[str, Any]],
    world_items: Mapping[str, list[dict[str, Any]]],
    data: Mapping[str, Any],
    account: str = "",
    region: str = "",
) -> list[dict[str, Any]]:
    """The interfaces of ``enis`` with a selected exposure, annotated (pure)."""
    resources = {**world_items, "aws.eni": list(enis)}
    report = analyse_region(resources, account, region)
    matched = []
    for position, exposures, rules in selected_interfaces(
        enis, report, data, lambda: RegionWorld.build(resources)
    ):
        eni = enis[position]
        eni[ANNOTATION] = exposures
        eni[RULES] = rules
        matched.append(eni)
    return matched


_PORTS = {"type": "array", "items": {"type": "integer", "minimum": 0, "maximum": 65535}}


@NetworkInterface.filter_registry.register("internet-exposed")
class InternetExposed(Filter):
    """Network interfaces the internet can reach (whole path), on the selected traffic."""

    schema = type_schema(
        "internet-exposed",
        ports={**_PORTS, "minItems": 1},
        approved=_PORTS,
        protocols={
            "type": "array",
            "minItems": 1,
            "items": {"type": "string", "pattern": "^(tcp|udp|icmp|icmpv6|all|-1|[0-9]{1,3})$"},
        },
        families={"type": "array", "minItems": 1, "items": {"enum": list(FAMILIES)}},
    )
    permissions = (
        "ec2:DescribeSubnets",
        "ec2:DescribeRouteTables",
        "ec2:DescribeNetworkAcls",
        "ec2:DescribeSecurityGroups",
        "ec2:DescribeInternetGateways",
        "ec2:DescribeNatGateways",
        "ec2:DescribeManagedPrefixLists",
        "ec2:GetManagedPrefixListEntries",
    )

    def process(self, resources: list[dict[str, Any]], event: Any = None) -> list[dict[str, Any]]:
        if not resources:
            return []
        client = local_session(self.manager.session_factory).client("ec2")
        return exposed_interfaces(resources, region_world(client), self.data)
