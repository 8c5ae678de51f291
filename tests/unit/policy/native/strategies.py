"""Hypothesis strategies: one (account, region) block of items shaped as the Describe APIs
return them, drawn from small pools so that ids, CIDRs, ports and tags collide often (where
the interesting cases are), and optionally with a type the filters read missing or failed."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from tests.unit.exposure.test_properties import regions
from tests.unit.policy.snapshots import ACCOUNT, EMPTY_TYPES, REGION

OTHER_ACCOUNT = "222222222222"
V4 = (
    "0.0.0.0/0",
    "10.0.0.0/8",
    "10.0.0.0/15",
    "10.1.0.0/16",
    "10.2.3.0/24",
    "10.0.0.1/8",  # host bits set: strict=False parsing
    "172.16.0.0/12",
    "172.16.0.0/16",
    "192.168.0.0/16",
    "192.168.1.0/24",
    "203.0.113.5/32",
    "100.64.0.0/10",
    "8.0.0.0/7",
    "52.94.76.10/32",  # public: one address, and inside the next
    "52.94.0.0/16",
)
V6 = (
    "::/0",
    "fd00::/8",
    "2001:db8::/32",
    "2001:db8::/64",
    "::1/128",
    "2600:1f18::/36",  # public, and one address inside it
    "2600:1f18::10/128",
)
PORTS = (-1, 0, 1, 20, 21, 22, 23, 80, 443, 1024, 3306, 3389, 8080, 27017, 65535)
PROTOCOLS = ("tcp", "udp", "-1", "icmp", "icmpv6", "6", "17", "1", "58", "47")
GROUP_IDS = tuple(f"sg-{i:04d}" for i in range(1, 7))
VPC_IDS = ("vpc-1", "vpc-2", "vpc-3")
SUBNET_IDS = tuple(f"subnet-{i}" for i in range(1, 7))
NAT_IDS = tuple(f"nat-{i}" for i in range(1, 4))
WORDS = ("default", "web", "db", "private", "public", "internal", "", "Default", " web ")
TAG_KEYS = ("Name", "Exposure", "Owner")


def _maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.none() | strategy


def tags() -> st.SearchStrategy[list[dict[str, str]]]:
    return st.lists(
        st.fixed_dictionaries({"Key": st.sampled_from(TAG_KEYS), "Value": st.sampled_from(WORDS)}),
        max_size=3,
    )


# The strategies a permission and an entry draw from, built once: built inside each draw,
# every example paid for constructing and validating them again (three quarters of the
# differential tests' time), for the same distribution.
_PORTS_FROM = {low: st.sampled_from([p for p in PORTS if p >= low]) for low in PORTS}
_DESCRIPTION = _maybe(st.sampled_from(WORDS))


def _source(key: str, values: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    return st.builds(
        lambda v, d: {key: v, **({"Description": d} if d is not None else {})},
        values,
        _DESCRIPTION,
    )


_SOURCES = tuple(
    (key, st.lists(strategy, max_size=2))
    for key, strategy in (
        ("IpRanges", _source("CidrIp", st.sampled_from(V4))),
        ("Ipv6Ranges", _source("CidrIpv6", st.sampled_from(V6))),
        ("PrefixListIds", _source("PrefixListId", st.sampled_from(["pl-1", "pl-2"]))),
        (
            "UserIdGroupPairs",
            st.builds(
                lambda g, u: {"GroupId": g, "UserId": u},
                st.sampled_from(GROUP_IDS),
                st.sampled_from([ACCOUNT, OTHER_ACCOUNT]),
            ),
        ),
    )
)
_SHAPES = st.sampled_from(["range", "single", "from-only", "none"])


@st.composite
def permission(draw: Any) -> dict[str, Any]:
    """One IpPermissions entry: ports as AWS gives them (none for all protocols, ICMP type and
    code, sometimes a range) and 0-2 sources of each kind."""
    protocol = draw(st.sampled_from(PROTOCOLS))
    perm: dict[str, Any] = {"IpProtocol": protocol}
    if protocol != "-1" or draw(st.booleans()):
        shape = draw(_SHAPES)
        low = draw(st.sampled_from(PORTS))
        if shape == "range":
            perm["FromPort"] = low
            perm["ToPort"] = draw(_PORTS_FROM[low])
        elif shape == "single":
            perm["FromPort"] = perm["ToPort"] = low
        elif shape == "from-only":
            perm["FromPort"] = low
    for key, sources in _SOURCES:
        if draw(st.integers(0, 3)):  # usually present (AWS returns the four lists)
            perm[key] = draw(sources)
    return perm


def security_group() -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {
            "GroupName": st.sampled_from(WORDS),
            "OwnerId": st.just(ACCOUNT),
            "VpcId": st.sampled_from(VPC_IDS),
            "Description": st.sampled_from(WORDS),
            "IpPermissions": st.lists(permission(), max_size=4),
            "IpPermissionsEgress": st.lists(permission(), max_size=2),
        },
        optional={"Tags": tags()},
    )


@st.composite
def nacl_entry(draw: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "RuleNumber": draw(st.sampled_from([1, 50, 99, 100, 101, 200, 32767])),
        "Egress": draw(st.booleans()),
        "Protocol": draw(st.sampled_from(["-1", "6", "17", "1"])),
        "RuleAction": draw(st.sampled_from(["allow", "deny"])),
    }
    if draw(st.booleans()):
        entry["CidrBlock"] = draw(st.sampled_from(V4))
    else:
        entry["Ipv6CidrBlock"] = draw(st.sampled_from(V6))
    if draw(st.booleans()):
        low = draw(st.sampled_from(PORTS[1:]))
        high = draw(_PORTS_FROM[low])
        entry["PortRange"] = {"From": low, "To": high}
    return entry


@st.composite
def route(draw: Any) -> dict[str, Any]:
    target = draw(st.sampled_from(["igw", "pcx", "local", "nat"]))
    out: dict[str, Any] = {
        "GatewayId": {"igw": "igw-1", "local": "local", "pcx": None, "nat": None}[target],
        "State": draw(st.sampled_from(["active", "blackhole"])),
    }
    if target == "pcx":
        out["VpcPeeringConnectionId"] = draw(st.sampled_from(["pcx-1", "pcx-2"]))
    if target == "nat":
        out["NatGatewayId"] = "nat-1"
    out = {k: v for k, v in out.items() if v is not None}
    if draw(st.booleans()):
        out["DestinationCidrBlock"] = draw(st.sampled_from(V4))
    else:
        out["DestinationIpv6CidrBlock"] = draw(st.sampled_from(V6))
    return out


@st.composite
def route_table(draw: Any) -> dict[str, Any]:
    associations: list[dict[str, Any]] = []
    if draw(st.booleans()):
        associations.append({"Main": True})
    for subnet in draw(st.lists(st.sampled_from(SUBNET_IDS), max_size=2)):
        associations.append({"Main": False, "SubnetId": subnet})
    return {
        "VpcId": draw(st.sampled_from(VPC_IDS)),
        "Routes": draw(st.lists(route(), max_size=4)),
        "Associations": associations,
    }


def _peer_side() -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {
            "OwnerId": st.sampled_from([ACCOUNT, OTHER_ACCOUNT, "333333333333"]),
            "VpcId": st.sampled_from(VPC_IDS),
        }
    )


def numbered(
    key: str, prefix: str, item: st.SearchStrategy[dict[str, Any]], max_size: int
) -> st.SearchStrategy[list[dict[str, Any]]]:
    """Up to ``max_size`` items whose ``key`` is ``prefix-0001``, ``prefix-0002``..."""
    return st.lists(item, max_size=max_size).map(
        lambda found: [{key: f"{prefix}-{n:04d}", **i} for n, i in enumerate(found, 1)]
    )


def pooled(
    key: str, pool: tuple[str, ...], item: st.SearchStrategy[dict[str, Any]]
) -> st.SearchStrategy[list[dict[str, Any]]]:
    """Items whose ``key`` is a distinct member of ``pool`` (which other items refer to)."""
    return st.lists(item, max_size=len(pool)).map(
        lambda found: [{key: pool[n], **i} for n, i in enumerate(found)]
    )


def alarm() -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {
            "Namespace": st.sampled_from(["AWS/NATGateway", "AWS/EC2"]),
            "MetricName": st.sampled_from(["BytesOutToDestination", "ErrorPortAllocation"]),
            "Dimensions": st.sampled_from(NAT_IDS).map(
                lambda n: [{"Name": "NatGatewayId", "Value": n}]
            ),
        }
    )


def _attachments() -> st.SearchStrategy[list[dict[str, Any]]]:
    return st.lists(
        st.sampled_from(VPC_IDS).map(lambda v: {"VpcId": v, "State": "available"}), max_size=2
    )


BUILDERS: dict[str, st.SearchStrategy[list[dict[str, Any]]]] = {
    "aws.security-group": pooled("GroupId", GROUP_IDS, security_group()),
    "aws.network-acl": numbered(
        "NetworkAclId",
        "acl",
        st.fixed_dictionaries(
            {"Entries": st.lists(nacl_entry(), max_size=6)},
            optional={
                "IsDefault": st.booleans(),
                "Associations": st.lists(
                    st.sampled_from(SUBNET_IDS).map(lambda s: {"SubnetId": s}), max_size=2
                ),
            },
        ),
        4,
    ),
    "aws.route-table": numbered("RouteTableId", "rtb", route_table(), 4),
    "aws.subnet": pooled(
        "SubnetId",
        SUBNET_IDS,
        st.fixed_dictionaries(
            {"VpcId": st.sampled_from(VPC_IDS)},
            optional={"Tags": tags(), "MapPublicIpOnLaunch": st.booleans()},
        ),
    ),
    "aws.transit-gateway": numbered(
        "TransitGatewayId",
        "tgw",
        st.fixed_dictionaries(
            {"State": st.sampled_from(["available", "pending", "deleting", "deleted"])},
            optional={
                "Options": st.fixed_dictionaries(
                    {},
                    optional={
                        "AutoAcceptSharedAttachments": st.sampled_from(["enable", "disable"])
                    },
                )
            },
        ),
        3,
    ),
    "aws.vpn-connection": numbered(
        "VpnConnectionId",
        "vpn",
        st.fixed_dictionaries(
            {"State": st.sampled_from(["available", "pending", "deleted"])},
            optional={
                "VgwTelemetry": st.lists(
                    st.fixed_dictionaries(
                        {
                            "Status": st.sampled_from(["UP", "DOWN"]),
                            "OutsideIpAddress": st.sampled_from(["203.0.113.1", "203.0.113.2"]),
                        }
                    ),
                    max_size=2,
                )
            },
        ),
        3,
    ),
    "aws.eni": numbered(
        "NetworkInterfaceId",
        "eni",
        st.fixed_dictionaries(
            {
                "Groups": st.lists(
                    st.sampled_from(GROUP_IDS).map(lambda g: {"GroupId": g, "GroupName": g}),
                    max_size=2,
                )
            }
        ),
        4,
    ),
    "aws.nat-gateway": pooled(
        "NatGatewayId",
        NAT_IDS,
        st.fixed_dictionaries(
            {
                "State": st.sampled_from(["available", "pending", "deleted"]),
                "VpcId": st.sampled_from(VPC_IDS),
            }
        ),
    ),
    "aws.alarm": numbered("AlarmName", "alarm", alarm(), 4),
    "aws.peering-connection": numbered(
        "VpcPeeringConnectionId",
        "pcx",
        st.fixed_dictionaries({"RequesterVpcInfo": _peer_side(), "AccepterVpcInfo": _peer_side()}),
        3,
    ),
    "aws.internet-gateway": numbered(
        "InternetGatewayId", "igw", st.fixed_dictionaries({"Attachments": _attachments()}), 3
    ),
    "aws.vpc": pooled(
        "VpcId",
        VPC_IDS,
        st.fixed_dictionaries({"CidrBlock": st.sampled_from(V4)}, optional={"Tags": tags()}),
    ),
    "aws.elastic-ip": numbered(
        "AllocationId",
        "eipalloc",
        st.fixed_dictionaries(
            {"PublicIp": st.just("198.51.100.7"), "Domain": st.just("vpc")},
            optional={"AssociationId": st.just("eipassoc-1"), "Tags": tags()},
        ),
        3,
    ),
}
# What a policy on each type reads: its items, and the types its filters ask for.
NEEDS = {
    "aws.security-group": ("aws.security-group", "aws.eni"),
    "aws.network-acl": ("aws.network-acl",),
    "aws.route-table": ("aws.route-table",),
    "aws.subnet": ("aws.subnet", "aws.route-table"),
    "aws.nat-gateway": ("aws.nat-gateway", "aws.alarm"),
    "aws.peering-connection": ("aws.peering-connection",),
    "aws.internet-gateway": ("aws.internet-gateway", "aws.vpc"),
    "aws.elastic-ip": ("aws.elastic-ip",),
    "aws.transit-gateway": ("aws.transit-gateway",),
    "aws.vpn-connection": ("aws.vpn-connection",),
}


# What ``internet-exposed`` reads besides the ENIs (scanner.policy.filters.exposure.WORLD).
EXPOSURE_WORLD = (
    "aws.subnet",
    "aws.route-table",
    "aws.network-acl",
    "aws.security-group",
    "aws.internet-gateway",
    "aws.nat-gateway",
    "aws.prefix-list",
)


@st.composite
def exposure_region(draw: Any) -> dict[str, list[dict[str, Any]]]:
    """A region the exposure engine finds paths through (the exposure tests' generated
    worlds: public and private addresses, IGW routes and their carvings, NACLs, groups,
    prefix lists, block public access), with NAT gateways, and sometimes a prefix list
    whose entries were not collected (the filter then asks GetManagedPrefixListEntries)."""
    resources = draw(regions())
    resources["aws.nat-gateway"] = draw(BUILDERS["aws.nat-gateway"])
    for plist in resources["aws.prefix-list"]:
        if draw(st.integers(0, 3)) == 0:
            del plist["Entries"]
    return resources


@st.composite
def block(draw: Any, rtype: str | None = None, gaps: bool = True) -> dict[str, Any]:
    """A snapshot of one (account, region): the types a policy on ``rtype`` reads drawn (every
    type without ``rtype``), the others empty; with ``gaps``, sometimes one of the types its
    filters ask for is absent from the snapshot, or recorded as failed. ENIs come in a world
    the exposure engine finds paths through (``internet-exposed``)."""
    if rtype == "aws.eni":
        resources = draw(exposure_region())
        wanted: tuple[str, ...] = ("aws.eni", *EXPOSURE_WORLD)
    else:
        wanted = NEEDS[rtype] if rtype else tuple(BUILDERS)
        resources = {t: draw(BUILDERS[t]) for t in wanted}
    errors = []
    context = [t for t in wanted if t != rtype] if rtype else list(wanted)
    if gaps and context and draw(st.integers(0, 5)) == 0:
        gone = draw(st.sampled_from(context))
        del resources[gone]
        if draw(st.booleans()):
            errors.append({"type": gone, "code": "AccessDenied", "message": "denied"})
    everything = {*EMPTY_TYPES, *BUILDERS, *resources}
    region = {
        "resources": {
            t: resources.get(t, []) for t in sorted(everything) if t in resources or t not in wanted
        },
        "errors": errors,
    }
    return {
        "schema": "netwarden/snapshot/v1",
        "accounts": {ACCOUNT: {"regions": {REGION: region}}},
        "stats": {},
    }
