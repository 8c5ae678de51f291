"""Network ACL evaluation: stateless, first match by rule number, per direction and family.

An entry applies to a family by its ``CidrBlock`` (IPv4) or ``Ipv6CidrBlock`` (IPv6), so an
ACL with only IPv4 entries denies all IPv6 by its implicit ``*`` rule. An entry applies to a
protocol when it names it or -1; a TCP/UDP entry applies to the ports of its ``PortRange``.
Evaluation is over whole address ranges at once: walking the entries in rule-number order,
each takes the addresses no earlier entry took.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from scanner.exposure import intervals as iv
from scanner.exposure import protocols as proto

DEFAULT_RULE = 32767  # the "*" entry


@dataclass(frozen=True)
class Entry:
    """One NACL entry, parsed."""

    number: int
    allow: bool
    egress: bool
    protocol: int
    ports: iv.Span | None  # None: every port (or a protocol without ports)
    family: int
    span: iv.Span
    cidr: str
    icmp_all_types: bool

    @property
    def label(self) -> str:
        return "*" if self.number >= DEFAULT_RULE else str(self.number)

    def applies(self, atom: int, piece: iv.Span | None) -> bool:
        """Does this entry decide traffic of protocol ``atom`` on the port ``piece`` (a piece
        never straddles the edge of an entry's range)?"""
        if not proto.matches(self.protocol, atom):
            return False
        if self.protocol in proto.ICMPS and not self.allow and not self.icmp_all_types:
            # A deny of one ICMP type: the other types pass, so it never decides "ICMP".
            return False
        if atom in proto.PORTED and self.protocol in proto.PORTED and self.ports is not None:
            assert piece is not None
            return self.ports[0] <= piece[0] and piece[1] <= self.ports[1]
        return True

    def describe(self) -> str:
        verb = "allows" if self.allow else "denies"
        what = "all traffic" if self.protocol == proto.ALL else proto.name(self.protocol)
        if self.ports is not None and self.protocol in proto.PORTED:
            what += " " + iv.port_text(*self.ports)
        way = "to" if self.egress else "from"
        direction = "outbound" if self.egress else "inbound"
        return f"{direction} rule {self.label} {verb} {what} {way} {self.cidr}"


def parse_entries(acl: Mapping[str, Any], egress: bool, family: int) -> list[Entry]:
    """The ACL's entries for one direction and family, in evaluation order."""
    entries = []
    for raw in acl.get("Entries", []) or []:
        if bool(raw.get("Egress")) != egress:
            continue
        cidr = raw.get("CidrBlock") if family == 4 else raw.get("Ipv6CidrBlock")
        number = raw.get("RuleNumber")
        protocol = proto.parse(raw.get("Protocol", "-1"))
        if not cidr or protocol is None or not isinstance(number, int):
            continue
        try:
            version, span, _ = iv.cidr_span(str(cidr))
        except ValueError:
            continue
        if version != family:
            continue
        port_range = raw.get("PortRange") or {}
        ports: iv.Span | None = None
        if protocol in proto.PORTED and "From" in port_range and "To" in port_range:
            ports = (int(port_range["From"]), int(port_range["To"]))
        icmp = raw.get("IcmpTypeCode") or {}
        entries.append(
            Entry(
                number=number,
                allow=raw.get("RuleAction") == "allow",
                egress=egress,
                protocol=protocol,
                ports=ports,
                family=family,
                span=span,
                cidr=str(cidr),
                icmp_all_types=int(icmp.get("Type", -1)) == -1,
            )
        )
    entries.sort(key=lambda e: e.number)
    return entries


@dataclass(frozen=True)
class Decision:
    """What each entry decided for one protocol and port piece."""

    allowed: iv.Ranges
    hits: tuple[tuple[Entry, iv.Ranges], ...]  # every entry that took some addresses


def decide(entries: Sequence[Entry], atom: int, piece: iv.Span | None, family: int) -> Decision:
    """First match, over the whole address space of ``family``."""
    remaining = iv.ALL_ADDRESSES[family]
    allowed: list[iv.Span] = []
    hits = []
    for entry in entries:
        if not remaining:
            break
        if not entry.applies(atom, piece):
            continue
        taken = iv.intersect(remaining, (entry.span,))
        if not taken:
            continue
        remaining = iv.subtract(remaining, taken)
        hits.append((entry, taken))
        if entry.allow:
            allowed.extend(taken)
    return Decision(iv.normalise(allowed), tuple(hits))


def port_edges(entries: Sequence[Entry], atom: int) -> list[iv.Span]:
    """The port ranges of the entries that could apply to ``atom``."""
    return [
        e.ports
        for e in entries
        if e.ports is not None and e.protocol in proto.PORTED and proto.matches(e.protocol, atom)
    ]


def open_acl(family: int) -> Decision:
    """A subnet whose ACL was not collected: everything passes (towards exposure)."""
    return Decision(iv.ALL_ADDRESSES[family], ())
