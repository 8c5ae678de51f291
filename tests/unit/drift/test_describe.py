"""A drift in words (literal data): each kind of change of each network list, the way a
person would say it, with attacker text kept to one short line."""

from __future__ import annotations

import pytest

from scanner.drift.describe import change_text, drift_sentence, label

NACL_RDP = {
    "rule_number": 90,
    "action": "allow",
    "protocol": "6",
    "cidr": "0.0.0.0/0",
    "from_port": 3389,
    "to_port": 3389,
}


@pytest.mark.parametrize(
    ("change", "text"),
    [
        (
            {"field": "ingress", "change": "added", "element": True, "new": {
                "protocol": "tcp", "from_port": 22, "to_port": 22, "cidr": "0.0.0.0/0",
                "description": "temp debug"}},
            "gained ingress tcp/22 from 0.0.0.0/0",
        ),
        (
            {"field": "egress", "change": "removed", "element": True, "old": {
                "protocol": "-1", "ipv6_cidr": "::/0"}},
            "lost egress all traffic to ::/0",
        ),
        (
            {"field": "ingress", "change": "added", "element": True, "new": {
                "protocol": "udp", "from_port": 0, "to_port": 65535, "group": "sg-peer"}},
            "gained ingress udp/any from sg-peer",
        ),
        (
            {"field": "ingress", "change": "added", "element": True, "new": NACL_RDP},
            "gained ingress entry 90 allow tcp/3389 from 0.0.0.0/0",
        ),
        (
            {"field": "ingress", "change": "modified", "element": True,
             "old": {**NACL_RDP, "action": "deny"}, "new": NACL_RDP},
            "changed ingress entry 90 allow tcp/3389 from 0.0.0.0/0 "
            "(was ingress entry 90 deny tcp/3389 from 0.0.0.0/0)",
        ),
        (
            {"field": "routes", "change": "added", "element": True,
             "new": {"destination": "0.0.0.0/0", "target": "igw-1"}},
            "gained route 0.0.0.0/0 via igw-1",
        ),
        (
            {"field": "subnets", "change": "removed", "element": True, "old": "subnet-1"},
            "lost subnet subnet-1",
        ),
        (
            {"field": "SourceDestCheck", "change": "modified", "old": True, "new": False},
            "changed SourceDestCheck from true to false",
        ),
        (
            {"field": "ingress", "change": "added", "element": True, "new": {
                "protocol": "icmp", "from_port": -1, "to_port": -1, "cidr": "10.0.0.0/8"}},
            "gained ingress icmp from 10.0.0.0/8",
        ),
    ],
)  # fmt: skip
def test_each_change_in_words(change: dict[str, object], text: str) -> None:
    assert change_text(change) == text


def test_a_resource_created_deleted_or_changed() -> None:
    assert drift_sentence("aws.internet-gateway", "igw-1", "added") == (
        "Internet gateway igw-1 was created outside the baseline"
    )
    assert drift_sentence("aws.flow-log", "fl-1", "removed") == (
        "Flow log fl-1 was deleted outside the baseline"
    )
    assert drift_sentence("aws.vpn-gateway", "vgw-1", "modified") == (
        "Vpn gateway vgw-1 was changed outside the baseline"
    )
    two = [
        {"field": "routes", "change": "added", "element": True,
         "new": {"destination": "0.0.0.0/0", "target": "igw-1"}},
        {"field": "routes", "change": "removed", "element": True,
         "new": None, "old": {"destination": "0.0.0.0/0", "target": "nat-1"}},
    ]  # fmt: skip
    assert drift_sentence("aws.route-table", "rtb-1", "modified", two) == (
        "Route table rtb-1 gained route 0.0.0.0/0 via igw-1 and lost route 0.0.0.0/0 via "
        "nat-1 outside the baseline"
    )
    assert label("aws.security-group") == "Security group"


def test_attacker_text_stays_one_short_line() -> None:
    hostile = "x\n" * 500 + "[link](http://evil)"
    change = {"field": "tags.Name", "change": "modified", "old": "a", "new": hostile}
    text = change_text(change)
    assert "\n" not in text and len(text) < 200
