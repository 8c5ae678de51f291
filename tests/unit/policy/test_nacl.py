"""``open-ingress``: network ACL entries evaluated as AWS does (first match wins)."""

from __future__ import annotations

import ipaddress
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from scanner.policy.filters.nacl import deciding_entry, open_ingress
from tests.unit.policy.conftest import RunRule, ids
from tests.unit.policy.snapshots import snapshot


def entry(
    number: int,
    action: str,
    protocol: str = "-1",
    cidr: str = "0.0.0.0/0",
    ports: tuple[int, int] | None = None,
    egress: bool = False,
) -> dict[str, Any]:
    e: dict[str, Any] = {
        "RuleNumber": number,
        "RuleAction": action,
        "Protocol": protocol,
        "Egress": egress,
    }
    e["Ipv6CidrBlock" if ":" in cidr else "CidrBlock"] = cidr
    if ports:
        e["PortRange"] = {"From": ports[0], "To": ports[1]}
    return e


DEFAULT_DENY = [entry(32767, "deny"), entry(32768, "deny", cidr="::/0")]


def found(
    entries: list[dict[str, Any]],
    cidrs: tuple[str, ...] = ("0.0.0.0/0", "::/0"),
    ports: tuple[int, ...] = (22, 3389),
) -> list[tuple[str, str, int, int]]:
    return [
        (f["Cidr"], f["Protocol"], f["Port"], f["Entry"]["RuleNumber"])
        for f in open_ingress(entries, cidrs, ["tcp"], ports)
    ]


def test_allow_at_101_beats_deny_at_102() -> None:
    entries = [
        entry(102, "deny", "6", ports=(22, 22)),
        entry(101, "allow", "6", ports=(22, 22)),
        *DEFAULT_DENY,
    ]
    assert found(entries) == [("0.0.0.0/0", "tcp", 22, 101)]


def test_deny_of_a_range_protects_22_from_a_later_allow_all() -> None:
    entries = [entry(100, "deny", "6", ports=(21, 24)), entry(200, "allow"), *DEFAULT_DENY]
    assert found(entries) == [("0.0.0.0/0", "tcp", 3389, 200)]


def test_ipv4_and_ipv6_are_evaluated_separately() -> None:
    entries = [
        entry(100, "deny", cidr="0.0.0.0/0"),
        entry(110, "allow", cidr="::/0"),
        entry(120, "allow"),
        *DEFAULT_DENY,
    ]
    assert found(entries) == [("::/0", "tcp", 22, 110), ("::/0", "tcp", 3389, 110)]


def test_udp_and_icmp_entries_do_not_decide_for_tcp() -> None:
    entries = [
        entry(90, "deny", "17", ports=(0, 65535)),
        entry(95, "deny", "1"),
        entry(100, "allow", "6", ports=(3389, 3389)),
        *DEFAULT_DENY,
    ]
    assert found(entries) == [("0.0.0.0/0", "tcp", 3389, 100)]


def test_egress_entries_are_ignored() -> None:
    assert found([entry(1, "allow", egress=True), *DEFAULT_DENY]) == []


def test_a_narrow_deny_protects_nothing_and_a_narrow_allow_opens_nothing() -> None:
    entries = [
        entry(50, "deny", cidr="198.51.100.7/32"),
        entry(60, "allow", cidr="10.0.0.0/8"),
        entry(100, "allow", "6", ports=(22, 22)),
        *DEFAULT_DENY,
    ]
    assert found(entries, cidrs=("0.0.0.0/0",)) == [("0.0.0.0/0", "tcp", 22, 100)]


def test_implicit_deny_when_nothing_matches() -> None:
    assert found([entry(100, "allow", "6", ports=(443, 443))]) == []


def test_deny_rule_numbers_are_free_and_below_the_allow() -> None:
    entries = [entry(99, "allow", "6", ports=(80, 80)), entry(100, "allow"), *DEFAULT_DENY]
    numbers = [
        f["DenyRuleNumber"]
        for f in open_ingress(entries, ["0.0.0.0/0", "::/0"], ["tcp"], [22, 3389])
    ]
    assert numbers == [98, 97]  # v4 only: ::/0 is not covered by the IPv4 allow


def _reference(entries: list[dict[str, Any]], port: int) -> str:
    """Brute force: the first entry, by number, covering every address of 0.0.0.0/0."""
    for e in sorted(entries, key=lambda e: e["RuleNumber"]):
        if e.get("Egress") or "CidrBlock" not in e:
            continue
        if ipaddress.ip_network(e["CidrBlock"]).prefixlen != 0:
            continue
        if e["Protocol"] not in ("-1", "6"):
            continue
        rng = e.get("PortRange")
        if rng and not rng["From"] <= port <= rng["To"]:
            continue
        return str(e["RuleAction"])
    return "deny"


ENTRY = st.builds(
    lambda n, a, p, c, lo, span: entry(
        n, a, p, c, (lo, min(lo + span, 65535)) if p in ("6", "17") else None
    ),
    st.integers(1, 32766),
    st.sampled_from(["allow", "deny"]),
    st.sampled_from(["-1", "6", "17", "1"]),
    st.sampled_from(["0.0.0.0/0", "10.0.0.0/8"]),
    st.integers(0, 65535),
    st.integers(0, 100),
)


@given(st.lists(ENTRY, max_size=8, unique_by=lambda e: e["RuleNumber"]), st.integers(0, 65535))
def test_first_match_agrees_with_brute_force(entries: list[dict[str, Any]], port: int) -> None:
    decided = deciding_entry(entries, ipaddress.ip_network("0.0.0.0/0"), "tcp", port)
    assert (decided["RuleAction"] if decided else "deny") == _reference(entries, port)


def test_rule_nacl_admin_ports(run_rule: RunRule) -> None:
    acls = [
        {
            "NetworkAclId": "acl-open",
            "VpcId": "vpc-1",
            "IsDefault": True,
            "Entries": [entry(100, "allow"), entry(101, "allow", cidr="::/0"), *DEFAULT_DENY],
        },
        {
            "NetworkAclId": "acl-v6-open",
            "VpcId": "vpc-1",
            "IsDefault": False,
            "Entries": [
                entry(90, "deny"),
                entry(100, "allow", "6", cidr="::/0", ports=(0, 1024)),
                *DEFAULT_DENY,
            ],
        },
        {
            "NetworkAclId": "acl-guarded",
            "VpcId": "vpc-1",
            "IsDefault": False,
            "Entries": [
                entry(90, "deny", "6", ports=(22, 22)),
                entry(91, "deny", "6", ports=(3389, 3389)),
                entry(92, "deny", "6", cidr="::/0", ports=(0, 65535)),
                entry(100, "allow"),
                entry(101, "allow", cidr="::/0"),
                *DEFAULT_DENY,
            ],
        },
    ]
    snap = snapshot({"aws.network-acl": acls})
    [v4] = run_rule("NW-NACL-001", snap)
    assert v4.resource_id == "acl-open"
    assert v4.compliance == ("CIS-AWS-5.1", "FSBP-EC2.21", "NIST-800-53-SC-7")
    assert [a.api.params for a in v4.remediation if a.api] == [
        {
            "NetworkAclId": "acl-open",
            "Egress": False,
            "RuleNumber": number,
            "Protocol": "6",
            "PortRange": {"From": port, "To": port},
            "CidrBlock": "0.0.0.0/0",
            "RuleAction": "deny",
        }
        for number, port in ((99, 22), (98, 3389))
    ]
    assert "entry 100 (allow) lets tcp/22 in from 0.0.0.0/0" in v4.message
    v6 = run_rule("NW-NACL-002", snap)
    assert ids(v6) == ["acl-open", "acl-v6-open"]
    assert v6[0].compliance == ("NIST-800-53-SC-7",)  # CIS 5.1 / EC2.21 are IPv4-only
    assert "--ipv6-cidr-block ::/0" in v6[0].remediation[0].cli
    assert [f["Port"] for f in v6[1].evidence["c7n:nacl-open-ingress"]] == [22]
