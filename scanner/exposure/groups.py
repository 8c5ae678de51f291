"""Security-group ingress permissions as the engine reads them.

Security groups are stateful (a reply needs no rule) and an interface's groups act as the
union of their rules. A permission admits internet sources only through its CIDRs (IPv4 and
IPv6) and the CIDRs of its prefix lists; a rule that references another group matches that
group's members' private addresses, never an internet source, so it is ignored here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from scanner.exposure import intervals as iv
from scanner.exposure import protocols as proto
from scanner.exposure.world import RegionWorld


@dataclass(frozen=True)
class Permission:
    """One ingress permission of one group, for one family."""

    group: str
    index: int  # position in the group's IpPermissions
    protocol: int
    ports: iv.Span | None  # None: no ports (ICMP, GRE, ...), or every port for -1
    ranges: iv.Ranges  # internet-relevant sources in this family
    sources: tuple[str, ...]  # as the rule names them: CIDRs and prefix-list ids
    open_cidr: bool  # names 0.0.0.0/0 or ::/0 itself

    def applies(self, atom: int, piece: iv.Span | None) -> bool:
        if not proto.matches(self.protocol, atom):
            return False
        if atom in proto.PORTED and self.ports is not None:
            assert piece is not None
            return self.ports[0] <= piece[0] and piece[1] <= self.ports[1]
        return True

    def traffic_text(self) -> str:
        if self.protocol == proto.ALL:
            return "all traffic"
        text = proto.name(self.protocol)
        if self.ports is not None:
            text += " " + iv.port_text(*self.ports)
        return text

    def describe(self) -> str:
        return f"ingress {self.traffic_text()} from {', '.join(self.sources)}"

    @property
    def from_port(self) -> int:
        if self.protocol == proto.ALL:
            return -1
        return self.ports[0] if self.ports is not None else -1

    @property
    def to_port(self) -> int:
        if self.protocol == proto.ALL:
            return -1
        return self.ports[1] if self.ports is not None else -1


def _ports(perm: Mapping[str, Any], protocol: int) -> iv.Span | None:
    if protocol not in proto.PORTED:
        return None
    low, high = perm.get("FromPort"), perm.get("ToPort")
    if not isinstance(low, int) or not isinstance(high, int) or low < 0:
        return iv.ALL_PORTS[0]
    return (low, high)


def permissions(group: Mapping[str, Any], family: int, world: RegionWorld) -> list[Permission]:
    """The group's ingress permissions that name any source of ``family``."""
    out = []
    group_id = str(group.get("GroupId", ""))
    key, cidr_key = ("IpRanges", "CidrIp") if family == 4 else ("Ipv6Ranges", "CidrIpv6")
    for index, perm in enumerate(group.get("IpPermissions", []) or []):
        cidr_items = perm.get(key, []) or []
        plists = perm.get("PrefixListIds", []) or []
        if not cidr_items and not plists:
            # No source of this family at all (most rules for IPv6): nothing can be admitted,
            # whatever the protocol, so it is not read.
            continue
        protocol = proto.parse(perm.get("IpProtocol", "-1"))
        if protocol is None:
            continue
        spans: list[iv.Span] = []
        sources: list[str] = []
        open_cidr = False
        for item in cidr_items:
            cidr = item.get(cidr_key)
            try:
                version, span, length = iv.cidr_span(str(cidr))
            except ValueError:
                continue
            if version == family:
                spans.append(span)
                sources.append(str(cidr))
                open_cidr = open_cidr or length == 0
        for item in plists:
            plist = str(item.get("PrefixListId", ""))
            cidrs = world.prefix_list(plist) or []
            found = iv.from_cidrs(cidrs, family)
            if found:
                spans.extend(found)
                sources.append(plist)
        if spans:
            out.append(
                Permission(
                    group=group_id,
                    index=index,
                    protocol=protocol,
                    ports=_ports(perm, protocol),
                    ranges=iv.normalise(spans),
                    sources=tuple(sources),
                    open_cidr=open_cidr,
                )
            )
    return out
