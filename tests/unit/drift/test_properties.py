"""Property tests: diff(a, a) is empty, and applying diff(a, b) to a gives b."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from scanner.baseline.projection import project, projection_of
from scanner.drift.changes import apply_changes, diff_fields
from tests.unit.fuzzing import examples

SG_KEYED = projection_of("aws.security-group").keyed_lists
ACL_KEYED = projection_of("aws.network-acl").keyed_lists

cidrs = st.sampled_from(["0.0.0.0/0", "10.0.0.0/8", "203.0.113.0/24", "192.168.1.0/24"])
ipv6 = st.sampled_from(["::/0", "2001:db8::/32"])
ports = st.integers(min_value=0, max_value=65535)


@st.composite
def permission(draw: Any) -> dict[str, Any]:
    protocol = draw(st.sampled_from(["tcp", "udp", "-1", "icmp", "50"]))
    perm: dict[str, Any] = {"IpProtocol": protocol}
    if protocol in ("tcp", "udp"):
        low = draw(ports)
        perm.update(FromPort=low, ToPort=draw(st.integers(min_value=low, max_value=65535)))
    elif protocol == "icmp":
        perm.update(FromPort=draw(st.integers(-1, 8)), ToPort=-1)
    perm["IpRanges"] = [{"CidrIp": c} for c in draw(st.sets(cidrs, max_size=3))]
    perm["Ipv6Ranges"] = [{"CidrIpv6": c} for c in draw(st.sets(ipv6, max_size=2))]
    perm["PrefixListIds"] = [
        {"PrefixListId": p} for p in draw(st.sets(st.sampled_from(["pl-1", "pl-2"]), max_size=1))
    ]
    perm["UserIdGroupPairs"] = [
        {"GroupId": g, "UserId": "111111111111"}
        for g in draw(st.sets(st.sampled_from(["sg-a", "sg-b"]), max_size=2))
    ]
    return perm


@st.composite
def security_group(draw: Any) -> dict[str, Any]:
    return project(
        "aws.security-group",
        {
            "GroupId": "sg-1",
            "GroupName": draw(st.sampled_from(["web", "app"])),
            "VpcId": "vpc-1",
            "OwnerId": "111111111111",
            "IpPermissions": draw(st.lists(permission(), max_size=6)),
            "IpPermissionsEgress": draw(st.lists(permission(), max_size=3)),
            "Tags": [
                {"Key": k, "Value": v}
                for k, v in draw(
                    st.dictionaries(
                        st.sampled_from(["Name", "Exposure", "a.b"]),
                        st.sampled_from(["x", "internal"]),
                        max_size=3,
                    )
                ).items()
            ],
        },
    )


@st.composite
def network_acl(draw: Any) -> dict[str, Any]:
    numbers = draw(st.sets(st.integers(1, 32766), max_size=6))
    entries = []
    for number in numbers:
        low = draw(ports)
        entries.append(
            {
                "RuleNumber": number,
                "Protocol": draw(st.sampled_from(["6", "17", "-1"])),
                "RuleAction": draw(st.sampled_from(["allow", "deny"])),
                "Egress": draw(st.booleans()),
                "CidrBlock": draw(cidrs),
                "PortRange": {"From": low, "To": draw(st.integers(low, 65535))},
            }
        )
    return project(
        "aws.network-acl",
        {
            "NetworkAclId": "acl-1",
            "VpcId": "vpc-1",
            "IsDefault": False,
            "Entries": entries,
            "Associations": [],
        },
    )


@examples(15)
@given(security_group())
def test_diff_of_a_group_with_itself_is_empty(a: dict[str, Any]) -> None:
    assert diff_fields(a, a, SG_KEYED) == []


@examples(20)
@given(security_group(), security_group())
def test_applying_the_diff_of_two_groups_gives_the_second(
    a: dict[str, Any], b: dict[str, Any]
) -> None:
    assert apply_changes(a, diff_fields(a, b, SG_KEYED), SG_KEYED) == b


@examples(20)
@given(network_acl(), network_acl())
def test_applying_the_diff_of_two_acls_gives_the_second(
    a: dict[str, Any], b: dict[str, Any]
) -> None:
    assert diff_fields(a, a, ACL_KEYED) == []
    assert apply_changes(a, diff_fields(a, b, ACL_KEYED), ACL_KEYED) == b
