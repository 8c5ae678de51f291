"""``open-ingress`` on ``aws.network-acl``: does traffic from the internet reach a port?

Custodian has no such filter. Entries are evaluated as AWS does: ingress entries only, in
rule-number order, the first entry whose CIDR, protocol and port range match decides, and
IPv4 and IPv6 separately. An entry only counts when its CIDR covers the whole source range
asked about (``0.0.0.0/0`` and ``::/0`` by default): a deny of one /32 protects nothing.
"""

from __future__ import annotations

import functools
import ipaddress
from collections.abc import Iterable, Mapping
from typing import Any

from c7n.filters import Filter
from c7n.resources.vpc import NetworkAcl
from c7n.utils import type_schema

from scanner.protocols import PORTED_PROTOCOLS, PROTOCOL_NUMBERS

ANNOTATION = "c7n:nacl-open-ingress"
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@functools.lru_cache(maxsize=4096)
def _network(cidr: str) -> Network:
    return ipaddress.ip_network(cidr, strict=False)


def _entry_network(entry: Mapping[str, Any]) -> Network | None:
    cidr = entry.get("CidrBlock") or entry.get("Ipv6CidrBlock")
    if not cidr:
        return None
    # The same few CIDRs in every ACL, parsed once each (networks are immutable); anything
    # but a string is parsed as before, raising what it raised.
    return _network(cidr) if type(cidr) is str else ipaddress.ip_network(cidr, strict=False)


def entry_applies(entry: Mapping[str, Any], source: Network, protocol: str, port: int) -> bool:
    """True when ``entry`` decides for packets from all of ``source`` to ``protocol/port``."""
    if entry.get("Egress"):
        return False
    network = _entry_network(entry)
    if network is None or network.version != source.version:
        return False
    if not source.subnet_of(network):  # type: ignore[arg-type]
        return False
    entry_protocol = str(entry.get("Protocol", "-1"))
    if entry_protocol == "-1":
        return True
    if entry_protocol != PROTOCOL_NUMBERS[protocol]:
        return False
    port_range = entry.get("PortRange")
    if not port_range:
        return True
    return int(port_range["From"]) <= port <= int(port_range["To"])


def deciding_entry(
    entries: Iterable[Mapping[str, Any]], source: Network, protocol: str, port: int
) -> Mapping[str, Any] | None:
    """The first ingress entry, by rule number, that applies (None: the implicit deny)."""
    ingress = sorted((e for e in entries if not e.get("Egress")), key=lambda e: e["RuleNumber"])
    for entry in ingress:
        if entry_applies(entry, source, protocol, port):
            return entry
    return None


def open_ingress(
    entries: list[Mapping[str, Any]],
    cidrs: Iterable[str],
    protocols: Iterable[str],
    ports: Iterable[int],
) -> list[dict[str, Any]]:
    """Every (cidr, protocol, port) the entries allow, with the entry that allows it and a
    free rule number just below it where a deny entry would close it."""
    used = {e["RuleNumber"] for e in entries if not e.get("Egress")}
    found = []
    for cidr in cidrs:
        source = ipaddress.ip_network(cidr, strict=False)
        for protocol in protocols:
            for port in ports:
                entry = deciding_entry(entries, source, protocol, port)
                if entry is None or entry.get("RuleAction") != "allow":
                    continue
                deny_number = next(
                    (n for n in range(entry["RuleNumber"] - 1, 0, -1) if n not in used), None
                )
                if deny_number is not None:
                    used.add(deny_number)
                found.append(
                    {
                        "Cidr": cidr,
                        "CidrParam": "CidrBlock" if source.version == 4 else "Ipv6CidrBlock",
                        "CidrFlag": "--cidr-block" if source.version == 4 else "--ipv6-cidr-block",
                        "Protocol": protocol,
                        "ProtocolNumber": PROTOCOL_NUMBERS[protocol],
                        "Port": port,
                        "Entry": dict(entry),
                        "DenyRuleNumber": deny_number,
                    }
                )
    return found


@NetworkAcl.filter_registry.register("open-ingress")
class NaclOpenIngress(Filter):
    """Network ACLs whose entries let traffic from ``cidrs`` reach any of ``ports``.

    .. code-block:: yaml

      - type: open-ingress
        ports: [22, 3389]
    """

    schema = type_schema(
        "open-ingress",
        required=["ports"],
        ports={
            "type": "array",
            "minItems": 1,
            "items": {"type": "integer", "minimum": 0, "maximum": 65535},
        },
        cidrs={"type": "array", "minItems": 1, "items": {"type": "string"}},
        protocols={"type": "array", "minItems": 1, "items": {"enum": list(PORTED_PROTOCOLS)}},
    )
    permissions = ("ec2:DescribeNetworkAcls",)

    def validate(self) -> NaclOpenIngress:
        from c7n.exceptions import PolicyValidationError

        for cidr in self.data.get("cidrs", ()):
            try:
                ipaddress.ip_network(cidr, strict=False)
            except ValueError:
                raise PolicyValidationError(f"open-ingress: invalid cidr {cidr!r}") from None
        return self

    def __call__(self, resource: dict[str, Any]) -> bool:
        found = open_ingress(
            resource.get("Entries", []),
            self.data.get("cidrs", ["0.0.0.0/0", "::/0"]),
            self.data.get("protocols", ["tcp"]),
            self.data["ports"],
        )
        if found:
            resource[ANNOTATION] = found
        return bool(found)
