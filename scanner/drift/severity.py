"""How dangerous a drift is. All of the severity logic lives here.

High: the change widens exposure or blinds detection (a new 0.0.0.0/0 or ::/0 source, a new
route to an internet gateway, an IGW attached, a new peering, a new public IP, a flow log,
trail, recorder or detector gone or turned off). Low: it only narrows exposure (rules, routes,
gateways, peerings, addresses removed). Medium: everything else.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from scanner.drift.changes import Change
from scanner.model import Severity

WORLD = {"0.0.0.0/0", "::/0"}
# Types whose mere appearance opens a path to or from outside the VPC.
EXPOSING_TYPES = {"aws.peering-connection", "aws.elastic-ip"}
# Types whose disappearance blinds detection or monitoring.
DETECTION_TYPES = {
    "aws.flow-log",
    "aws.cloudtrail",
    "aws.config-recorder",
    "aws.guardduty-detector",
}
# Types whose disappearance only removes a path.
PATH_TYPES = {
    "aws.security-group",
    "aws.internet-gateway",
    "aws.egress-only-internet-gateway",
    "aws.peering-connection",
    "aws.elastic-ip",
    "aws.nat-gateway",
    "aws.vpc-endpoint",
    "aws.vpn-connection",
    "aws.transit-attachment",
}


def _opens_to_world(entry: Any) -> bool:
    if not isinstance(entry, Mapping):
        return False
    sources = {entry.get("cidr"), entry.get("ipv6_cidr")}
    return bool(sources & WORLD) and entry.get("action", "allow") == "allow"


def _route_to_igw(route: Any) -> bool:
    return isinstance(route, Mapping) and str(route.get("target", "")).startswith("igw-")


def _widens(rtype: str, change: Change) -> bool:
    field = change.path[0] if change.path else ""
    if change.change in ("added", "modified") and change.element:
        if field in ("ingress", "egress") and _opens_to_world(change.new):
            return not (change.change == "modified" and _opens_to_world(change.old))
        if field == "routes" and _route_to_igw(change.new):
            return not (change.change == "modified" and _route_to_igw(change.old))
        if field == "vpcs" and rtype == "aws.internet-gateway":
            return True
    if field == "public_ip" and change.new:
        return True
    if field in ("logging", "recording") and change.old is True and change.new is not True:
        return True
    if rtype == "aws.guardduty-detector" and field == "Status" and change.new != "ENABLED":
        return True
    return rtype == "aws.peering-connection" and field == "status" and change.new == "active"


def _narrows(rtype: str, change: Change) -> bool:
    field = change.path[0] if change.path else ""
    if change.element and change.change == "removed":
        entry = change.old
        # Removing a NACL deny opens traffic; removing anything else closes a path.
        return not (isinstance(entry, Mapping) and entry.get("action") == "deny")
    if change.element and change.change == "modified" and field in ("ingress", "egress"):
        return _opens_to_world(change.old) and not _opens_to_world(change.new)
    return bool(field == "public_ip" and change.old and not change.new)


def _resource_exposes(rtype: str, fields: Mapping[str, Any] | None) -> bool:
    fields = fields or {}
    if rtype in EXPOSING_TYPES:
        return True
    if rtype == "aws.internet-gateway" and fields.get("vpcs"):
        return True
    if rtype == "aws.eni" and fields.get("public_ip"):
        return True
    if rtype == "aws.security-group" and any(_opens_to_world(r) for r in fields.get("ingress", [])):
        return True
    if rtype == "aws.network-acl" and any(_opens_to_world(e) for e in fields.get("ingress", [])):
        return True
    return rtype == "aws.route-table" and any(_route_to_igw(r) for r in fields.get("routes", []))


def drift_severity(
    rtype: str,
    change: str,
    changes: Iterable[Change],
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
) -> Severity:
    """The severity of one resource's drift (``change`` is added, removed or modified)."""
    if change == "added":
        return "high" if _resource_exposes(rtype, after) else "medium"
    if change == "removed":
        if rtype in DETECTION_TYPES:
            return "high"
        return "low" if rtype in PATH_TYPES else "medium"
    changes = list(changes)
    if any(_widens(rtype, c) for c in changes):
        return "high"
    if changes and all(_narrows(rtype, c) for c in changes):
        return "low"
    return "medium"
