"""A drift in one short human sentence (pure): "Security group sg-1 gained ingress tcp/22 from
0.0.0.0/0 outside the baseline".

It reads the changes in the form a drift finding's evidence keeps them (``Change.to_dict()``:
``field``, ``change``, ``old``/``new``), so the SARIF writer can word a finding read back from
findings.json exactly as the scan that made it. Every value comes from AWS and is attacker
text: it is flattened to one line and cut short here; the callers escape it for their format.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from scanner.textsafe import one_line

# What a person calls each type; any other is named from its Custodian name.
LABELS: Mapping[str, str] = {
    "aws.security-group": "Security group",
    "aws.network-acl": "Network ACL",
    "aws.route-table": "Route table",
    "aws.internet-gateway": "Internet gateway",
    "aws.nat-gateway": "NAT gateway",
    "aws.peering-connection": "VPC peering connection",
    "aws.elastic-ip": "Elastic IP",
    "aws.flow-log": "Flow log",
    "aws.eni": "Network interface",
    "aws.vpc": "VPC",
    "aws.subnet": "Subnet",
    "aws.vpc-endpoint": "VPC endpoint",
    "aws.transit-gateway": "Transit gateway",
}
# The protocol numbers network ACL entries carry, as the names people use.
PROTOCOL_NAMES: Mapping[str, str] = {"6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6"}
SOURCE_KEYS = ("cidr", "ipv6_cidr", "prefix_list", "group")
VALUE_CHARS = 60  # one value in a sentence; the evidence keeps it whole
MAX_CHANGES = 3  # changes named in one sentence; "(+N more)" counts the rest


def label(resource_type: str) -> str:
    """``aws.security-group`` -> ``Security group``."""
    if resource_type in LABELS:
        return LABELS[resource_type]
    words = resource_type.removeprefix("aws.").replace("-", " ")
    return words[:1].upper() + words[1:]


def _value(value: Any) -> str:
    return one_line(value, VALUE_CHARS)


def _traffic(entry: Mapping[str, Any]) -> str:
    """``tcp/22``, ``udp/1024-2048``, ``tcp/any``, ``icmp``, ``all traffic``."""
    raw = str(entry.get("protocol", "-1"))
    protocol = PROTOCOL_NAMES.get(raw, raw)
    if protocol in ("-1", "all"):
        return "all traffic"
    low, high = entry.get("from_port"), entry.get("to_port")
    if not isinstance(low, int) or not isinstance(high, int) or low < 0:
        return _value(protocol)
    if (low, high) == (0, 65535):
        return f"{_value(protocol)}/any"
    ports = str(low) if low == high else f"{low}-{high}"
    return f"{_value(protocol)}/{ports}"


def _entry(field: str, entry: Mapping[str, Any]) -> str:
    """One list element as words: a rule, a NACL entry, a route; else its scalar fields."""
    if "protocol" in entry:
        sources = [_value(entry[k]) for k in SOURCE_KEYS if entry.get(k) not in (None, "")]
        source = f" from {' '.join(sources)}" if sources else ""
        if field == "egress":
            source = source.replace(" from ", " to ", 1)
        if "rule_number" in entry:  # a network ACL entry: its number and action matter
            action = _value(entry.get("action", ""))
            return (
                f"{field} entry {_value(entry['rule_number'])} {action} {_traffic(entry)}{source}"
            )
        return f"{field} {_traffic(entry)}{source}"
    if "destination" in entry:
        return f"route {_value(entry['destination'])} via {_value(entry.get('target', ''))}"
    scalars = [f"{k}={_value(v)}" for k, v in entry.items() if not isinstance(v, dict | list)]
    return f"{field} entry {one_line(', '.join(scalars), VALUE_CHARS * 2)}"


def _element(field: str, value: Any) -> str:
    if isinstance(value, Mapping):
        return _entry(field, value)
    singular = field[:-1] if field.endswith("s") else field
    return f"{singular} {_value(value)}"


def change_text(change: Mapping[str, Any]) -> str:
    """One change: ``gained ingress tcp/22 from 0.0.0.0/0``, ``lost route 0.0.0.0/0 via
    igw-1``, ``changed SourceDestCheck from True to False``."""
    kind = str(change.get("change", ""))
    field = one_line(change.get("field", ""), VALUE_CHARS)
    old, new = change.get("old"), change.get("new")
    if change.get("element") or isinstance(new if kind != "removed" else old, Mapping):
        if kind == "added":
            return f"gained {_element(field, new)}"
        if kind == "removed":
            return f"lost {_element(field, old)}"
        return f"changed {_element(field, new)} (was {_element(field, old)})"
    if kind == "added":
        return f"gained {field} {_value(new)}"
    if kind == "removed":
        return f"lost {field} {_value(old)}"
    return f"changed {field} from {_value(old)} to {_value(new)}"


def drift_sentence(
    resource_type: str, resource_id: str, change: str, changes: Sequence[Any] = ()
) -> str:
    """The drift of one resource, without a final stop."""
    what = f"{label(resource_type)} {one_line(resource_id, 120)}"
    if change == "added":
        return f"{what} was created outside the baseline"
    if change == "removed":
        return f"{what} was deleted outside the baseline"
    listed = [c for c in changes if isinstance(c, Mapping)]
    if not listed:
        return f"{what} was changed outside the baseline"
    named = [change_text(c) for c in listed[:MAX_CHANGES]]
    joined = named[0] if len(named) == 1 else ", ".join(named[:-1]) + " and " + named[-1]
    more = f" (+{len(listed) - MAX_CHANGES} more)" if len(listed) > MAX_CHANGES else ""
    return f"{what} {joined} outside the baseline{more}"
