"""The playbook's 16 named flow-log queries, each one SQL text that DuckDB and Athena both run.

Every text reads the relation ``vpc_flow_logs`` (real flows of the window; see
:mod:`scanner.flows.reader` for DuckDB and :mod:`scanner.flows.athena` for Athena, where the
same name is a ``WITH`` over the partitioned table) and stays inside the SQL both engines
share: ``COUNT``/``SUM``/``MIN``/``MAX``, ``LIKE``, ``IN``, ``LIMIT``, double-quoted ``"start"``
and ``"end"`` (reserved words in both), and ``?`` for the address of the two address queries
(a DuckDB parameter, an Athena execution parameter).

Each query is a top-N: at most :data:`TOP_N` rows ordered by its measure descending, ties
broken by the grouping columns ascending, so both engines return the same rows in the same
order.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from scanner.errors import InputError

TOP_N = 50
ADMIN_PORTS = (22, 23, 3389, 5900, 5985, 5986)  # SSH, Telnet, RDP, VNC, WinRM (HTTP/HTTPS)
SSH_RDP_PORTS = (22, 3389)


@dataclass(frozen=True)
class NamedQuery:
    name: str
    description: str
    keys: tuple[str, ...]  # the grouping columns (tie-breakers, in this order)
    measure: str  # the output column the rows are ordered by, descending
    where: str = ""  # extra predicate over vpc_flow_logs
    address: bool = False  # takes one address as its ``?`` parameter
    extra: tuple[str, ...] = ()  # more output columns after the measure

    @property
    def sql(self) -> str:
        """The one SQL text of this query, for both engines."""
        outputs = {
            "flows": "COUNT(*) AS flows",
            "packets": "SUM(packets) AS packets",
            "bytes": "SUM(bytes) AS bytes",
            "first_seen": 'MIN("start") AS first_seen',
            "last_seen": 'MAX("end") AS last_seen',
        }
        columns = [*self.keys, self.measure, *self.extra]
        select = ", ".join(outputs.get(c, c) for c in columns)
        where = f"\nWHERE {self.where}" if self.where else ""
        group = ", ".join(self.keys)
        order = ", ".join([f"{self.measure} DESC", *self.keys])
        return (
            f"SELECT {select}\nFROM vpc_flow_logs{where}\nGROUP BY {group}\n"
            f"ORDER BY {order}\nLIMIT {TOP_N}"
        )

    @property
    def columns(self) -> tuple[str, ...]:
        return (*self.keys, self.measure, *self.extra)


def _ports(ports: Iterable[int]) -> str:
    return ", ".join(str(p) for p in ports)


_FLOW_LIST = ("srcaddr", "dstaddr", "dstport", "protocol")

QUERIES: tuple[NamedQuery, ...] = (
    NamedQuery(
        "AcceptedTraffic",
        "Accepted flows by source, destination, port and protocol",
        _FLOW_LIST, "flows", "action = 'ACCEPT'", extra=("packets", "bytes"),
    ),
    NamedQuery(
        "AdminPortTraffic",
        f"Flows to administrative ports ({_ports(ADMIN_PORTS)}), accepted or rejected",
        ("srcaddr", "dstaddr", "dstport", "action"), "flows",
        f"dstport IN ({_ports(ADMIN_PORTS)})", extra=("bytes",),
    ),
    NamedQuery(
        "IPv4Traffic",
        "IPv4 conversations by bytes",
        ("srcaddr", "dstaddr"), "bytes", "srcaddr NOT LIKE '%:%'", extra=("flows", "packets"),
    ),
    NamedQuery(
        "IPv6Traffic",
        "IPv6 conversations by bytes",
        ("srcaddr", "dstaddr"), "bytes", "srcaddr LIKE '%:%'", extra=("flows", "packets"),
    ),
    NamedQuery(
        "RejectedTCPTraffic",
        "Rejected TCP flows by source, destination and port",
        ("srcaddr", "dstaddr", "dstport"), "flows", "action = 'REJECT' AND protocol = 6",
        extra=("packets",),
    ),
    NamedQuery(
        "RejectedTraffic",
        "Rejected flows by source, destination, port and protocol",
        _FLOW_LIST, "flows", "action = 'REJECT'", extra=("packets", "bytes"),
    ),
    NamedQuery(
        "SshRdpTraffic",
        "SSH and RDP flows, accepted or rejected",
        ("srcaddr", "dstaddr", "dstport", "action"), "flows",
        f"dstport IN ({_ports(SSH_RDP_PORTS)})", extra=("bytes",),
    ),
    NamedQuery(
        "TopTalkers", "Source addresses by bytes sent", ("srcaddr",), "bytes",
        extra=("flows", "packets"),
    ),
    NamedQuery(
        "TopTalkersPacketLevel",
        "Packet-level source addresses (pkt-srcaddr, through NAT and load balancers) by bytes",
        ("pkt_srcaddr",), "bytes", "pkt_srcaddr IS NOT NULL", extra=("flows", "packets"),
    ),
    NamedQuery(
        "TopTalkingInstances", "Instances by bytes", ("instance_id",), "bytes",
        "instance_id IS NOT NULL", extra=("flows", "packets"),
    ),
    NamedQuery(
        "TopTalkingSubnets", "Subnets by bytes", ("subnet_id",), "bytes",
        "subnet_id IS NOT NULL", extra=("flows", "packets"),
    ),
    NamedQuery(
        "TopTCPTraffic", "TCP conversations by bytes", ("srcaddr", "dstaddr", "dstport"),
        "bytes", "protocol = 6", extra=("flows", "packets"),
    ),
    NamedQuery(
        "TotalBytesTransferred", "Bytes between each source and destination",
        ("srcaddr", "dstaddr"), "bytes", extra=("packets",),
    ),
    NamedQuery(
        "TotalBytesTransferredPacketLevel",
        "Bytes between each packet-level source and destination",
        ("pkt_srcaddr", "pkt_dstaddr"), "bytes",
        "pkt_srcaddr IS NOT NULL AND pkt_dstaddr IS NOT NULL", extra=("packets",),
    ),
    NamedQuery(
        "TrafficFrmSrcAddr", "Everything one address sent, by destination, port and action",
        ("dstaddr", "dstport", "protocol", "action"), "bytes", "srcaddr = ?", address=True,
        extra=("flows", "first_seen", "last_seen"),
    ),
    NamedQuery(
        "TrafficToDstAddr", "Everything one address received, by source, port and action",
        ("srcaddr", "dstport", "protocol", "action"), "bytes", "dstaddr = ?", address=True,
        extra=("flows", "first_seen", "last_seen"),
    ),
)  # fmt: skip

BY_NAME: dict[str, NamedQuery] = {q.name: q for q in QUERIES}
NAMES: tuple[str, ...] = tuple(BY_NAME)


def choose(names: Sequence[str], address: str | None) -> list[NamedQuery]:
    """The queries asked for (all when none is named), in the playbook's order; the address
    queries need ``address``."""
    unknown = [n for n in names if n not in BY_NAME]
    if unknown:
        raise InputError(f"--query: no such query {unknown[0]!r}; one of {', '.join(NAMES)}")
    wanted = set(names) or set(NAMES)
    chosen = [q for q in QUERIES if q.name in wanted]
    if address is None:
        needing = [q.name for q in chosen if q.address]
        if names and needing:
            raise InputError(f"--query {needing[0]} needs --address")
        chosen = [q for q in chosen if not q.address]  # "all" without an address: the 14
    return chosen


def parse_address(value: str | None) -> str | None:
    """An IPv4 or IPv6 address as flow logs write it; anything else is an input error (it
    becomes a query parameter, never SQL text)."""
    if value is None:
        return None
    try:
        return ipaddress.ip_address(value.strip()).compressed
    except ValueError:
        raise InputError(f"--address: not an IP address: {value!r}") from None


def parameters(query: NamedQuery, address: str | None) -> list[Any]:
    return [address] if query.address else []
