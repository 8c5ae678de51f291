"""Hypothesis strategies for policies over the natively implemented filters: ``value`` in
both forms with every operator and value type the native engine compiles, ``ingress``/
``egress``/``wide-cidr-ingress``/``public-cidr-ingress`` with every option, netwarden's
filters, nested in ``and``/``or``/``not`` blocks."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from tests.unit.policy.native.strategies import OTHER_ACCOUNT, PORTS, V4, V6, WORDS
from tests.unit.policy.snapshots import ACCOUNT

OPS = (
    "eq",
    "equal",
    "ne",
    "not-equal",
    "gt",
    "greater-than",
    "ge",
    "gte",
    "le",
    "lte",
    "lt",
    "less-than",
    "glob",
    "regex",
    "regex-case",
    "in",
    "ni",
    "not-in",
    "contains",
    "difference",
    "intersect",
    "mod",
)
VALUE_TYPES = (
    "normalize",
    "integer",
    "float",
    "size",
    "unique_size",
    "swap",
    "cidr",
    "cidr_size",
    "date",
    "version",
    "expr",
)
SCALARS = (
    "absent",
    "present",
    "not-null",
    "empty",
    *WORDS,
    "sg-0001",
    "vpc-1",
    "0.0.0.0/0",
    "10.0.0.0/8",
    "10.1.2.3",
    "::/0",
    "22",
    "tcp",
    "-1",
    "web*",
    "^d",
    "2026-01-01",
    "1.2.3",
    22,
    0,
    1,
    2,
    443,
    65535,
    True,
    False,
    None,
    1.5,
)
REGEXES = (r"(\w+)", r"^(\d+)", r"(sg-\d+)", r"-(.*)", r"(.)")

KEYS = {
    "aws.security-group": (
        "GroupName",
        "GroupId",
        "Description",
        "VpcId",
        "OwnerId",
        "IpPermissions",
        "IpPermissionsEgress",
        "IpPermissions[0].FromPort",
        "IpPermissions[].IpProtocol",
        "IpPermissions[].IpRanges[].CidrIp",
        "length(IpPermissions)",
        "tag:Name",
        "tag:Exposure",
        "Missing",
        "Tags[0].Value",
        "VpcId || GroupId",
    ),
    "aws.network-acl": ("NetworkAclId", "Entries", "Entries[0].RuleNumber", "tag:Name"),
    "aws.route-table": ("RouteTableId", "VpcId", "Routes", "Routes[].GatewayId", "Associations"),
    "aws.subnet": ("SubnetId", "VpcId", "tag:Exposure", "tag:Name", "Tags"),
    "aws.nat-gateway": ("NatGatewayId", "State", "VpcId"),
    "aws.peering-connection": (
        "VpcPeeringConnectionId",
        "RequesterVpcInfo.OwnerId",
        "AccepterVpcInfo.OwnerId",
    ),
    "aws.internet-gateway": ("InternetGatewayId", "Attachments", "Attachments[0].VpcId"),
    "aws.elastic-ip": ("AllocationId", "AssociationId", "PublicIp", "Domain", "tag:Name"),
    "aws.eni": ("NetworkInterfaceId", "SubnetId", "Status", "Groups[].GroupId", "TagSet"),
}
VPC_KEYS = ("VpcId", "CidrBlock", "tag:Exposure", "tag:Name", "Missing")


def values() -> st.SearchStrategy[Any]:
    scalar = st.sampled_from(SCALARS)
    return scalar | st.lists(scalar, max_size=3)


@st.composite
def value_filter(draw: Any, keys: tuple[str, ...]) -> dict[str, Any]:
    key = draw(st.sampled_from(keys))
    value = draw(values())
    if draw(st.integers(0, 3)) == 0:
        return {key: value}  # the short form
    data: dict[str, Any] = {"type": "value", "key": key, "value": value}
    op = draw(st.none() | st.sampled_from(OPS))
    if op is not None:
        data["op"] = op
    vtype = draw(st.none() | st.none() | st.sampled_from(VALUE_TYPES))
    if vtype is not None:
        data["value_type"] = vtype
        if vtype == "expr":
            data["value"] = draw(st.sampled_from(keys))
    if draw(st.integers(0, 6)) == 0:
        data["value_regex"] = draw(st.sampled_from(REGEXES))
    return data


def _source_filter(field_values: tuple[str, ...]) -> st.SearchStrategy[Any]:
    cidr = st.sampled_from(field_values)
    return st.one_of(
        cidr,
        cidr.map(lambda c: {"value": c}),
        st.builds(lambda c, op: {"value": c, "op": op}, cidr, st.sampled_from(["eq", "ne"])),
        st.builds(
            lambda c, op: {"value_type": "cidr", "op": op, "value": c},
            cidr,
            st.sampled_from(["in", "not-in", "eq"]),
        ),
        st.lists(cidr, min_size=1, max_size=3).map(lambda v: {"value": v, "op": "in"}),
        st.builds(
            lambda n, op: {"value_type": "cidr_size", "op": op, "value": n},
            st.sampled_from([0, 8, 16, 24, 32]),
            st.sampled_from(["lt", "gte", "eq"]),
        ),
        st.sampled_from(["absent", "present"]).map(lambda v: {"value": v}),
    )


def _port_filter() -> st.SearchStrategy[Any]:
    port = st.sampled_from(PORTS)
    return port | st.builds(
        lambda p, op: {"type": "value", "value": p, "op": op},
        port,
        st.sampled_from(["lte", "gte", "eq", "ne", "lt"]),
    )


def _protocol_filter() -> st.SearchStrategy[Any]:
    protocols = ["-1", "tcp", "udp", "icmp", "icmpv6", "6", "17", "1", "58"]
    return st.sampled_from(protocols) | st.builds(
        lambda v, op: {"type": "value", "value": v, "op": op},
        st.lists(st.sampled_from(protocols), min_size=1, max_size=4),
        st.sampled_from(["in", "not-in"]),
    )


def _list_filter() -> st.SearchStrategy[Any]:
    return st.sampled_from(["empty", "not-null", "present", "absent"]).map(
        lambda v: {"value": v}
    ) | st.builds(
        lambda n, op: {"value_type": "size", "value": n, "op": op},
        st.integers(0, 2),
        st.sampled_from(["gte", "eq", "lt"]),
    )


@st.composite
def permission_filter(draw: Any) -> dict[str, Any]:
    kind = draw(st.sampled_from(["ingress", "egress", "wide-cidr-ingress", "public-cidr-ingress"]))
    ports = st.lists(st.sampled_from([p for p in PORTS if p >= 0]), max_size=3)
    options: dict[str, st.SearchStrategy[Any]] = {
        "Ports": ports,
        "OnlyPorts": ports,
        "IpProtocol": _protocol_filter(),
        "FromPort": _port_filter(),
        "ToPort": _port_filter(),
        "Cidr": _source_filter(V4),
        "CidrV6": _source_filter(V6),
        "SelfReference": st.booleans(),
        "Description": st.builds(
            lambda v, op: {"value": v, "op": op},
            st.sampled_from([*WORDS, "absent", "present", "web*"]),
            st.sampled_from(["eq", "ne", "glob"]),
        ),
        "match-operator": st.sampled_from(["and", "or"]),
        "IpRanges": _list_filter(),
        "UserIdGroupPairs": _list_filter(),
        "PrefixListIds": _list_filter(),
    }
    if kind == "wide-cidr-ingress":
        options["WiderThan"] = st.integers(1, 32)
        options["Within"] = st.lists(
            st.sampled_from(["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "0.0.0.0/0"]),
            min_size=1,
            max_size=3,
        )
    if kind == "public-cidr-ingress":
        options["Prefix4"] = _prefix_bounds(32)
        options["Prefix6"] = _prefix_bounds(128)
        options["Allowed"] = st.lists(st.sampled_from(V4 + V6), max_size=3)
    chosen = draw(st.lists(st.sampled_from(sorted(options)), unique=True, max_size=4))
    return {"type": kind, **{name: draw(options[name]) for name in chosen}}


def _prefix_bounds(longest: int) -> st.SearchStrategy[list[int]]:
    """[shortest, longest] prefix lengths, sometimes the wrong way round (matching nothing)."""
    return st.lists(st.integers(0, longest), min_size=2, max_size=2)


def _netwarden_filters(rtype: str) -> list[st.SearchStrategy[Any]]:
    ports = st.lists(st.sampled_from([p for p in PORTS if p >= 0]), min_size=1, max_size=3)
    if rtype == "aws.network-acl":
        return [
            st.fixed_dictionaries(
                {"type": st.just("open-ingress"), "ports": ports},
                optional={
                    "cidrs": st.lists(st.sampled_from(V4 + V6), min_size=1, max_size=3),
                    "protocols": st.lists(
                        st.sampled_from(["tcp", "udp"]), min_size=1, max_size=2, unique=True
                    ),
                },
            )
        ]
    if rtype == "aws.route-table":
        return [
            st.fixed_dictionaries(
                {"type": st.just("broad-peering-route")},
                optional={
                    "min-prefix-length": st.integers(0, 32),
                    "min-prefix-length-v6": st.integers(0, 128),
                },
            )
        ]
    if rtype == "aws.subnet":
        return [st.just({"type": "internet-gateway-route"}), st.just("internet-gateway-route")]
    if rtype == "aws.security-group":
        return [permission_filter(), st.just({"type": "unreferenced"})]
    if rtype == "aws.nat-gateway":
        return [
            st.fixed_dictionaries(
                {"type": st.just("missing-alarms")},
                optional={
                    "metrics": st.lists(
                        st.sampled_from(["BytesOutToDestination", "ErrorPortAllocation", "X"]),
                        min_size=1,
                        max_size=2,
                    )
                },
            )
        ]
    if rtype == "aws.peering-connection":
        return [
            st.fixed_dictionaries(
                {"type": st.just("untrusted-peer")},
                optional={
                    "whitelist": st.lists(st.sampled_from([ACCOUNT, OTHER_ACCOUNT]), max_size=2)
                },
            )
        ]
    if rtype == "aws.internet-gateway":
        return [
            value_filter(VPC_KEYS).map(
                lambda d: (
                    {k: v for k, v in d.items() if k != "type"} | {"type": "vpc"}
                    if "key" in d
                    else {"type": "vpc", "key": next(iter(d)), "value": next(iter(d.values()))}
                )
            ),
            st.builds(
                lambda op, v: {"type": "vpc", "key": "tag:Exposure", "value": v, "operator": op},
                st.sampled_from(["and", "or"]),
                st.sampled_from(["internal", "absent", "public"]),
            ),
        ]
    return []


def internet_exposed() -> st.SearchStrategy[dict[str, Any]]:
    """``internet-exposed`` with every option (each list drawn from what the schema allows)."""
    ports = st.sampled_from([p for p in PORTS if p >= 0])
    return st.fixed_dictionaries(
        {"type": st.just("internet-exposed")},
        optional={
            "ports": st.lists(ports, min_size=1, max_size=3),
            "approved": st.lists(ports, max_size=3),
            "protocols": st.lists(
                st.sampled_from(["tcp", "udp", "icmp", "icmpv6", "all", "-1", "6", "50", "47"]),
                min_size=1,
                max_size=3,
            ),
            "families": st.lists(
                st.sampled_from(["ipv4", "ipv6"]), min_size=1, max_size=2, unique=True
            ),
        },
    )


def filter_tree(rtype: str) -> st.SearchStrategy[Any]:
    leaves = st.one_of(value_filter(KEYS[rtype]), *_netwarden_filters(rtype))
    return st.recursive(
        leaves,
        lambda children: st.one_of(
            *(
                st.lists(children, max_size=3).map(lambda fs, op=op: {op: fs})
                for op in ("and", "or", "not")
            )
        ),
        max_leaves=5,
    )


@st.composite
def policy(draw: Any, rtype: str | None = None) -> dict[str, Any]:
    rtype = rtype or draw(st.sampled_from(sorted(KEYS)))
    if rtype == "aws.eni":
        # internet-exposed decides over the whole set: natively only as the first filter.
        filters = [draw(internet_exposed()), *draw(st.lists(filter_tree(rtype), max_size=2))]
    else:
        filters = draw(st.lists(filter_tree(rtype), min_size=1, max_size=3))
    return {"name": "generated", "resource": rtype, "filters": filters}
