"""Traffic evidence on exposures: what the flow logs saw reach each exposed interface, port
and address, from the sources the exposure's path admits.

An exposure (:class:`scanner.exposure.model.Exposure`) names the interface, the address the
internet connects to and the private address it maps to (a flow record on the interface names
the private one), a protocol and port range, and the source ranges its path admits. Its
flows are the records on that interface, to either address, of that protocol and port, from
an internet address inside those ranges.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence
from typing import Any

from scanner.exposure.model import Exposure
from scanner.flows.evidence import PROTOCOL_NAMES, Network, external
from scanner.flows.reader import FlowStore
from scanner.flows.tally import Tally

# The interfaces of one query (a bounded IN list).
CHUNK = 500


def _protocol_name(number: int | None) -> str | None:
    if number is None:
        return None
    return PROTOCOL_NAMES.get(number, str(number))


def _networks(exposure: Exposure) -> tuple[Network, ...]:
    found = []
    for cidr in exposure.sources:
        try:
            found.append(ipaddress.ip_network(cidr, strict=False))
        except ValueError:
            continue
    return tuple(found)


def admits(exposure: Exposure, networks: Sequence[Network], row: Sequence[Any]) -> bool:
    """Whether one aggregated flow row (src, dst, protocol, port, ...) is this exposure's."""
    src, dst, protocol, port = row[0], row[1], row[2], row[3]
    if dst not in (exposure.private_address, exposure.address):
        return False
    name = _protocol_name(protocol)
    if name is None or not exposure.covers_protocol(name):
        return False
    if name in ("tcp", "udp") and (port is None or not exposure.covers_port(int(port))):
        return False
    try:
        address = ipaddress.ip_address(src)
    except ValueError:
        return False
    return external(address) and any(
        address.version == n.version and address in n for n in networks
    )


def label(exposure: Exposure) -> str:
    """``tcp/22 open to the internet on eni-1 (instance i-1)``."""
    owner = exposure.attachment
    who = f"{owner.type} {owner.id}"
    if owner.name and owner.name != owner.id:
        who += f" {owner.name}"
    return f"{exposure.ports_text()} open to the internet on {exposure.eni} ({who})"


def _rows(store: FlowStore, enis: Sequence[str]) -> Iterable[tuple[Any, ...]]:
    for first in range(0, len(enis), CHUNK):
        chunk = list(enis[first : first + CHUNK])
        marks = ", ".join("?" for _ in chunk)
        _columns, rows = store.query(
            "SELECT srcaddr, dstaddr, protocol, dstport, action, interface_id, count(*), "
            'coalesce(sum(bytes), 0), min("start"), max("end") FROM vpc_flow_logs '
            f"WHERE interface_id IN ({marks}) AND srcaddr IS NOT NULL "
            "GROUP BY srcaddr, dstaddr, protocol, dstport, action, interface_id",
            chunk,
        )
        yield from rows


def exposure_traffic(store: FlowStore, exposures: Sequence[Exposure]) -> list[dict[str, Any]]:
    """One entry per exposure, in its order: the exposure's identity and its ``traffic``."""
    by_eni: dict[str, list[int]] = {}
    for index, exposure in enumerate(exposures):
        by_eni.setdefault(exposure.eni, []).append(index)
    networks = [_networks(e) for e in exposures]
    tallies = [Tally() for _ in exposures]
    for row in _rows(store, sorted(by_eni)):
        src, action, eni, flows, size, start, end = row[0], *row[4:]
        for index in by_eni.get(eni, ()):
            if admits(exposures[index], networks[index], row):
                tallies[index].add(src, action, flows, int(size), start, end)
    return [
        {**identity(exposure), "traffic": tally.to_dict(label(exposure), [exposure.eni])}
        for exposure, tally in zip(exposures, tallies, strict=True)
    ]


def identity(exposure: Exposure) -> dict[str, Any]:
    """What names an exposure in the reports (the path is in ``netwarden exposure``)."""
    return {
        "account": exposure.account,
        "region": exposure.region,
        "eni": exposure.eni,
        "attachment": exposure.attachment.to_dict(),
        "address": exposure.address,
        "private_address": exposure.private_address,
        "family": exposure.family,
        "protocol": exposure.protocol,
        "from_port": exposure.from_port,
        "to_port": exposure.to_port,
    }
