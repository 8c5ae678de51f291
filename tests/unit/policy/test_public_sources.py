"""NW-SG-011 (one public address not allowed) and NW-SG-012 (public ranges wider than /24)
on literal DescribeSecurityGroups items; the public-range test against Python's own view of
each single address."""

from __future__ import annotations

import ipaddress
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scanner.policy.filters.sg import PublicCidrIngress, is_public
from tests.unit.policy.conftest import RunRule, ids
from tests.unit.policy.snapshots import perm, sg, snapshot

ONE, WIDE = "NW-SG-011", "NW-SG-012"

# (case, permission, which of the two rules fire)
CASES = [
    ("one-public-v4", perm("tcp", 5432, v4=("8.8.4.4/32",)), {ONE}),
    ("one-public-v6", perm("tcp", 443, v6=("2600:1f18::7/128",)), {ONE}),
    ("one-public-host-bits", perm("tcp", 443, v4=("52.94.76.9/32",)), {ONE}),
    ("one-private", perm("tcp", 22, v4=("10.1.2.3/32",)), set()),
    ("one-cgnat", perm("tcp", 22, v4=("100.64.7.7/32",)), set()),
    ("one-documentation", perm("tcp", 22, v4=("203.0.113.7/32",)), set()),
    ("one-ula-v6", perm("tcp", 22, v6=("fd00::1/128",)), set()),
    ("narrow-public", perm("tcp", 443, v4=("52.94.76.0/24",)), set()),
    ("public-slash-25", perm("tcp", 443, v4=("52.94.76.0/25",)), set()),
    ("public-slash-23", perm("tcp", 443, v4=("52.94.76.0/23",)), {WIDE}),
    ("public-slash-8", perm("-1", v4=("52.0.0.0/8",)), {WIDE}),
    ("public-v6-slash-32", perm("tcp", 443, v6=("2600:1f00::/32",)), {WIDE}),
    ("public-v6-slash-48", perm("tcp", 443, v6=("2600:1f18:1::/48",)), set()),
    ("private-slash-8", perm("tcp", 22, v4=("10.0.0.0/8",)), set()),
    ("internet", perm("tcp", 22, v4=("0.0.0.0/0",), v6=("::/0",)), set()),
    ("prefix-list", perm("tcp", 22, prefix_lists=("pl-0123",)), set()),
    ("group", perm("tcp", 22, groups=("sg-bastion",)), set()),
]


def test_single_public_addresses_and_wide_public_ranges(run_rule: RunRule) -> None:
    snap = snapshot({"aws.security-group": [sg(f"sg-{n}", [p]) for n, p, _ in CASES]})
    fired = {rule: set(ids(run_rule(rule, snap))) for rule in (ONE, WIDE)}
    for name, _, rules in CASES:
        assert {r for r in (ONE, WIDE) if f"sg-{name}" in fired[r]} == rules, name


def test_the_finding_names_the_permission(run_rule: RunRule) -> None:
    group = sg(
        "sg-db", [perm("tcp", 5432, v4=("8.8.4.4/32",)), perm("tcp", 80, v4=("10.0.0.0/8",))]
    )
    (finding,) = run_rule(ONE, snapshot({"aws.security-group": [group]}))
    matched = finding.evidence["MatchedIpPermissions"]
    assert [(p["FromPort"], [r["CidrIp"] for r in p["IpRanges"]]) for p in matched] == [
        (5432, ["8.8.4.4/32"])
    ]


def _filter(**data: Any) -> PublicCidrIngress:
    return PublicCidrIngress({"type": "public-cidr-ingress", **data}, None)


def test_an_allowed_address_or_range_is_not_reported() -> None:
    flt = _filter(Prefix4=[32, 32], Prefix6=[128, 128], Allowed=["8.8.4.4/32", "2600:1f18::/32"])
    assert not flt.matches_cidr("8.8.4.4/32")
    assert not flt.matches_cidr("2600:1f18::7/128")
    assert flt.matches_cidr("8.8.8.8/32")
    assert not flt.matches_cidr("not-a-cidr")
    assert not _filter(Prefix6=[128, 128]).matches_cidr("8.8.8.8/32")  # IPv4 not asked for


@given(st.integers(0, 2**32 - 1))
def test_a_single_ipv4_address_is_public_exactly_when_python_calls_it_global(n: int) -> None:
    address = ipaddress.IPv4Address(n)
    expected = address.is_global and not address.is_multicast
    assert is_public(ipaddress.ip_network(f"{address}/32")) == expected


@pytest.mark.parametrize("cidr", ["100.64.0.0/10", "100.127.255.255/32", "198.18.0.0/15"])
def test_special_use_ranges_are_not_public(cidr: str) -> None:
    assert not is_public(ipaddress.ip_network(cidr))
