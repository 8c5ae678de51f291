"""Interval arithmetic over integers: port ranges and IPv4/IPv6 address ranges.

A set is a tuple of disjoint, sorted, non-adjacent inclusive ``(low, high)`` pairs, so that
equal sets are equal tuples (they can be dictionary keys and compared with ``==``). Every
operation is linear in the number of pairs: an SG open on 0-65535 or a route on ::/0 is one
pair, never 65,536 ports or 2**128 addresses.
"""

from __future__ import annotations

import functools
import ipaddress
from collections.abc import Iterable

Span = tuple[int, int]
Ranges = tuple[Span, ...]

EMPTY: Ranges = ()
# Address space per family (4 or 6), and the port space of TCP and UDP.
ALL_ADDRESSES: dict[int, Ranges] = {4: ((0, 2**32 - 1),), 6: ((0, 2**128 - 1),)}
ALL_PORTS: Ranges = ((0, 65535),)


def normalise(spans: Iterable[Span]) -> Ranges:
    """Sorted, merged (overlapping or adjacent pairs joined), empty pairs dropped."""
    if type(spans) is list and len(spans) == 1:
        # One pair (most security-group rules name one CIDR): nothing to sort or merge.
        low, high = spans[0]
        return ((low, high),) if low <= high else EMPTY
    merged: list[list[int]] = []
    for low, high in sorted(s for s in spans if s[0] <= s[1]):
        if merged and low <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], high)
        else:
            merged.append([low, high])
    return tuple((low, high) for low, high in merged)


def union(*sets: Ranges) -> Ranges:
    return normalise(span for ranges in sets for span in ranges)


def intersect(a: Ranges, b: Ranges) -> Ranges:
    out: list[Span] = []
    i = j = 0
    while i < len(a) and j < len(b):
        low = max(a[i][0], b[j][0])
        high = min(a[i][1], b[j][1])
        if low <= high:
            out.append((low, high))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return tuple(out)


def subtract(a: Ranges, b: Ranges) -> Ranges:
    """``a`` without ``b``."""
    out: list[Span] = []
    j = 0
    for low, high in a:
        cursor = low
        while j < len(b) and b[j][1] < cursor:
            j += 1
        k = j
        while k < len(b) and b[k][0] <= high:
            if b[k][0] > cursor:
                out.append((cursor, b[k][0] - 1))
            cursor = max(cursor, b[k][1] + 1)
            k += 1
        if cursor <= high:
            out.append((cursor, high))
    return tuple(out)


def contains(ranges: Ranges, value: int) -> bool:
    return any(low <= value <= high for low, high in ranges)


def covers(ranges: Ranges, span: Span) -> bool:
    """True when the single pair ``span`` lies wholly inside ``ranges``."""
    return any(low <= span[0] and span[1] <= high for low, high in ranges)


def size(ranges: Ranges) -> int:
    return sum(high - low + 1 for low, high in ranges)


def cuts(spans: Iterable[Span], within: Span) -> list[Span]:
    """``within`` split at every edge of ``spans``: the pieces on which membership in each of
    ``spans`` is constant (each piece is wholly inside or wholly outside every span)."""
    low, high = within
    edges = {low, high + 1}
    for a, b in spans:
        if a > low and a <= high:
            edges.add(a)
        if b + 1 > low and b + 1 <= high:
            edges.add(b + 1)
    ordered = sorted(edges)
    return [(ordered[i], ordered[i + 1] - 1) for i in range(len(ordered) - 1)]


# Parsed once per distinct text: an estate repeats the same few CIDRs and addresses on
# thousands of rules and interfaces, and ipaddress parses in pure Python (at 100k resources
# this parsing was most of the exposure stage). The results are immutable tuples; a
# ValueError is raised again on every call, as lru_cache keeps no exceptions.
@functools.lru_cache(maxsize=1 << 16)
def cidr_span(cidr: str) -> tuple[int, Span, int]:
    """``(family, (first, last), prefix length)`` of a CIDR; host bits are ignored as AWS
    ignores them. Raises ValueError on anything that is not a CIDR."""
    network = ipaddress.ip_network(cidr.strip(), strict=False)
    first = int(network.network_address)
    return network.version, (first, first + network.num_addresses - 1), network.prefixlen


@functools.lru_cache(maxsize=1 << 16)
def address_int(address: str) -> tuple[int, int]:
    """``(family, integer)`` of one address."""
    parsed = ipaddress.ip_address(address.strip())
    return parsed.version, int(parsed)


def to_cidrs(ranges: Ranges, family: int) -> list[str]:
    """The fewest CIDRs that cover exactly ``ranges``."""
    make = ipaddress.IPv4Address if family == 4 else ipaddress.IPv6Address
    cidrs: list[str] = []
    for low, high in ranges:
        for network in ipaddress.summarize_address_range(make(low), make(high)):
            cidrs.append(str(network))
    return cidrs


def from_cidrs(cidrs: Iterable[str], family: int) -> Ranges:
    """The union of the CIDRs of ``family`` (others are skipped)."""
    spans = []
    for cidr in cidrs:
        version, span, _ = cidr_span(cidr)
        if version == family:
            spans.append(span)
    return normalise(spans)


def port_text(low: int, high: int) -> str:
    return str(low) if low == high else f"{low}-{high}"
