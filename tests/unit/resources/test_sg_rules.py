"""A security group's rules as the projection flattens them, against the plain reading of
what ``sg_rules`` promises: one rule per (protocol, ports, source), deduplicated and sorted by
``rule_key``. ``sg_rules`` keys rules as it makes them; the reference calls ``rule_key``."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from scanner.resources.security_group import rule_key, sg_rules
from tests.unit.fuzzing import examples

OWN = "111111111111"


def reference(permissions: list[dict[str, Any]], own_account: str | None) -> list[dict[str, Any]]:
    rules = []
    for perm in permissions:
        protocol = str(perm.get("IpProtocol", "-1"))
        base: dict[str, Any] = {"protocol": protocol}
        if protocol != "-1" and perm.get("FromPort") is not None:
            base.update(from_port=int(perm["FromPort"]), to_port=int(perm["ToPort"]))
        sources = (
            [("cidr", r["CidrIp"], r) for r in perm.get("IpRanges", [])]
            + [("ipv6_cidr", r["CidrIpv6"], r) for r in perm.get("Ipv6Ranges", [])]
            + [("prefix_list", r["PrefixListId"], r) for r in perm.get("PrefixListIds", [])]
            + [("group", r["GroupId"], r) for r in perm.get("UserIdGroupPairs", [])]
        )
        for kind, value, source in sources:
            rule = {**base, kind: value}
            owner = source.get("UserId")
            if kind == "group" and owner and owner != own_account:
                rule["group_owner"] = owner
            if source.get("Description"):
                rule["description"] = source["Description"]
            rules.append(rule)
    unique = {rule_key(rule): rule for rule in rules}
    return [unique[key] for key in sorted(unique)]


small = st.sampled_from(["10.0.0.0/8", "0.0.0.0/0", "::/0", "pl-1", "sg-1", "sg-2", ""])
described = st.fixed_dictionaries({}, optional={"Description": st.sampled_from(["", "web", "db"])})
permission = st.fixed_dictionaries(
    {"IpProtocol": st.sampled_from(["tcp", "udp", "-1", "icmp", "6", -1])},
    optional={
        "FromPort": st.one_of(st.none(), st.integers(-1, 3)),
        "IpRanges": st.lists(st.builds(lambda c, d: {"CidrIp": c, **d}, small, described)),
        "Ipv6Ranges": st.lists(st.builds(lambda c, d: {"CidrIpv6": c, **d}, small, described)),
        "PrefixListIds": st.lists(
            st.builds(lambda c, d: {"PrefixListId": c, **d}, small, described)
        ),
        "UserIdGroupPairs": st.lists(
            st.builds(
                lambda g, u, d: {"GroupId": g, **u, **d},
                small,
                st.fixed_dictionaries({}, optional={"UserId": st.sampled_from([OWN, "2", ""])}),
                described,
            )
        ),
    },
).map(lambda p: {**p, "ToPort": p["FromPort"] + 1} if p.get("FromPort") is not None else p)


@examples(50, 5000)
@given(st.lists(permission, max_size=4), st.sampled_from([OWN, None]))
def test_rules_are_the_plain_reading(permissions: list[dict[str, Any]], own: str | None) -> None:
    assert sg_rules(permissions, own) == reference(permissions, own)
    assert [list(r) for r in sg_rules(permissions, own)] == [
        list(r) for r in reference(permissions, own)
    ]
