"""How dangerous a drift is.

High: the change widens exposure or blinds detection (a new 0.0.0.0/0 or ::/0 source, a new
route to an internet gateway, an IGW attached, a new peering, a new public IP, a flow log,
trail, recorder or detector gone or turned off). Low: it only narrows exposure (rules, routes,
gateways, peerings, addresses removed). Medium: everything else.

The rules here read the shape of a change (a rule list, a route, a public IP); what depends
on the type (what losing one means, what an added one exposes, type-specific widening) is
its ``severity`` facet in scanner/resources/.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from scanner import resources
from scanner.drift.changes import Change
from scanner.model import Severity
from scanner.resources.shapes import opens_to_world, route_to_igw

REMOVAL_SEVERITY: dict[str, Severity] = {"detection": "high", "path": "low", "other": "medium"}


def _widens(rtype: str, change: Change) -> bool:
    field = change.path[0] if change.path else ""
    if change.change in ("added", "modified") and change.element:
        if field in ("ingress", "egress") and opens_to_world(change.new):
            return not (change.change == "modified" and opens_to_world(change.old))
        if field == "routes" and route_to_igw(change.new):
            return not (change.change == "modified" and route_to_igw(change.old))
    if field == "public_ip" and change.new:
        return True
    return resources.get(rtype).severity.widens(change)


def _narrows(rtype: str, change: Change) -> bool:
    field = change.path[0] if change.path else ""
    if change.element and change.change == "removed":
        entry = change.old
        # Removing a NACL deny opens traffic; removing anything else closes a path.
        return not (isinstance(entry, Mapping) and entry.get("action") == "deny")
    if change.element and change.change == "modified" and field in ("ingress", "egress"):
        return opens_to_world(change.old) and not opens_to_world(change.new)
    return bool(field == "public_ip" and change.old and not change.new)


def drift_severity(
    rtype: str,
    change: str,
    changes: Iterable[Change],
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
) -> Severity:
    """The severity of one resource's drift (``change`` is added, removed or modified)."""
    facet = resources.get(rtype).severity
    if change == "added":
        return "high" if facet.exposes(after or {}) else "medium"
    if change == "removed":
        return REMOVAL_SEVERITY[facet.removal]
    changes = list(changes)
    if any(_widens(rtype, c) for c in changes):
        return "high"
    if changes and all(_narrows(rtype, c) for c in changes):
        return "low"
    return "medium"
