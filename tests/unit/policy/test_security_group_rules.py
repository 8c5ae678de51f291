"""Security-group rules on literal DescribeSecurityGroups items, compared with Custodian."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from scanner.policy.evaluate import evaluate
from tests.unit.policy.conftest import RunRule, ids
from tests.unit.policy.snapshots import ACCOUNT, perm, sg, snapshot

ANY4, ANY6 = ("0.0.0.0/0",), ("::/0",)

# The SSH/RDP rules: one per port and address family, each with exactly its controls.
SSH4, SSH6, RDP4, RDP6 = ADMIN_RULES = ("NW-SG-002", "NW-SG-008", "NW-SG-009", "NW-SG-010")

# (case, permission, which admin rules fire)
ADMIN_CASES = [
    ("ssh-v4", perm("tcp", 22, v4=ANY4), {SSH4}),
    ("ssh-v6", perm("tcp", 22, v6=ANY6), {SSH6}),
    ("rdp-udp", perm("udp", 3389, v4=ANY4), {RDP4}),
    ("range-containing-22", perm("tcp", 20, 30, v4=ANY4), {SSH4}),
    ("range-containing-3389-v6", perm("tcp", 3000, 4000, v6=ANY6), {RDP6}),
    ("range-containing-both", perm("tcp", 0, 65535, v4=ANY4), {SSH4, RDP4}),
    ("all-protocols", perm("-1", v4=ANY4), {SSH4, RDP4}),
    ("all-protocols-v6", perm("-1", v6=ANY6), {SSH6, RDP6}),
    ("range-not-containing", perm("tcp", 23, 3388, v4=ANY4), set()),
    ("https-only", perm("tcp", 443, v4=ANY4), set()),
    ("ssh-from-office", perm("tcp", 22, v4=("203.0.113.0/24",)), set()),
    ("ssh-from-prefix-list", perm("tcp", 22, prefix_lists=("pl-0123",)), set()),
    ("ssh-from-group", perm("tcp", 22, groups=("sg-bastion",)), set()),
    ("gre", perm("47", v4=ANY4), set()),
    ("esp-v6", perm("50", v6=ANY6), set()),
    ("icmp-all", perm("icmp", -1, -1, v4=ANY4), set()),
    ("icmp-type-5-code-30", perm("icmp", 5, 30, v4=ANY4), set()),
]


def _groups(cases: list[tuple[str, dict[str, Any], Any]]) -> list[dict[str, Any]]:
    return [sg(f"sg-{name}", [p]) for name, p, _ in cases]


def test_admin_ports_from_the_internet(run_rule: RunRule) -> None:
    snap = snapshot({"aws.security-group": _groups(ADMIN_CASES)})
    fired = {rule: set(ids(run_rule(rule, snap))) for rule in ADMIN_RULES}
    for name, _, rules in ADMIN_CASES:
        assert {rule for rule in ADMIN_RULES if f"sg-{name}" in fired[rule]} == rules, name


def test_each_admin_rule_carries_exactly_its_controls(run_rule: RunRule) -> None:
    snap = snapshot({"aws.security-group": [sg("sg-x", [perm("-1", v4=ANY4, v6=ANY6)])]})
    controls = {rule: set(run_rule(rule, snap)[0].compliance) for rule in ADMIN_RULES}
    assert {"CIS-AWS-5.2", "FSBP-EC2.13", "FSBP-EC2.53"} <= controls[SSH4]
    assert {"CIS-AWS-5.3", "FSBP-EC2.13", "FSBP-EC2.54"} <= controls[SSH6]
    assert {"CIS-AWS-5.2", "FSBP-EC2.14", "FSBP-EC2.53"} <= controls[RDP4]
    assert {"CIS-AWS-5.3", "FSBP-EC2.14", "FSBP-EC2.54"} <= controls[RDP6]
    assert not controls[SSH4] & {"CIS-AWS-5.3", "FSBP-EC2.14", "FSBP-EC2.54"}
    assert not controls[RDP6] & {"CIS-AWS-5.2", "FSBP-EC2.13", "FSBP-EC2.53"}
    assert all("FSBP-EC2.19" in c for c in controls.values())


def _custodian(filters: list[Any], groups: list[dict[str, Any]]) -> list[str]:
    """Custodian's own answer, the way its tests do it: filter_resources on literal dicts."""
    from c7n.config import Config
    from c7n.policy import Policy

    policy = Policy(
        {"name": "t", "resource": "aws.security-group", "filters": filters},
        Config.empty(region="us-east-1", account_id=ACCOUNT),
    )
    policy.validate()
    return sorted(
        r["GroupId"] for r in policy.resource_manager.filter_resources(copy.deepcopy(groups))
    )


def test_admin_rules_match_custodian_ingress_except_portless_protocols(
    run_rule: RunRule,
) -> None:
    # Custodian's documented SSH/RDP policy (ports + Cidr/CidrV6, no protocol condition).
    plain = [
        {
            "or": [
                {"type": "ingress", "Ports": [22, 3389], "Cidr": {"value": "0.0.0.0/0"}},
                {"type": "ingress", "Ports": [22, 3389], "CidrV6": {"value": "::/0"}},
            ]
        }
    ]
    groups = _groups(ADMIN_CASES)
    custodian = set(_custodian(plain, groups))
    snap = snapshot({"aws.security-group": groups})
    ours = {i for rule in ADMIN_RULES for i in ids(run_rule(rule, snap))}
    # Custodian also matches permissions without ports (GRE, ESP) and an ICMP type/code
    # range that happens to contain 22; netwarden's policies exclude them on purpose.
    assert custodian - ours == {"sg-gre", "sg-esp-v6", "sg-icmp-type-5-code-30"}
    assert ours <= custodian


def test_evidence_is_the_matched_permission_only(run_rule: RunRule) -> None:
    group = sg(
        "sg-mixed",
        [perm("tcp", 22, v4=("0.0.0.0/0", "10.0.0.0/8"), v6=ANY6), perm("tcp", 443, v4=ANY4)],
    )
    snap = snapshot({"aws.security-group": [group]})
    [v4] = run_rule(SSH4, snap)
    [v6] = run_rule(SSH6, snap)
    matched = v4.evidence["MatchedIpPermissions"]
    assert [(p["IpRanges"], p["Ipv6Ranges"]) for p in matched] == [([{"CidrIp": "0.0.0.0/0"}], [])]
    assert [p["Ipv6Ranges"] for p in v6.evidence["MatchedIpPermissions"]] == [
        [{"CidrIpv6": "::/0"}]
    ]
    [action] = v4.remediation
    assert action.api is not None
    assert action.api.operation == "RevokeSecurityGroupIngress"
    assert action.api.params == {"GroupId": "sg-mixed", "IpPermissions": matched}
    assert "--group-id sg-mixed" in action.cli and '"CidrIp":"0.0.0.0/0"' in action.cli
    assert "tcp 22 from 0.0.0.0/0" in v4.message


APPROVED_CASES = [
    ("https", perm("tcp", 443, v4=ANY4), False),
    ("http-v6", perm("tcp", 80, v6=ANY6), False),
    ("http-to-https-range", perm("tcp", 80, 443, v4=ANY4), True),
    ("alt-http", perm("tcp", 8080, v4=ANY4), True),
    ("ssh-v6", perm("tcp", 22, v6=ANY6), True),
    ("all", perm("-1", v4=ANY4), True),
    ("private-ssh", perm("tcp", 22, v4=("10.0.0.0/8",)), False),
    ("prefix-list", perm("tcp", 8443, prefix_lists=("pl-1",)), False),
    ("icmp-echo", perm("icmp", 8, -1, v4=ANY4), False),
    ("gre", perm("47", v4=ANY4), True),
]


def test_only_approved_ports_open_to_the_internet(run_rule: RunRule) -> None:
    findings = run_rule("NW-SG-001", snapshot({"aws.security-group": _groups(APPROVED_CASES)}))
    assert ids(findings) == sorted(f"sg-{n}" for n, _, fires in APPROVED_CASES if fires)


def test_approved_rule_is_custodians_only_ports(run_rule: RunRule) -> None:
    groups = _groups([case for case in APPROVED_CASES if case[0] != "icmp-echo"])
    plain = [
        {
            "or": [
                {"type": "ingress", "OnlyPorts": [80, 443], "Cidr": {"value": "0.0.0.0/0"}},
                {"type": "ingress", "OnlyPorts": [80, 443], "CidrV6": {"value": "::/0"}},
            ]
        }
    ]
    ours = ids(run_rule("NW-SG-001", snapshot({"aws.security-group": groups})))
    assert ours == _custodian(plain, groups)


@pytest.mark.parametrize(
    ("permission", "fires"),
    [
        (perm("tcp", 3306, v4=ANY4), True),
        (perm("tcp", 6379, v6=ANY6), True),
        (perm("tcp", 11211, v4=ANY4), True),
        (perm("tcp", 9000, 9100, v4=ANY4), True),  # contains Kafka's 9092
        (perm("-1", v4=ANY4), True),
        (perm("tcp", 443, v4=ANY4), False),
        (perm("tcp", 3306, v4=("10.0.0.0/16",)), False),
    ],
)
def test_high_risk_ports(run_rule: RunRule, permission: dict[str, Any], fires: bool) -> None:
    findings = run_rule("NW-SG-003", snapshot({"aws.security-group": [sg("sg-x", [permission])]}))
    assert bool(findings) is fires


@pytest.mark.parametrize(
    ("permission", "fires"),
    [
        (perm("-1", v4=ANY4), True),
        (perm("-1", v6=ANY6), True),
        (perm("tcp", 0, 65535, v4=ANY4), True),
        (perm("udp", 1, 65535, v6=ANY6), True),
        (perm("tcp", 1024, 65535, v4=ANY4), False),
        (perm("-1", v4=("10.0.0.0/8",)), False),
        (perm("-1", groups=("sg-1",)), False),
    ],
)
def test_all_traffic_from_internet(
    run_rule: RunRule, permission: dict[str, Any], fires: bool
) -> None:
    findings = run_rule("NW-SG-004", snapshot({"aws.security-group": [sg("sg-x", [permission])]}))
    assert bool(findings) is fires


def test_default_group_with_any_rule(run_rule: RunRule) -> None:
    egress_all = perm("-1", v4=ANY4)
    groups = [
        sg("sg-default-egress", [], name="default", egress=[egress_all]),
        sg("sg-default-self", [perm("-1", groups=("sg-default-self",))], name="default"),
        sg("sg-default-empty", [], name="default"),
        sg("sg-web", [perm("tcp", 443, v4=ANY4)], egress=[egress_all]),
    ]
    findings = run_rule("NW-SG-005", snapshot({"aws.security-group": groups}))
    assert ids(findings) == ["sg-default-egress", "sg-default-self"]
    by_id = {f.resource_id: f for f in findings}
    # The message says which rules, in words: the JSON is the evidence, not the sentence.
    assert by_id["sg-default-egress"].message.endswith("egress all traffic to 0.0.0.0/0")
    assert by_id["sg-default-self"].message.endswith("ingress all traffic from sg-default-self")
    assert not any("{" in f.message for f in findings)
    [revoke] = by_id["sg-default-egress"].remediation
    assert revoke.api is not None and revoke.api.operation == "RevokeSecurityGroupEgress"
    assert revoke.api.params["IpPermissions"] == [egress_all]


def test_unreferenced_groups_from_enis_and_rules(run_rule: RunRule) -> None:
    groups = [
        sg("sg-on-eni", []),
        sg("sg-referenced", []),
        sg("sg-referrer", [perm("tcp", 5432, groups=("sg-referenced",))]),
        sg("sg-self-only", [perm("-1", groups=("sg-self-only",))]),
        sg("sg-idle", []),
        sg("sg-default", [], name="default"),
    ]
    enis = [
        {
            "NetworkInterfaceId": "eni-1",
            "Groups": [{"GroupId": "sg-on-eni"}],
            "SubnetId": "subnet-1",
            "VpcId": "vpc-1",
        }
    ]
    findings = run_rule("NW-SG-006", snapshot({"aws.security-group": groups, "aws.eni": enis}))
    # sg-referrer is referenced by nothing and attached to nothing: unused too.
    assert ids(findings) == ["sg-idle", "sg-referrer", "sg-self-only"]


@pytest.mark.parametrize(
    ("permission", "fires"),
    [
        (perm("tcp", 22, v4=("10.0.0.0/8",)), True),
        (perm("tcp", 3389, v4=("172.16.0.0/12",)), True),
        (perm("tcp", 0, 1024, v4=("10.0.0.0/15",)), True),
        (perm("-1", v4=("10.64.0.0/10",)), True),
        (perm("tcp", 22, v4=("10.1.0.0/16",)), False),
        (perm("tcp", 22, v4=("192.168.0.0/16",)), False),
        (perm("tcp", 22, v4=("8.0.0.0/7",)), False),  # wide, but not private space
        (perm("tcp", 443, v4=("10.0.0.0/8",)), False),
        (perm("tcp", 22, v6=("fd00::/8",)), False),
    ],
)
def test_admin_ports_from_wide_private_cidr(
    run_rule: RunRule, permission: dict[str, Any], fires: bool
) -> None:
    findings = run_rule("NW-SG-007", snapshot({"aws.security-group": [sg("sg-x", [permission])]}))
    assert bool(findings) is fires


def test_whole_pack_on_one_group_is_deterministic(pack: Any) -> None:
    snap = snapshot({"aws.security-group": _groups(ADMIN_CASES)})
    first = [f.to_dict() for f in evaluate(snap, pack)]
    second = [f.to_dict() for f in evaluate(snap, pack)]
    assert first == second
