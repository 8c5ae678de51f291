"""One region of a snapshot, indexed for the exposure engine: which route table and network
ACL govern each subnet, which VPC each internet gateway is attached to, what each managed
prefix list holds.

Where the snapshot lacks a type (a coverage gap), the engine errs towards exposure: a subnet
whose NACL was not collected is treated as open, an internet gateway that was not collected
as attached. Where the type *was* collected, absence is a fact (a gateway listed without an
attachment is detached).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from scanner.exposure.bpa import BlockPublicAccess

Item = Mapping[str, Any]

# DescribeInternetGateways says "available" for an attached gateway (not "attached").
ATTACHED_STATES = frozenset({"available", "attached"})


@dataclass(frozen=True)
class RouteTableChoice:
    """The table that governs a subnet and why (explicit association or the VPC's main)."""

    table: Item
    explicit: bool

    @property
    def id(self) -> str:
        return str(self.table.get("RouteTableId", ""))


@dataclass
class RegionWorld:
    """Lookups over one region's raw items."""

    resources: Mapping[str, Sequence[Item]]
    subnets: dict[str, Item] = field(default_factory=dict)
    explicit_tables: dict[str, Item] = field(default_factory=dict)
    main_tables: dict[str, Item] = field(default_factory=dict)
    subnet_acls: dict[str, Item] = field(default_factory=dict)
    default_acls: dict[str, Item] = field(default_factory=dict)
    groups: dict[str, Item] = field(default_factory=dict)
    prefix_lists: dict[str, list[str]] = field(default_factory=dict)
    # IGW id -> the VPCs it is attached to; None: gateways were not collected at all.
    igw_vpcs: dict[str, frozenset[str]] | None = None
    nat_gateways: dict[str, Item] = field(default_factory=dict)
    bpa: BlockPublicAccess = field(default_factory=BlockPublicAccess)

    @classmethod
    def build(cls, resources: Mapping[str, Sequence[Item]]) -> RegionWorld:
        world = cls(resources)
        for subnet in resources.get("aws.subnet", []):
            world.subnets[str(subnet.get("SubnetId"))] = subnet
        for table in resources.get("aws.route-table", []):
            for assoc in table.get("Associations", []) or []:
                if assoc.get("Main"):
                    world.main_tables.setdefault(str(table.get("VpcId")), table)
                elif assoc.get("SubnetId"):
                    world.explicit_tables[str(assoc["SubnetId"])] = table
        for acl in resources.get("aws.network-acl", []):
            if acl.get("IsDefault"):
                world.default_acls.setdefault(str(acl.get("VpcId")), acl)
            for assoc in acl.get("Associations", []) or []:
                if assoc.get("SubnetId"):
                    world.subnet_acls[str(assoc["SubnetId"])] = acl
        for group in resources.get("aws.security-group", []):
            world.groups[str(group.get("GroupId"))] = group
        for plist in resources.get("aws.prefix-list", []):
            entries = plist.get("Entries")
            if isinstance(entries, list):
                world.prefix_lists[str(plist.get("PrefixListId"))] = [
                    str(e["Cidr"]) for e in entries if isinstance(e, Mapping) and e.get("Cidr")
                ]
        if "aws.internet-gateway" in resources:
            world.igw_vpcs = {}
            for igw in resources["aws.internet-gateway"]:
                vpcs = frozenset(
                    str(a.get("VpcId"))
                    for a in igw.get("Attachments", []) or []
                    if a.get("State") in ATTACHED_STATES
                )
                world.igw_vpcs[str(igw.get("InternetGatewayId"))] = vpcs
        for nat in resources.get("aws.nat-gateway", []):
            world.nat_gateways[str(nat.get("NatGatewayId"))] = nat
        world.bpa = BlockPublicAccess.build(resources)
        return world

    def route_table(self, subnet_id: str, vpc_id: str) -> RouteTableChoice | None:
        """The explicit association, else the main table *of the subnet's own VPC*."""
        table = self.explicit_tables.get(subnet_id)
        if table is not None:
            return RouteTableChoice(table, explicit=True)
        main = self.main_tables.get(vpc_id)
        return RouteTableChoice(main, explicit=False) if main is not None else None

    def network_acl(self, subnet_id: str, vpc_id: str) -> Item | None:
        """The subnet's ACL; a subnet with no association uses its VPC's default ACL."""
        return self.subnet_acls.get(subnet_id) or self.default_acls.get(vpc_id)

    def acls_collected(self) -> bool:
        return "aws.network-acl" in self.resources

    def igw_attached(self, igw_id: str, vpc_id: str) -> bool:
        if self.igw_vpcs is None:
            return True  # gateways not collected: assume attached
        # A gateway missing from a collected list no longer exists (AWS then marks the
        # route a blackhole anyway).
        return vpc_id in self.igw_vpcs.get(igw_id, frozenset())

    def prefix_list(self, prefix_list_id: str) -> list[str] | None:
        """The CIDRs of a managed prefix list; None when its entries were not collected."""
        return self.prefix_lists.get(prefix_list_id)
