"""Property: netwarden's security-group rules are Custodian's `ingress` filter, exactly,
apart from the protocol conditions they add on purpose."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.policy.evaluate import evaluate
from scanner.policy.loader import PolicyPack, load_policy_pack
from tests.unit.policy.conftest import POLICIES
from tests.unit.policy.snapshots import ACCOUNT, perm, sg, snapshot

PACK = load_policy_pack(POLICIES)
PORTED = ("-1", "tcp", "udp", "6", "17")
ICMP = ("icmp", "icmpv6", "1", "58")
ADMIN_RULES = ("NW-SG-002", "NW-SG-008", "NW-SG-009", "NW-SG-010")


@st.composite
def permissions(draw: Any) -> dict[str, Any]:
    protocol = draw(st.sampled_from(["tcp", "udp", "-1", "icmp", "47", "50"]))
    source = draw(
        st.sampled_from(
            [
                {"v4": ("0.0.0.0/0",)},
                {"v4": ("10.0.0.0/8",)},
                {"v6": ("::/0",)},
                {"v6": ("fd00::/8",)},
                {"prefix_lists": ("pl-1",)},
                {"groups": ("sg-other",)},
                {"v4": ("0.0.0.0/0", "10.0.0.0/8"), "v6": ("::/0",)},
            ]
        )
    )
    if protocol in ("tcp", "udp"):
        low = draw(st.sampled_from([0, 1, 20, 22, 80, 443, 3389, 8080, 65535]))
        high = draw(st.sampled_from([low, low + 1, 3389, 65535]))
        return perm(protocol, low, max(low, high), **source)
    if protocol == "icmp":
        return perm(protocol, draw(st.integers(-1, 40)), draw(st.integers(-1, 40)), **source)
    return perm(protocol, **source)


GROUPS = st.lists(st.lists(permissions(), min_size=1, max_size=3), min_size=1, max_size=4)


def custodian(filters: list[Any], groups: list[dict[str, Any]]) -> set[str]:
    from c7n.config import Config
    from c7n.policy import Policy

    policy = Policy(
        {"name": "plain", "resource": "aws.security-group", "filters": filters},
        Config.empty(region="us-east-1", account_id=ACCOUNT),
    )
    policy.validate()
    return {r["GroupId"] for r in policy.resource_manager.filter_resources(copy.deepcopy(groups))}


def ours(rule_id: str, groups: list[dict[str, Any]]) -> set[str]:
    pack = PolicyPack(PACK.directory, (PACK.by_id(rule_id),), PACK.digest)
    return {f.resource_id for f in evaluate(snapshot({"aws.security-group": groups}), pack)}


def internet(**condition: Any) -> list[Any]:
    return [
        {
            "or": [
                {"type": "ingress", **condition, "Cidr": {"value": "0.0.0.0/0"}},
                {"type": "ingress", **condition, "CidrV6": {"value": "::/0"}},
            ]
        }
    ]


@settings(max_examples=40, deadline=None)
@given(GROUPS)
def test_admin_rules_are_custodian_ports_on_ported_protocols(perms: list[list[Any]]) -> None:
    groups = [sg(f"sg-{i}", p) for i, p in enumerate(perms)]
    ported = [
        sg(f"sg-{i}", [x for x in p if x["IpProtocol"] in PORTED]) for i, p in enumerate(perms)
    ]
    admin = set().union(*(ours(rule, groups) for rule in ADMIN_RULES))
    assert admin == custodian(internet(Ports=[22, 3389]), ported)


@settings(max_examples=40, deadline=None)
@given(GROUPS)
def test_approved_ports_rule_is_custodian_only_ports_without_icmp(
    perms: list[list[Any]],
) -> None:
    groups = [sg(f"sg-{i}", p) for i, p in enumerate(perms)]
    no_icmp = [
        sg(f"sg-{i}", [x for x in p if x["IpProtocol"] not in ICMP]) for i, p in enumerate(perms)
    ]
    assert ours("NW-SG-001", groups) == custodian(internet(OnlyPorts=[80, 443]), no_icmp)
