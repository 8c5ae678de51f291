"""The engine agrees with the brute-force walker on generated worlds: for sampled sources,
protocols and ports (every CIDR and port edge of the world, plus random ones), a source is in
an exposure's sources exactly when the walker gets a packet from it through every component.

`make unit` and `make test` run fifty worlds; `make fuzz` (NETWARDEN_FUZZ=1) thousands.
"""

from __future__ import annotations

import ipaddress
import random
from collections.abc import Mapping
from typing import Any

from hypothesis import HealthCheck, event, given
from hypothesis import strategies as st

from scanner.exposure import analyse_region
from scanner.exposure.model import Exposure
from tests.unit.exposure import walker
from tests.unit.exposure import worlds as w
from tests.unit.fuzzing import FUZZ, examples

PROFILE = examples(
    25, 3000, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)

# Sources sampled per address (edges of the CIDR pools first); more under `make fuzz`.
SOURCES = 40 if FUZZ else 8
V4 = [
    "0.0.0.0/0",
    "0.0.0.0/1",
    "198.51.0.0/16",
    "198.51.100.0/24",
    "198.51.100.128/25",
    "203.0.113.0/24",
    "203.0.113.7/32",
    "100.64.0.0/10",
    "100.0.0.0/9",
    "10.0.0.0/8",
    "10.0.0.0/16",
]
V6 = ["::/0", "2001:db8::/32", "2001:db8:1::/48", "fc00::/7", "8000::/1"]
PORTS = [0, 21, 22, 23, 80, 443, 1023, 1024, 3389, 32767, 32768, 49151, 49152, 60999, 65535]
TARGETS = ["igw-1", "igw-1", "igw-2", "nat-1", "tgw-1", "pcx-1", "eigw-1"]

port_ranges = st.tuples(st.sampled_from(PORTS), st.sampled_from(PORTS)).map(
    lambda pair: (min(pair), max(pair))
)


@st.composite
def routes(draw: Any) -> list[dict[str, Any]]:
    destinations = draw(
        st.lists(st.sampled_from([*V4, *V6, "pl-1", "pl-2"]), unique=True, max_size=6)
    )
    found = [w.route("10.0.0.0/16", "local")]
    # Default routes mostly to the IGW, so that paths are often open and the carving,
    # blackholes and detached gateways below have something to cut.
    for default in ("0.0.0.0/0", "::/0"):
        if default not in destinations:
            found.append(w.route(default, draw(st.sampled_from(["igw-1"] * 4 + TARGETS))))
    for dest in destinations:
        if dest == "10.0.0.0/16":
            continue
        state = draw(st.sampled_from(["active", "active", "active", "blackhole"]))
        found.append(w.route(dest, draw(st.sampled_from(TARGETS)), state))
    return found


@st.composite
def entries(draw: Any, egress: bool) -> list[dict[str, Any]]:
    numbers = draw(st.lists(st.integers(1, 200), unique=True, max_size=4))
    found = []
    for n in numbers:
        protocol = draw(st.sampled_from(["-1", "-1", "6", "6", "17", "1", "58", "47", "50"]))
        ports = draw(port_ranges) if protocol in ("6", "17") else None
        cidr = draw(st.sampled_from([*V4, *V6]))
        item = w.entry(
            n, draw(st.sampled_from(["allow", "allow", "deny"])), cidr, egress, protocol, ports
        )
        if protocol in ("1", "58"):
            item["IcmpTypeCode"] = {"Type": draw(st.sampled_from([-1, 8])), "Code": -1}
        found.append(item)
    # Mostly an allow-all after the drawn entries, as real ACLs end.
    for cidr in ("0.0.0.0/0", "::/0"):
        if draw(st.integers(0, 4)):
            found.append(w.entry(300 + len(found), "allow", cidr, egress))
    if draw(st.booleans()):
        found.append(w.entry(32767, "deny", "0.0.0.0/0", egress))
    return found


@st.composite
def permission(draw: Any) -> dict[str, Any]:
    protocol = draw(st.sampled_from(["-1", "tcp", "tcp", "udp", "icmp", "icmpv6", "6", "47", "50"]))
    ports: tuple[int, int] | None = None
    if protocol in ("tcp", "udp", "6"):
        ports = draw(st.one_of(port_ranges, st.just((-1, -1))))
    return w.perm(
        protocol,
        ports,
        cidrs=draw(st.lists(st.sampled_from(["0.0.0.0/0", *V4]), min_size=1, max_size=2)),
        v6=draw(st.lists(st.sampled_from(["::/0", *V6]), max_size=2)),
        prefix_lists=draw(st.lists(st.sampled_from(["pl-1", "pl-2"]), max_size=1)),
        groups=draw(st.lists(st.just("sg-2"), max_size=1)),
    )


@st.composite
def interface(draw: Any, index: int) -> dict[str, Any]:
    publics = [
        (
            f"10.0.1.{10 * index + k}",
            draw(st.sampled_from([None, *[f"198.51.100.{index}{k}"] * 3])),
        )
        for k in range(draw(st.integers(1, 2)))
    ]
    v6 = draw(st.lists(st.sampled_from([f"2001:db8::{index}", "fd00::1"]), unique=True, max_size=1))
    return w.eni(
        eni_id=f"eni-{index}",
        subnet_id=draw(st.sampled_from(["subnet-1", "subnet-2"])),
        groups=draw(
            st.lists(st.sampled_from(["sg-1", "sg-2"]), unique=True, min_size=1, max_size=2)
        ),
        publics=publics,
        v6=v6,
        status=draw(st.sampled_from(["in-use", "in-use", "in-use", "available"])),
    )


EXCLUSION_STATES = [
    "create-complete",
    "create-complete",
    "create-in-progress",
    "create-failed",
    "update-in-progress",
    "update-complete",
    "update-failed",
    "delete-in-progress",
    "delete-complete",
    "disable-in-progress",
    "disable-complete",
]


@st.composite
def block_public_access(draw: Any) -> dict[str, list[dict[str, Any]]]:
    """Half the time not read or off (so paths stay open often), else a blocking mode, sometimes
    changing or with exclusions forbidden, and exclusions of either subnet or VPC."""
    mode = draw(st.sampled_from([None, "off", "block-bidirectional", "block-ingress"]))
    if mode is None:
        return {}
    options = w.bpa(
        mode,
        state=draw(st.sampled_from(["update-complete"] * 3 + ["update-in-progress"])),
        exclusions_allowed=draw(st.sampled_from(["allowed"] * 3 + ["not-allowed"])),
    )
    exclusions = [
        w.bpa_exclusion(
            f"exclusion-{n}",
            draw(st.sampled_from(["subnet-1", "subnet-1", "subnet-2", "vpc-1", "vpc-1", "vpc-2"])),
            draw(st.sampled_from(["allow-bidirectional", "allow-egress"])),
            draw(st.sampled_from(EXCLUSION_STATES)),
        )
        for n in range(draw(st.integers(0, 3)))
    ]
    return {
        "aws.vpc-block-public-access": [options],
        "aws.vpc-block-public-access-exclusion": exclusions,
    }


@st.composite
def regions(draw: Any) -> dict[str, list[dict[str, Any]]]:
    tables = [w.route_table("rtb-main", draw(routes()), main=True)]
    if draw(st.booleans()):
        tables.append(w.route_table("rtb-1", draw(routes()), subnets=["subnet-1"]))
    # A second VPC's main table that routes everything to its own IGW: never ours.
    tables.insert(
        draw(st.integers(0, len(tables))),
        w.route_table("rtb-2", [w.route("0.0.0.0/0", "igw-2")], vpc_id="vpc-2", main=True),
    )
    acl_entries = draw(entries(False)) + draw(entries(True))
    acls = [w.acl("acl-default", w.open_entries(), default=True)]
    if draw(st.booleans()):
        acls.append(w.acl("acl-1", acl_entries, subnets=["subnet-1"]))
    else:
        acls[0]["Entries"] = acl_entries
    return {
        "aws.vpc": [w.vpc(), w.vpc("vpc-2", "10.1.0.0/16")],
        "aws.subnet": [w.subnet("subnet-1"), w.subnet("subnet-2")],
        "aws.route-table": tables,
        "aws.internet-gateway": [
            w.igw("igw-1", draw(st.sampled_from(["vpc-1", "vpc-1", "vpc-1", None]))),
            w.igw("igw-2", "vpc-2"),
        ],
        "aws.network-acl": acls,
        "aws.security-group": [
            w.group("sg-1", draw(st.lists(permission(), min_size=1, max_size=4))),
            w.group("sg-2", draw(st.lists(permission(), max_size=3))),
        ],
        "aws.prefix-list": [
            w.prefix_list("pl-1", draw(st.lists(st.sampled_from([*V4, *V6]), max_size=3))),
            w.prefix_list("pl-2", draw(st.lists(st.sampled_from([*V4, *V6]), max_size=2))),
        ],
        "aws.eni": [draw(interface(i)) for i in range(1, draw(st.integers(1, 3)) + 1)],
        **draw(block_public_access()),
    }


def sample_sources(family: int, rng: random.Random, count: int) -> list[Any]:
    """Every CIDR edge of the pools (first, last and their neighbours), plus random ones."""
    pool = V4 if family == 4 else V6
    extra = ["172.16.0.0/12", "192.168.0.0/16"] if family == 4 else ["2000::/3"]
    top = 2**32 - 1 if family == 4 else 2**128 - 1
    values = set()
    for cidr in [*pool, *extra]:
        network = ipaddress.ip_network(cidr)
        first, last = int(network.network_address), int(network.broadcast_address)
        values.update(v for v in (first - 1, first, last, last + 1) if 0 <= v <= top)
    chosen = rng.sample(sorted(values), min(count, len(values)))
    chosen += [rng.randint(0, top) for _ in range(count // 4)]
    make = ipaddress.IPv4Address if family == 4 else ipaddress.IPv6Address
    return [make(v) for v in sorted(set(chosen))]


def internet_addresses(eni: Mapping[str, Any], family: int) -> list[str]:
    if family == 4:
        return [
            p["Association"]["PublicIp"]
            for p in eni["PrivateIpAddresses"]
            if p.get("Association", {}).get("PublicIp")
        ]
    return [
        a["Ipv6Address"]
        for a in eni["Ipv6Addresses"]
        if ipaddress.ip_address(a["Ipv6Address"]) in ipaddress.ip_network("2000::/3")
    ]


def engine_says(records: list[Exposure], src: Any, protocol: int, port: int) -> bool:
    name = {6: "tcp", 17: "udp", 1: "icmp", 58: "icmpv6"}.get(protocol, str(protocol))
    for record in records:
        if (
            record.covers_protocol(name)
            and record.covers_port(port)
            and any(src in ipaddress.ip_network(c) for c in record.sources)
        ):
            return True
    return False


@PROFILE
@given(regions(), st.randoms(use_true_random=False))
def test_the_engine_agrees_with_the_brute_force_walker(
    resources: dict[str, list[dict[str, Any]]], rng: random.Random
) -> None:
    report = analyse_region(resources, w.ACCOUNT, w.REGION)
    event(f"exposures: {min(len(report.exposures), 3)}")
    protocols = [6, 17, 1, 58, 47, 50, rng.randint(0, 255)]
    for eni in resources["aws.eni"]:
        for family in (4, 6):
            name = "ipv4" if family == 4 else "ipv6"
            mine = [
                e
                for e in report.exposures
                if e.eni == eni["NetworkInterfaceId"] and e.family == name
            ]
            addresses = internet_addresses(eni, family)
            assert {e.address for e in mine} <= set(addresses)
            if not addresses:
                assert mine == []
                continue
            for address in addresses:
                records = [e for e in mine if e.address == address]
                for src in sample_sources(family, rng, SOURCES):
                    for protocol in protocols:
                        ports = [0]
                        if protocol in (6, 17):
                            ports = [*rng.sample(PORTS, 4), rng.randint(0, 65535)]
                        for port in ports:
                            expected = walker.exposed(resources, eni, src, protocol, port)
                            got = engine_says(records, src, protocol, port)
                            assert got == expected, (
                                eni["NetworkInterfaceId"],
                                address,
                                str(src),
                                protocol,
                                port,
                            )


DRIFT_PROFILE = examples(
    15, 500, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)


@DRIFT_PROFILE
@given(regions(), regions(), st.data())
def test_exposure_drift_analysing_only_the_touched_interfaces_marks_what_all_would(
    before: dict[str, list[dict[str, Any]]],
    other: dict[str, list[dict[str, Any]]],
    data: st.DataObject,
) -> None:
    """The live world is the baseline's with some types taken from another generated world
    (same ids: groups, routes, NACLs, interfaces, BPA... changed): narrowing exposure drift to
    the interfaces the deltas can touch marks exactly what analysing every one does."""
    import tempfile
    from pathlib import Path

    from scanner.baseline import store
    from scanner.drift.against import compute_drift
    from scanner.drift.findings import drift_findings
    from scanner.exposure.drift import exposure_drift
    from scanner.remediate.drift_plan import revert_actions
    from tests.unit.exposure.test_drift import snapshot

    after = dict(before)
    for rtype in sorted(set(before) | set(other)):
        if data.draw(st.booleans(), label=f"take {rtype}"):
            if rtype in other:
                after[rtype] = other[rtype]
            else:
                after.pop(rtype, None)
    with tempfile.TemporaryDirectory() as directory:
        baselines = Path(directory) / "baselines"
        store.write_all(baselines, sorted(store.project_snapshot(snapshot(before)).items()))
        live = snapshot(after)
        deltas = compute_drift(live, str(baselines))
    findings = drift_findings(deltas, revert_actions)
    narrowed = exposure_drift(findings, deltas, live, live)
    event(f"marked: {sum(1 for f in narrowed if f.exposure is not None) > 0}")
    assert narrowed == exposure_drift(findings, deltas, live, live, narrow=False)
