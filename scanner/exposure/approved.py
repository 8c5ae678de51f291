"""The approved internet-facing ports, read from the rule pack (one parameter for the
``exposure`` command and the pack's rules), and whether an exposure stays within them.

The pack's ``internet-exposed`` filter says ``approved: [80, 443]``; before that filter, and
for packs that do not use it, the ``OnlyPorts`` of the unapproved-ports security-group rule
(NW-SG-001) is the same parameter. Without either: 80 and 443.

ICMP has no ports and is left to diagnostics (path-MTU discovery), as the pack's
security-group rule does; any other protocol without ports (GRE, ESP, ``all``) is never
approved.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from scanner.exposure.model import Exposure

DEFAULT_APPROVED: tuple[int, ...] = (80, 443)
EXPOSURE_FILTER = "netwarden.internet-exposed"
UNAPPROVED_SG_RULE = "NW-SG-001"


def _filters(tree: Any) -> Iterator[Mapping[str, Any]]:
    if isinstance(tree, Mapping):
        yield tree
        for value in tree.values():
            yield from _filters(value)
    elif isinstance(tree, list):
        for item in tree:
            yield from _filters(item)


def _ports(value: Any) -> tuple[int, ...] | None:
    if isinstance(value, list) and all(isinstance(p, int) for p in value):
        return tuple(sorted(set(value)))
    return None


def approved_ports(policies: Iterable[tuple[str, Mapping[str, Any]]]) -> tuple[int, ...]:
    """The approved ports from ``(rule id, policy data)`` pairs of a pack."""
    policies = list(policies)
    for _rule_id, data in policies:
        for node in _filters(data.get("filters", [])):
            if node.get("type") in (EXPOSURE_FILTER, "internet-exposed"):
                found = _ports(node.get("approved"))
                if found is not None:
                    return found
    for rule_id, data in policies:
        if rule_id == UNAPPROVED_SG_RULE:
            for node in _filters(data.get("filters", [])):
                found = _ports(node.get("OnlyPorts"))
                if found is not None:
                    return found
    return DEFAULT_APPROVED


def is_approved(exposure: Exposure, approved: Iterable[int]) -> bool:
    """True when every port the exposure opens is approved (ICMP: always)."""
    if exposure.protocol in ("icmp", "icmpv6"):
        return True
    if exposure.protocol not in ("tcp", "udp") or exposure.from_port < 0:
        return False
    allowed = set(approved)
    width = exposure.to_port - exposure.from_port + 1
    if width > len(allowed):
        return False
    return all(port in allowed for port in range(exposure.from_port, exposure.to_port + 1))


def unapproved(exposures: Iterable[Exposure], approved: Iterable[int]) -> list[Exposure]:
    allowed = tuple(approved)
    return [e for e in exposures if not is_approved(e, allowed)]
