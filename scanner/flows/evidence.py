"""Traffic evidence on findings: what the flow logs saw come in through an open rule.

An open-rule finding (a security-group permission open to internet addresses, as a policy
matched it or as a drift added it) is joined to the flow records of the network interfaces
that carry the group: flows from global addresses inside the rule's ranges, on its protocol
and ports. A drift finding counts only the flows after the change (its CloudTrail time, when
attribution found one). The result is the finding's optional ``traffic`` field.
"""

from __future__ import annotations

import dataclasses
import ipaddress
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from scanner.ec2params import ip_permission
from scanner.flows.reader import FlowStore
from scanner.flows.tally import Tally, iso
from scanner.model import Finding
from scanner.snapshot import iter_regions, resources_of

PROTOCOLS = {"tcp": 6, "udp": 17, "icmp": 1, "icmpv6": 58}
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
# Addresses that never come from the internet through an internet gateway. Documentation
# ranges (203.0.113.0/24, 2001:db8::/32) are not here: examples and the demo use them as
# internet addresses, as the RFCs intend.
INTERNAL: tuple[Network, ...] = tuple(
    ipaddress.ip_network(n)
    for n in (
        "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
        "172.16.0.0/12", "192.168.0.0/16", "224.0.0.0/4", "240.0.0.0/4",
        "::1/128", "::/128", "fc00::/7", "fe80::/10", "ff00::/8",
    )
)  # fmt: skip


@dataclass(frozen=True)
class Opening:
    """What one permission lets in: a protocol (None: all), a port range (None: all), and
    the internet ranges it is open to."""

    protocol: int | None
    ports: tuple[int, int] | None
    networks: tuple[Network, ...]

    def admits(self, protocol: int | None, port: int | None, source: str) -> bool:
        if self.protocol is not None and protocol != self.protocol:
            return False
        in_range = self.ports is None or (
            port is not None and self.ports[0] <= port <= self.ports[1]
        )
        if self.protocol in (6, 17) and not in_range:
            return False
        address = _address(source)
        return (
            address is not None
            and external(address)
            and any(address.version == n.version and address in n for n in self.networks)
        )


@lru_cache(maxsize=65_536)
def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def external(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """An address the internet can send from (not private, shared, loopback, link-local)."""
    return not any(address.version == n.version and address in n for n in INTERNAL)


def _internet(network: Network) -> bool:
    """A range that holds internet addresses (0.0.0.0/0, ::/0, or any public block)."""
    return not any(
        network.version == n.version and network.subnet_of(n)  # type: ignore[arg-type]
        for n in INTERNAL
    )


def opening_of(permission: Mapping[str, Any]) -> Opening | None:
    """The internet opening of one IpPermissions entry, None when it opens nothing to the
    internet (only private ranges, prefix lists or security-group references)."""
    networks: list[Network] = []
    for item in permission.get("IpRanges") or []:
        cidr = item.get("CidrIp") if isinstance(item, Mapping) else None
        if cidr:
            networks.append(ipaddress.ip_network(str(cidr), strict=False))
    for item in permission.get("Ipv6Ranges") or []:
        cidr = item.get("CidrIpv6") if isinstance(item, Mapping) else None
        if cidr:
            networks.append(ipaddress.ip_network(str(cidr), strict=False))
    networks = [n for n in networks if _internet(n)]
    if not networks:
        return None
    raw = str(permission.get("IpProtocol", "-1")).lower()
    protocol = None if raw in ("-1", "all") else PROTOCOLS.get(raw)
    if protocol is None and raw not in ("-1", "all"):
        try:
            protocol = int(raw)
        except ValueError:
            return None
    low, high = permission.get("FromPort"), permission.get("ToPort")
    ports = None
    if isinstance(low, int) and isinstance(high, int) and low >= 0 and high >= 0:
        ports = (low, high)
    return Opening(protocol, ports, tuple(networks))


def openings_of(finding: Finding) -> list[Opening]:
    """The internet openings a finding is about: the permissions a policy matched on a
    security group, or the ingress rules a drift added (the baseline's flattened rules, one
    per protocol, ports and source; every rule of a group that was added whole)."""
    if finding.resource_type != "aws.security-group":
        return []
    evidence = finding.evidence if isinstance(finding.evidence, Mapping) else {}
    permissions: list[Any] = []
    if finding.kind == "policy":
        permissions = list(evidence.get("MatchedIpPermissions") or [])
    else:
        after = evidence.get("after")
        if evidence.get("change") == "added" and isinstance(after, Mapping):
            rules = after.get("ingress") or []
            permissions += [ip_permission(r) for r in rules if _rule(r)]
        for change in evidence.get("changes") or []:
            if not isinstance(change, Mapping) or change.get("change") not in ("added", "modified"):
                continue
            new = change.get("new")
            # A modified rule element only changed its description: it opens nothing new.
            added = change.get("field") == "ingress" and change.get("change") == "added"
            if added and isinstance(new, Mapping) and _rule(new):
                permissions.append(ip_permission(new))
            elif change.get("field") == "IpPermissions":  # a raw permission, as the API has it
                permissions.append(new)
    found = [opening_of(p) for p in permissions if isinstance(p, Mapping)]
    return [o for o in found if o is not None]


def _rule(value: Any) -> bool:
    return isinstance(value, Mapping) and "protocol" in value


def enis_by_group(snapshot: Mapping[str, Any]) -> dict[tuple[str, str, str], list[str]]:
    """(account, region, group id) -> the network interfaces that carry the group."""
    index: dict[tuple[str, str, str], list[str]] = {}
    for account, region, data in iter_regions(snapshot):
        for eni in resources_of(data).get("aws.eni") or []:
            eni_id = eni.get("NetworkInterfaceId")
            for group in eni.get("Groups") or []:
                if eni_id and group.get("GroupId"):
                    index.setdefault((account, region, group["GroupId"]), []).append(eni_id)
    return index


def _epoch(text: str | None) -> int | None:
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return int((moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp())


def _rows(store: FlowStore, enis: Sequence[str], after: int | None) -> Iterator[tuple[Any, ...]]:
    """Flows on the interfaces, grouped by source, action, protocol and port."""
    marks = ", ".join("?" for _ in enis)
    since = ' AND "end" >= ?' if after is not None else ""
    sql = (
        "SELECT srcaddr, action, protocol, dstport, count(*), coalesce(sum(bytes), 0), "
        'min("start"), max("end") FROM vpc_flow_logs '
        f"WHERE interface_id IN ({marks}) AND srcaddr IS NOT NULL{since} "
        "GROUP BY srcaddr, action, protocol, dstport"
    )
    params: list[Any] = [*enis] + ([after] if after is not None else [])
    _columns, rows = store.query(sql, params)
    yield from rows


PROTOCOL_NAMES = {number: name for name, number in PROTOCOLS.items()}


def _ports_text(protocol: int | None, ports: tuple[int, int] | None) -> str:
    name = "all" if protocol is None else PROTOCOL_NAMES.get(protocol, str(protocol))
    if protocol not in (6, 17):
        return name
    if ports is None or ports == (0, 65535):
        return f"{name}/any"
    low, high = ports
    return f"{name}/{low}" if low == high else f"{name}/{low}-{high}"


def whom(networks: Sequence[Network]) -> str:
    """ "the internet" for 0.0.0.0/0 or ::/0, else the ranges (at most three)."""
    if any(n.prefixlen == 0 for n in networks):
        return "the internet"
    shown = [str(n) for n in networks[:3]]
    more = len(networks) - len(shown)
    return ", ".join(shown) + (f" (+{more} more)" if more else "")


def label_of(openings: Sequence[Opening]) -> str:
    """``tcp/22 and tcp/3389 open to the internet``: the ports, grouped by whom they are open
    to, in the permissions' order."""
    by_whom: dict[str, list[str]] = {}
    for o in openings:
        ports = by_whom.setdefault(whom(o.networks), [])
        text = _ports_text(o.protocol, o.ports)
        if text not in ports:
            ports.append(text)
    parts = [f"{' and '.join(ports)} open to {who}" for who, ports in by_whom.items()]
    return "; ".join(parts) or "open"


def traffic(
    store: FlowStore, enis: Sequence[str], openings: Sequence[Opening], after: int | None = None
) -> dict[str, Any]:
    """The ``traffic`` of an opening: accepted and rejected flows from internet sources it
    admits, accepted bytes, the top sources, first and last seen, and the one-line summary."""
    tally = Tally()
    if enis and openings:
        for src, action, protocol, port, flows, size, start, end in _rows(store, enis, after):
            if any(o.admits(protocol, port, src) for o in openings):
                tally.add(src, action, flows, int(size), start, end)
    result = tally.to_dict(label_of(openings), enis)
    if after is not None:
        result["after"] = iso(after)
        result["summary"] = f"after the change at {iso(after)}, {result['summary']}"
    return result


def annotate(
    findings: Iterable[Finding], snapshot: Mapping[str, Any], store: FlowStore
) -> list[Finding]:
    """The findings, each open-rule finding with its ``traffic``."""
    index = enis_by_group(snapshot)
    out = []
    for finding in findings:
        openings = openings_of(finding)
        if not openings:
            out.append(finding)
            continue
        enis = index.get((finding.account, finding.region, finding.resource_id), [])
        after = None
        if finding.kind == "drift" and finding.attribution is not None:
            after = _epoch(finding.attribution.event_time)
        seen = traffic(store, enis, openings, after)
        out.append(dataclasses.replace(finding, traffic=seen))
    return out
