"""Custodian's quirks, pinned on literal items: each case states what Custodian does (the
expected ids or annotations, literally) and checks that both engines do exactly that."""

from __future__ import annotations

import json
from typing import Any

import pytest

from scanner.policy.copies import clone_item
from scanner.policy.evaluate import evaluate, native_plans
from scanner.policy.loader import PolicyPack
from scanner.policy.native import Block
from tests.unit.policy.native.engines import PACK, TRUSTED, compiled, custodian, native, policy_def
from tests.unit.policy.snapshots import ACCOUNT, REGION, perm, sg, snapshot


def _both(rtype: str, filters: list[Any], items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The annotated matches, asserted equal between the engines (and native, not delegated)."""
    data = {"name": "case", "resource": rtype, "filters": filters}
    assert compiled(data), data
    snap = snapshot({rtype: items})
    expected = custodian(policy_def(data), snap)
    got = native(policy_def(data), snap)
    assert got == expected
    assert got[0] == "ok", got
    return [json.loads(text) for text in got[1]]


def _ids(found: list[dict[str, Any]], key: str = "GroupId") -> list[str]:
    return [f[key] for f in found]


GROUPS = [
    sg("sg-1", [perm("tcp", 22, 22, v4=("0.0.0.0/0",))], name="default"),
    sg("sg-2", [perm("-1", v4=("10.0.0.0/8",), v6=("::/0",))], name="web"),
    sg("sg-3", [], name="db"),
]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        # {type: value} alone is the short form: key "type", value "value".
        ([{"type": "value"}], []),
        # The words are checked before any op: absent matches with op ne.
        (
            [{"type": "value", "key": "Missing", "value": "absent", "op": "ne"}],
            ["sg-1", "sg-2", "sg-3"],
        ),
        # A missing value is () for in/not-in.
        (
            [{"type": "value", "key": "Missing", "value": ["a"], "op": "not-in"}],
            ["sg-1", "sg-2", "sg-3"],
        ),
        # integer: what does not parse is 0.
        (
            [{"type": "value", "key": "GroupName", "value": 0, "value_type": "integer"}],
            ["sg-1", "sg-2", "sg-3"],
        ),
        # empty: no rules at all.
        ([{"IpPermissions": "empty"}], ["sg-3"]),
        # size of a list.
        (
            [
                {
                    "type": "value",
                    "key": "IpPermissions",
                    "value": 1,
                    "value_type": "size",
                    "op": "gte",
                }
            ],
            ["sg-1", "sg-2"],
        ),
        # normalize lower-cases the item's value only.
        (
            [{"type": "value", "key": "GroupName", "value": "DEFAULT", "value_type": "normalize"}],
            [],
        ),
        (
            [{"type": "value", "key": "GroupName", "value": "default", "value_type": "normalize"}],
            ["sg-1"],
        ),
        # glob and regex (case-insensitive) only ever match strings.
        ([{"type": "value", "key": "GroupName", "value": "DE*", "op": "glob"}], []),
        ([{"type": "value", "key": "GroupName", "value": "DE", "op": "regex"}], ["sg-1"]),
        # JMESPath keys.
        ([{"type": "value", "key": "IpPermissions[0].FromPort", "value": 22}], ["sg-1"]),
        ([{"type": "value", "key": "length(IpPermissions)", "value": 0}], ["sg-3"]),
    ],
)
def test_value_filter(filters: list[Any], expected: list[str]) -> None:
    assert _ids(_both("aws.security-group", filters, GROUPS)) == expected


def test_a_number_is_not_the_string_aws_returns() -> None:
    """IpProtocol: -1 (an integer in YAML) never equals the API's "-1"."""
    assert _both("aws.security-group", [{"type": "ingress", "IpProtocol": -1}], GROUPS) == []
    found = _both("aws.security-group", [{"type": "ingress", "IpProtocol": "-1"}], GROUPS)
    assert _ids(found) == ["sg-2"]


def test_only_ports_does_not_judge_a_rule_without_ports() -> None:
    """An all-protocols rule has no FromPort: OnlyPorts says nothing about it, so with
    nothing else to judge it, it is not a match; with a Cidr, the Cidr decides."""
    assert _both("aws.security-group", [{"type": "ingress", "OnlyPorts": [80]}], GROUPS[1:2]) == []
    found = _both(
        "aws.security-group",
        [{"type": "ingress", "OnlyPorts": [80], "Cidr": {"value": "10.0.0.0/8"}}],
        GROUPS,
    )
    assert _ids(found) == ["sg-2"]


def test_evidence_is_each_matched_source_expanded_in_custodian_key_order() -> None:
    group = sg("sg-9", [perm("tcp", 22, 22, v4=("0.0.0.0/0", "10.0.0.0/8"), v6=("::/0",))])
    [found] = _both("aws.security-group", [{"type": "ingress", "Ports": [22]}], [group])
    assert found["MatchedIpPermissions"] == [
        {
            "IpProtocol": "tcp",
            "FromPort": 22,
            "ToPort": 22,
            "IpRanges": [{"CidrIp": cidr}],
            "Ipv6Ranges": [],
            "PrefixListIds": [],
            "UserIdGroupPairs": [],
        }
        for cidr in ("0.0.0.0/0", "10.0.0.0/8")
    ] + [
        {
            "IpProtocol": "tcp",
            "FromPort": 22,
            "ToPort": 22,
            "IpRanges": [],
            "Ipv6Ranges": [{"CidrIpv6": "::/0"}],
            "PrefixListIds": [],
            "UserIdGroupPairs": [],
        }
    ]
    assert list(found["MatchedIpPermissions"][0]) == [
        "IpProtocol",
        "FromPort",
        "ToPort",
        "IpRanges",
        "Ipv6Ranges",
        "PrefixListIds",
        "UserIdGroupPairs",
    ]


def test_cidr_and_cidrv6_together_never_match_one_source() -> None:
    """Each expanded permission has one source, so requiring both an IPv4 and an IPv6 match
    (the default match-operator) matches nothing; match-operator: or matches either."""
    both = {"type": "ingress", "Cidr": {"value": "10.0.0.0/8"}, "CidrV6": {"value": "::/0"}}
    assert _both("aws.security-group", [both], GROUPS) == []
    assert _ids(_both("aws.security-group", [{**both, "match-operator": "or"}], GROUPS)) == ["sg-2"]


def test_public_cidr_ingress_judges_each_source_by_size_publicness_and_allowed_list() -> None:
    """One public /32 not allowed matches; the same address allowed, a private /32, CGNAT,
    a public range of the wrong size and a source in the wrong family do not."""
    groups = [
        sg("sg-1", [perm("tcp", 22, 22, v4=("52.94.76.10/32",))]),
        sg("sg-2", [perm("tcp", 22, 22, v4=("192.0.2.10/32",))]),
        sg("sg-3", [perm("tcp", 22, 22, v4=("10.1.2.3/32", "100.64.0.1/32"))]),
        sg("sg-4", [perm("tcp", 22, 22, v4=("52.94.0.0/16",))]),
        sg("sg-5", [perm("tcp", 22, 22, v6=("2600:1f18::10/128",))]),
        sg("sg-6", [perm("-1", v4=("198.51.100.0/24", "3.0.0.0/9"))]),
    ]
    single = {"type": "public-cidr-ingress", "Prefix4": [32, 32], "Allowed": ["192.0.2.0/24"]}
    assert _ids(_both("aws.security-group", [single], groups)) == ["sg-1"]
    with_v6 = {**single, "Prefix6": [128, 128], "Allowed": ["52.94.76.10/32"]}
    assert _ids(_both("aws.security-group", [with_v6], groups)) == ["sg-5"]
    wide = {"type": "public-cidr-ingress", "Prefix4": [1, 23], "Ports": [22, 443]}
    four, six = _both("aws.security-group", [wide], groups)
    assert (four["GroupId"], six["GroupId"]) == ("sg-4", "sg-6")
    # protocol -1: no ports to judge; 198.51.100.0/24 is documentation space, 3.0.0.0/9 public
    assert [p["IpRanges"] for p in six["MatchedIpPermissions"]] == [[{"CidrIp": "3.0.0.0/9"}]]


def test_blocks_sweep_c7n_annotations_but_not_matched_permissions() -> None:
    """An `and` that rejects a resource takes back the c7n:* annotations made inside it but
    not MatchedIpPermissions (not a c7n key): inside an `or` whose other child matches, the
    resource keeps the permissions the failed `and` matched."""
    filters = [
        {
            "or": [
                {"and": [{"type": "ingress", "Ports": [22]}, {"GroupName": "nope"}]},
                {"GroupName": "default"},
            ]
        }
    ]
    [found] = _both("aws.security-group", filters, GROUPS)
    assert found["GroupId"] == "sg-1"
    assert found["c7n:MatchedFilters"] == ["GroupName"]
    assert len(found["MatchedIpPermissions"]) == 1


def test_not_keeps_no_c7n_annotation_of_its_children() -> None:
    filters = [{"not": [{"GroupName": "db"}]}, {"GroupName": "web"}]
    [found] = _both("aws.security-group", filters, GROUPS)
    assert found["c7n:MatchedFilters"] == ["GroupName"]


@pytest.mark.parametrize(
    "filters",
    [
        [{"type": "value", "key": "c7n:MatchedFilters", "value": "present"}],
        [{"type": "ingress", "Ports": [22]}, {"MatchedIpPermissions": "present"}],
        [{"type": "value", "key": "GroupName", "value_from": {"url": "s3://b/k"}, "op": "in"}],
        [{"type": "value", "key": "CreateTime", "value": 30, "value_type": "age", "op": "gt"}],
        [{"type": "value", "key": "*", "value": "x"}],
        [{"type": "ingress", "SGReferences": {"key": "GroupName", "value": "x"}}],
        [{"type": "ingress", "Description": "a string, not a value filter"}],
        [{"type": "public-cidr-ingress", "Prefix4": [32, 32], "Allowed": ["not a cidr"]}],
    ],
)
def test_what_the_native_engine_leaves_to_custodian(filters: list[Any]) -> None:
    assert not compiled({"name": "case", "resource": "aws.security-group", "filters": filters})


def test_policy_keys_that_change_evaluation_leave_it_to_custodian() -> None:
    base = {"name": "case", "resource": "aws.security-group", "filters": [{"GroupName": "x"}]}
    assert compiled(base)
    assert not compiled({**base, "conditions": [{"type": "value", "key": "region", "value": "x"}]})
    assert not compiled({**base, "region": "us-east-1"})


@pytest.mark.parametrize(
    "malformed",
    [
        {"FromPort": "22"},  # a string port
        {"UserIdGroupPairs": [{"UserId": ACCOUNT}]},  # a group pair without its group
        {"IpRanges": [{"CidrIp": 10}]},
        {"IpRanges": {"CidrIp": "0.0.0.0/0"}},  # an object where a list belongs
    ],
)
def test_items_aws_never_returns_are_evaluated_by_custodian(malformed: dict[str, Any]) -> None:
    """The native engine hands a block back to Custodian when an item is not shaped as the
    API returns it; the findings are then Custodian's, whatever Custodian makes of it."""
    bad = sg("sg-bad", [{**perm("tcp", 22, 22, v4=("0.0.0.0/0",)), **malformed}])
    snap = snapshot({"aws.security-group": [bad, *GROUPS]})
    policy = PACK.by_id("NW-SG-001")
    plans = native_plans(PolicyPack("x", (policy,), "x"), TRUSTED, "native")
    assert plans is not None
    items = snap["accounts"][ACCOUNT]["regions"][REGION]["resources"]["aws.security-group"]
    assert plans.run(policy.name, Block(snap, ACCOUNT, REGION), items, clone_item) is None
    one = PolicyPack("x", (policy,), "x")

    def outcome(engine: str) -> Any:
        try:
            return [f.to_dict() for f in evaluate(snap, one, engine=engine)]
        except Exception as exc:  # Custodian may raise on such an item; then both must
            return type(exc).__name__

    assert outcome("native") == outcome("custodian")


@pytest.mark.parametrize(
    "filters",
    [
        [{"Status": "in-use"}, {"type": "internet-exposed"}],
        [{"and": [{"type": "internet-exposed"}]}],
        [{"not": [{"type": "internet-exposed", "ports": [22]}]}],
    ],
)
def test_internet_exposed_is_native_only_as_the_first_filter(filters: list[Any]) -> None:
    """It decides over the set it is given: anywhere else that set is not the block's."""
    assert not compiled({"name": "case", "resource": "aws.eni", "filters": filters})
    first = {"name": "case", "resource": "aws.eni", "filters": [filters[-1], filters[0]]}
    assert compiled(first) == ("type" in filters[-1])


def test_internet_exposed_annotates_as_the_filter_does() -> None:
    from tests.unit.exposure import worlds as w

    world = w.world(perms=[w.perm(ports=(20, 25)), w.perm("50", None)])
    world["aws.eni"].append(w.eni("eni-2", publics=[("10.0.1.6", None)]))
    found = _both("aws.eni", [{"type": "internet-exposed", "ports": [22]}], [])
    assert found == []
    data = {"name": "case", "resource": "aws.eni", "filters": [{"type": "internet-exposed"}]}
    snap = snapshot(world)
    got = native(policy_def(data), snap)
    assert got == custodian(policy_def(data), snap)
    [eni] = [json.loads(text) for text in got[1]]
    assert eni["NetworkInterfaceId"] == "eni-1"
    assert [a["Protocol"] for a in eni["c7n:internet-exposures"]] == ["tcp", "50"]
    assert len(eni["c7n:internet-exposure-rules"]) == 2
