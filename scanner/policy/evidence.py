"""Evidence: what exactly made a resource match, from the annotations the filters left.

Custodian filters annotate what they matched (``MatchedIpPermissions``,
``c7n:CrossAccountViolations``, ``c7n:MatchedFilters``...), and so do netwarden's. Evidence is
those annotations, trimmed of volatile fields (timestamps, delivery status) so that a
finding's fingerprint stays the same from one run to the next.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

import jmespath

Reducer = Callable[[Any], Any]


def _pick(keys: tuple[str, ...]) -> Reducer:
    def reduce(items: Any) -> Any:
        return [{k: i[k] for k in keys if k in i} for i in items or []]

    return reduce


def _trails(trails: Any) -> Any:
    reduced = _pick(("Name", "TrailARN", "HomeRegion", "IsMultiRegionTrail"))(trails)
    for out, trail in zip(reduced, trails or [], strict=True):
        if "Status" in trail:
            out["IsLogging"] = bool(trail["Status"].get("IsLogging"))
    return reduced


def _config_status(status: Any) -> Any:
    return {name: {"recording": s.get("recording")} for name, s in (status or {}).items()}


def _guard_duty(value: Any) -> Any:
    detector = (value or {}).get("Detector") or {}
    return {
        "Detector": {"Status": detector.get("Status")},
        "Administrator": (value or {}).get("Administrator"),
    }


REDUCERS: dict[str, Reducer] = {
    "c7n:flow-logs": _pick(("FlowLogId", "TrafficType", "LogDestinationType", "LogDestination")),
    "c7n:cloudtrails": _trails,
    "c7n:config_recorders": _pick(("name", "recordingGroup")),
    "c7n:config_channels": _pick(("name",)),
    "c7n:config_status": _config_status,
    "c7n:guard-duty": _guard_duty,
}
DROPPED = {"c7n:list-item-matches", "c7n:MatchedFilters"}


def _value_at(item: Mapping[str, Any], key: str) -> Any:
    if key.startswith("tag:"):
        return next((t.get("Value") for t in item.get("Tags", []) if t.get("Key") == key[4:]), None)
    try:
        return jmespath.search(key, item)
    except jmespath.exceptions.JMESPathError:
        return item.get(key)


def evidence_of(original: Mapping[str, Any], matched: Mapping[str, Any]) -> dict[str, Any]:
    """The annotations ``matched`` gained over ``original``; without any, the values of the
    keys the policy's value filters matched on (``c7n:MatchedFilters``)."""
    evidence: dict[str, Any] = {}
    for key, value in matched.items():
        if key in original or key in DROPPED:
            continue
        evidence[key] = REDUCERS[key](value) if key in REDUCERS else value
    if not evidence:  # a plain value-filter policy: the matched values are the evidence
        for key in matched.get("c7n:MatchedFilters", []) or []:
            evidence[key] = _value_at(matched, key)
    return evidence


def _ports(perm: Mapping[str, Any]) -> str:
    protocol = str(perm.get("IpProtocol"))
    if protocol == "-1":
        return "all traffic"
    if "FromPort" not in perm:
        return f"protocol {protocol}"
    low, high = perm.get("FromPort"), perm.get("ToPort")
    return f"{protocol} {low}" if low == high else f"{protocol} {low}-{high}"


def _sources(perm: Mapping[str, Any]) -> str:
    sources = [r.get("CidrIp") for r in perm.get("IpRanges", [])]
    sources += [r.get("CidrIpv6") for r in perm.get("Ipv6Ranges", [])]
    sources += [r.get("PrefixListId") for r in perm.get("PrefixListIds", [])]
    sources += [r.get("GroupId") for r in perm.get("UserIdGroupPairs", [])]
    return ", ".join(str(s) for s in sources if s)


def _traffic(exposure: Mapping[str, Any]) -> str:
    protocol, low, high = exposure.get("Protocol"), exposure.get("FromPort"), exposure.get("ToPort")
    if not isinstance(low, int) or low < 0:
        return str(protocol)
    return f"{protocol}/{low}" if low == high else f"{protocol}/{low}-{high}"


def _violation(value: Any) -> str:
    if not isinstance(value, Mapping):
        return f"untrusted account {value}"
    compact = {k: value[k] for k in ("Sid", "Effect", "Principal", "Action") if k in value}
    return "policy statement " + json.dumps(compact, sort_keys=True)


def _rules(key: str, value: Any) -> str | None:
    """A group's own rule list (a value filter matched on it) in words, not JSON."""
    if not isinstance(value, list) or not all(isinstance(p, Mapping) for p in value):
        return None
    direction, word = ("egress", "to") if key == "IpPermissionsEgress" else ("ingress", "from")
    rules = [f"{direction} {_ports(p)} {word} {_sources(p) or 'nothing'}" for p in value]
    return "; ".join(rules) or f"no {direction} rules"


def _summary(key: str, value: Any) -> str:
    if key.startswith("MatchedIpPermissions"):
        return "; ".join(f"{_ports(p)} from {_sources(p)}" for p in value)
    if key in ("IpPermissions", "IpPermissionsEgress"):
        words = _rules(key, value)
        if words is not None:
            return words
    if key == "c7n:nacl-open-ingress":
        return "; ".join(
            f"entry {e['Entry']['RuleNumber']} ({e['Entry']['RuleAction']}) lets "
            f"{e['Protocol']}/{e['Port']} in from {e['Cidr']}"
            for e in value
        )
    if key in ("c7n:internet-gateway-routes", "c7n:broad-peering-routes"):
        return "; ".join(
            f"route {r.get('Destination')} -> "
            f"{r['Route'].get('GatewayId') or r['Route'].get('VpcPeeringConnectionId')}"
            + (
                f" in {r['RouteTableId']} ({r['Association']} association)"
                if "RouteTableId" in r
                else ""
            )
            for r in value
        )
    if key == "c7n:missing-alarms":
        return "no CloudWatch alarm on " + ", ".join(value)
    if key == "c7n:change-alerts" and isinstance(value, Mapping):
        missing = value.get("missing_events") or []
        notes = value.get("notes") or []
        words = f"nothing alerts on {', '.join(map(str, missing))}"
        return words + (f" ({'; '.join(map(str, notes))})" if notes else "")
    if key == "c7n:flow-logs":
        return "flow logs: " + (
            ", ".join(f"{f.get('FlowLogId')} ({f.get('TrafficType')})" for f in value) or "none"
        )
    if key == "c7n:CrossAccountViolations":
        return "; ".join(_violation(v) for v in value)
    if key == "AssociationId" and value is None:
        return "associated with nothing"
    if key == "c7n:unreferenced":
        return "on no network interface and referenced by no security-group rule"
    if key == "c7n:cloudtrails":
        return "trails: " + (
            ", ".join(
                f"{t.get('Name')} (multi-region={t.get('IsMultiRegionTrail')}, "
                f"logging={t.get('IsLogging')})"
                for t in value
            )
            or "none"
        )
    if key == "c7n:config_recorders":
        return "configuration recorders: " + (
            ", ".join(r.get("name", "?") for r in value) or "none"
        )
    if key == "c7n:config_channels":
        return "delivery channels: " + (", ".join(c.get("name", "?") for c in value) or "none")
    if key == "c7n:guard-duty":
        return f"detector status: {(value.get('Detector') or {}).get('Status')}"
    if key == "c7n:internet-exposures":
        return "reachable from the internet: " + "; ".join(
            f"{e.get('Address')} on {_traffic(e)} from {e.get('Sources')}" for e in value
        )
    if key == "c7n:internet-exposure-rules":
        return "admitted by " + "; ".join(
            f"{r.get('SecurityGroup')} ({_ports(r.get('IpPermission') or {})} from "
            f"{_sources(r.get('IpPermission') or {})})"
            for r in value
        )
    if key == "c7n:matched-vpcs":
        return "attached to " + ", ".join(value)
    text = json.dumps(value, sort_keys=True, default=str)
    return f"{key}={text if len(text) <= 160 else text[:157] + '...'}"


def summarize(evidence: Mapping[str, Any], default: str = "matched") -> str:
    """One human line naming the exact evidence (``default`` when there is none)."""
    return "; ".join(_summary(k, v) for k, v in evidence.items()) or default
