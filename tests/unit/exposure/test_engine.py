"""The exposure engine on literal worlds: every case of issue 13's list, with the exact
sources, ports, path and, where the path is cut, where."""

from __future__ import annotations

from typing import Any

from scanner.exposure import ExposureReport, analyse, analyse_region
from scanner.exposure.model import Exposure, Step
from tests.unit.exposure import worlds as w

INTERNET_V4 = [
    "0.0.0.0/5",
    "8.0.0.0/7",
    "11.0.0.0/8",
    "12.0.0.0/6",
    "16.0.0.0/4",
    "32.0.0.0/3",
    "64.0.0.0/3",
    "96.0.0.0/6",
    "100.0.0.0/10",
    "100.128.0.0/9",
    "101.0.0.0/8",
    "102.0.0.0/7",
    "104.0.0.0/5",
    "112.0.0.0/4",
    "128.0.0.0/3",
    "160.0.0.0/5",
    "168.0.0.0/6",
    "172.0.0.0/12",
    "172.32.0.0/11",
    "172.64.0.0/10",
    "172.128.0.0/9",
    "173.0.0.0/8",
    "174.0.0.0/7",
    "176.0.0.0/4",
    "192.0.0.0/9",
    "192.128.0.0/11",
    "192.160.0.0/13",
    "192.169.0.0/16",
    "192.170.0.0/15",
    "192.172.0.0/14",
    "192.176.0.0/12",
    "192.192.0.0/10",
    "193.0.0.0/8",
    "194.0.0.0/7",
    "196.0.0.0/6",
    "200.0.0.0/5",
    "208.0.0.0/4",
    "224.0.0.0/3",
]
INTERNET_V6 = ["::/1", "8000::/2", "c000::/3", "e000::/4", "f000::/5", "f800::/6", "fe00::/7"]


def run(resources: dict[str, Any]) -> ExposureReport:
    return analyse_region(resources, w.ACCOUNT, w.REGION)


def only(report: ExposureReport) -> Exposure:
    assert len(report.exposures) == 1, report.exposures
    return report.exposures[0]


def blocked_by(report: ExposureReport) -> list[tuple[str, str, str]]:
    return [(b.blocked_by.type, b.blocked_by.id, b.blocked_by.detail) for b in report.blocked]


def test_the_base_world_is_exposed_on_tcp_22_with_the_whole_path() -> None:
    exposure = only(run(w.world()))
    assert exposure.to_dict() == {
        "account": w.ACCOUNT,
        "region": w.REGION,
        "eni": "eni-1",
        "attachment": {"type": "instance", "id": "i-1", "name": "web-1"},
        "address": "203.0.113.10",
        "private_address": "10.0.1.5",
        "vpc": "vpc-1",
        "subnet": "subnet-1",
        "family": "ipv4",
        "protocol": "tcp",
        "from_port": 22,
        "to_port": 22,
        "sources": INTERNET_V4,
        "path": [
            {"type": "aws.internet-gateway", "id": "igw-1", "detail": "attached to vpc-1"},
            {
                "type": "aws.route-table",
                "id": "rtb-main",
                "detail": "0.0.0.0/0 -> igw-1 (main table)",
            },
            {
                "type": "aws.network-acl",
                "id": "acl-1",
                "detail": "inbound rule 100 allows all traffic from 0.0.0.0/0",
            },
            {
                "type": "aws.network-acl",
                "id": "acl-1",
                "detail": "outbound rule 100 allows all traffic to 0.0.0.0/0 "
                "(the replies, to client ports 1024-65535)",
            },
            {"type": "aws.security-group", "id": "sg-1", "detail": "ingress tcp 22 from 0.0.0.0/0"},
            {"type": "aws.eni", "id": "eni-1", "detail": "203.0.113.10 -> 10.0.1.5 (public IP)"},
        ],
    }
    assert Exposure.from_dict(exposure.to_dict()) == exposure
    assert run(w.world()).blocked == ()


def test_sg_open_but_no_igw_route() -> None:
    report = run(w.world(routes=[w.route("10.0.0.0/16", "local")]))
    assert report.exposures == ()
    assert blocked_by(report) == [
        ("aws.route-table", "rtb-main", "no route for 0.0.0.0/0: no route to an internet gateway")
    ]


def test_public_ip_behind_a_default_route_to_a_nat_gateway() -> None:
    routes = [w.route("10.0.0.0/16", "local"), w.route("0.0.0.0/0", "nat-1")]
    report = run(w.world(routes=routes))
    assert report.exposures == ()
    assert blocked_by(report) == [
        (
            "aws.route-table",
            "rtb-main",
            "0.0.0.0/0 -> nat-1, not an internet gateway: no route to an internet gateway",
        )
    ]


def test_a_more_specific_tgw_route_carves_out_a_slash_24() -> None:
    routes = [
        w.route("10.0.0.0/16", "local"),
        w.route("0.0.0.0/0", "igw-1"),
        w.route("198.51.100.0/24", "tgw-1"),
    ]
    exposure = only(run(w.world(routes=routes, perms=[w.perm(cidrs=["198.51.0.0/16"])])))
    assert "198.51.100.0/24" not in exposure.sources
    assert exposure.sources == (
        "198.51.0.0/18",
        "198.51.64.0/19",
        "198.51.96.0/22",
        "198.51.101.0/24",
        "198.51.102.0/23",
        "198.51.104.0/21",
        "198.51.112.0/20",
        "198.51.128.0/17",
    )


def test_an_igw_route_for_one_range_only() -> None:
    routes = [w.route("10.0.0.0/16", "local"), w.route("203.0.113.0/24", "igw-1")]
    exposure = only(run(w.world(routes=routes)))
    assert exposure.sources == ("203.0.113.0/24",)
    assert exposure.path[1] == Step(
        "aws.route-table", "rtb-main", "203.0.113.0/24 -> igw-1 (main table)"
    )


def test_main_table_fallback_uses_the_subnets_own_vpc() -> None:
    resources = w.world(routes=[w.route("10.0.0.0/16", "local")])
    # A second VPC whose main table does route to an IGW, listed first: it must not be used.
    resources["aws.route-table"].insert(
        0,
        w.route_table("rtb-other", [w.route("0.0.0.0/0", "igw-2")], vpc_id="vpc-2", main=True),
    )
    resources["aws.internet-gateway"].append(w.igw("igw-2", "vpc-2"))
    assert run(resources).exposures == ()
    # An explicit association beats the main table.
    resources["aws.route-table"].append(
        w.route_table("rtb-public", [w.route("0.0.0.0/0", "igw-1")], subnets=["subnet-1"])
    )
    exposure = only(run(resources))
    assert exposure.path[1].id == "rtb-public"
    assert exposure.path[1].detail == "0.0.0.0/0 -> igw-1 (explicit association)"


def test_nacl_deny_before_allow_blocks() -> None:
    entries = [
        w.entry(90, "deny", "0.0.0.0/0", protocol="6", ports=(22, 22)),
        w.entry(100, "allow", "0.0.0.0/0"),
        w.entry(100, "allow", "0.0.0.0/0", egress=True),
    ]
    report = run(w.world(entries=entries))
    assert report.exposures == ()
    assert blocked_by(report) == [
        ("aws.network-acl", "acl-1", "inbound rule 90 denies tcp 22 from 0.0.0.0/0")
    ]


def test_nacl_allow_before_deny_admits() -> None:
    entries = [
        w.entry(90, "allow", "0.0.0.0/0", protocol="6", ports=(22, 22)),
        w.entry(100, "deny", "0.0.0.0/0", protocol="6", ports=(22, 22)),
        w.entry(100, "allow", "0.0.0.0/0", egress=True),
    ]
    exposure = only(run(w.world(entries=entries)))
    assert exposure.path[2].detail == "inbound rule 90 allows tcp 22 from 0.0.0.0/0"


def test_nacl_deny_of_one_range_before_allow_carves_the_sources() -> None:
    entries = [
        w.entry(50, "deny", "0.0.0.0/1", protocol="6", ports=(0, 1000)),
        w.entry(100, "allow", "0.0.0.0/0"),
        w.entry(100, "allow", "0.0.0.0/0", egress=True),
    ]
    exposure = only(run(w.world(entries=entries)))
    assert exposure.sources == ("128.0.0.0/3", "160.0.0.0/5", "168.0.0.0/6", *INTERNET_V4[17:])


def test_nacl_outbound_allowing_only_the_windows_ephemeral_range() -> None:
    entries = [
        w.entry(100, "allow", "0.0.0.0/0", protocol="6", ports=(22, 22)),
        w.entry(100, "allow", "0.0.0.0/0", egress=True, protocol="6", ports=(49152, 65535)),
    ]
    exposure = only(run(w.world(entries=entries)))
    assert exposure.path[3].detail == (
        "outbound rule 100 allows tcp 49152-65535 to 0.0.0.0/0 "
        "(the replies, to client ports 49152-65535)"
    )
    # Replies only to port 80 (no client port): the path is cut on the way back.
    entries[1] = w.entry(100, "allow", "0.0.0.0/0", egress=True, protocol="6", ports=(80, 80))
    report = run(w.world(entries=entries))
    assert report.exposures == ()
    assert blocked_by(report) == [
        (
            "aws.network-acl",
            "acl-1",
            "replies blocked: no outbound entry allows tcp 22 (implicit deny)",
        )
    ]


def test_an_outbound_deny_blocks_replies_and_is_named() -> None:
    entries = [
        w.entry(100, "allow", "0.0.0.0/0"),
        w.entry(10, "deny", "0.0.0.0/0", egress=True, protocol="6", ports=(0, 65535)),
        w.entry(100, "allow", "0.0.0.0/0", egress=True),
    ]
    report = run(w.world(entries=entries))
    assert report.exposures == ()
    assert blocked_by(report) == [
        (
            "aws.network-acl",
            "acl-1",
            "replies blocked: outbound rule 10 denies tcp 0-65535 to 0.0.0.0/0",
        )
    ]


def test_protocol_all_on_an_open_path_is_one_all_record() -> None:
    exposure = only(run(w.world(perms=[w.perm("-1", None)])))
    assert (exposure.protocol, exposure.from_port, exposure.to_port) == ("all", -1, -1)
    assert exposure.path[4].detail == "ingress all traffic from 0.0.0.0/0"


def test_protocol_all_split_by_a_nacl_that_allows_only_tcp() -> None:
    entries = [
        w.entry(100, "allow", "0.0.0.0/0", protocol="6", ports=(0, 65535)),
        w.entry(100, "allow", "0.0.0.0/0", egress=True),
    ]
    exposure = only(run(w.world(entries=entries, perms=[w.perm("-1", None)])))
    assert (exposure.protocol, exposure.from_port, exposure.to_port) == ("tcp", 0, 65535)


def test_protocol_50_is_esp_alone() -> None:
    report = run(w.world(perms=[w.perm("50", None)]))
    assert [(e.protocol, e.from_port, e.to_port) for e in report.exposures] == [("50", -1, -1)]
    # A NACL that allows only GRE (47) lets no ESP in.
    entries = [
        w.entry(100, "allow", "0.0.0.0/0", protocol="47"),
        w.entry(100, "allow", "0.0.0.0/0", egress=True),
    ]
    report = run(w.world(entries=entries, perms=[w.perm("50", None)]))
    assert report.exposures == ()
    assert blocked_by(report) == [
        ("aws.network-acl", "acl-1", "no inbound entry allows 50 (implicit deny)")
    ]


def test_protocol_all_with_a_nacl_deny_of_tcp_22_splits_by_protocol_and_port() -> None:
    entries = [
        w.entry(50, "deny", "0.0.0.0/0", protocol="6", ports=(22, 22)),
        w.entry(100, "allow", "0.0.0.0/0"),
        w.entry(100, "allow", "0.0.0.0/0", egress=True),
    ]
    report = run(w.world(entries=entries, perms=[w.perm("-1", None)]))
    assert [(e.protocol, e.from_port, e.to_port) for e in report.exposures] == [
        ("tcp", 0, 21),
        ("tcp", 23, 65535),
        ("udp", 0, 65535),
        ("icmp", -1, -1),
        ("all", -1, -1),
    ]
    everything_else = report.exposures[-1]
    assert everything_else.except_protocols == ("tcp", "udp", "icmp")
    assert everything_else.covers_protocol("47") and not everything_else.covers_protocol("tcp")


def v6_world(**kwargs: Any) -> dict[str, Any]:
    routes = kwargs.pop(
        "routes",
        [w.route("10.0.0.0/16", "local"), w.route("0.0.0.0/0", "igw-1"), w.route("::/0", "igw-1")],
    )
    perms = kwargs.pop("perms", [w.perm(cidrs=["0.0.0.0/0"], v6=["::/0"])])
    enis = [w.eni(v6=["2001:db8::5"])]
    return w.world(routes=routes, perms=perms, enis=enis, **kwargs)


def test_an_ipv6_eni_is_exposed_on_both_families() -> None:
    report = run(v6_world())
    assert [(e.family, e.address) for e in report.exposures] == [
        ("ipv4", "203.0.113.10"),
        ("ipv6", "2001:db8::5"),
    ]
    assert list(report.exposures[1].sources) == INTERNET_V6


def test_an_ipv4_only_custom_nacl_on_an_ipv6_eni() -> None:
    report = run(v6_world(entries=w.open_entries(v6=False)))
    assert [e.family for e in report.exposures] == ["ipv4"]
    assert blocked_by(report) == [
        ("aws.network-acl", "acl-1", "no inbound entry allows tcp 22 (implicit deny)")
    ]
    assert report.blocked[0].family == "ipv6"


def test_ipv6_through_an_egress_only_igw_is_not_exposed() -> None:
    routes = [w.route("0.0.0.0/0", "nat-1"), w.route("::/0", "eigw-1")]
    report = run(v6_world(routes=routes))
    assert report.exposures == ()
    assert [(b.family, b.blocked_by.detail) for b in report.blocked] == [
        ("ipv4", "0.0.0.0/0 -> nat-1, not an internet gateway: no route to an internet gateway"),
        ("ipv6", "::/0 -> eigw-1, not an internet gateway: no route to an internet gateway"),
    ]


def test_an_sg_open_to_0_0_0_0_only_gives_no_ipv6_exposure() -> None:
    report = run(v6_world(perms=[w.perm()]))
    assert [e.family for e in report.exposures] == ["ipv4"]
    assert report.blocked == ()


def test_prefix_list_rules_and_routes() -> None:
    routes = [w.route("10.0.0.0/16", "local"), w.route("pl-partners", "igw-1")]
    perms = [w.perm(cidrs=[], prefix_lists=["pl-partners"])]
    extra = {
        "aws.prefix-list": [w.prefix_list("pl-partners", ["198.51.100.0/24", "203.0.113.0/25"])]
    }
    exposure = only(run(w.world(routes=routes, perms=perms, extra=extra)))
    assert exposure.sources == ("198.51.100.0/24", "203.0.113.0/25")
    assert exposure.path[1].detail == "pl-partners -> igw-1 (main table)"
    assert exposure.path[4].detail == "ingress tcp 22 from pl-partners"
    # A more specific CIDR route to a TGW carves the prefix list's route.
    routes.append(w.route("203.0.113.0/26", "tgw-1"))
    exposure = only(run(w.world(routes=routes, perms=perms, extra=extra)))
    assert exposure.sources == ("198.51.100.0/24", "203.0.113.64/26")


def test_a_security_group_reference_is_never_internet_exposure() -> None:
    report = run(w.world(perms=[w.perm(cidrs=[], groups=["sg-2"])]))
    assert report.exposures == ()
    assert report.blocked == ()


def test_two_groups_whose_union_opens_the_port() -> None:
    resources = w.world(
        perms=[w.perm(ports=(20, 22), cidrs=["198.51.100.0/24"])],
        enis=[w.eni(groups=["sg-1", "sg-2"])],
    )
    resources["aws.security-group"].append(
        w.group("sg-2", [w.perm(ports=(22, 30), cidrs=["203.0.113.0/24"])])
    )
    report = run(resources)
    assert [(e.from_port, e.to_port, e.sources) for e in report.exposures] == [
        (20, 21, ("198.51.100.0/24",)),
        (22, 22, ("198.51.100.0/24", "203.0.113.0/24")),
        (23, 30, ("203.0.113.0/24",)),
    ]
    assert [s.id for s in report.exposures[1].path if s.type == "aws.security-group"] == [
        "sg-1",
        "sg-2",
    ]


def test_rfc1918_and_shared_address_sources_never_come_from_the_internet() -> None:
    report = run(w.world(perms=[w.perm(cidrs=["10.0.0.0/8", "100.64.0.0/10"])]))
    assert report.exposures == ()
    # 100.64.0.0/9 straddles 100.64.0.0/10: only the upper half is internet.
    exposure = only(run(w.world(perms=[w.perm(cidrs=["100.0.0.0/9"])])))
    assert exposure.sources == ("100.0.0.0/10",)


def test_an_eip_on_a_secondary_ip() -> None:
    enis = [w.eni(publics=[("10.0.1.5", None), ("10.0.1.6", "198.51.100.7")])]
    exposure = only(run(w.world(enis=enis)))
    assert (exposure.address, exposure.private_address) == ("198.51.100.7", "10.0.1.6")


def test_no_public_address_blocks_at_the_eni() -> None:
    report = run(w.world(enis=[w.eni(publics=[("10.0.1.5", None)])]))
    assert report.exposures == ()
    assert blocked_by(report) == [("aws.eni", "eni-1", "no public IPv4 address")]


def test_a_detached_eni() -> None:
    report = run(w.world(enis=[w.eni(status="available")]))
    assert report.exposures == ()
    assert blocked_by(report) == [("aws.eni", "eni-1", "not attached to anything")]


def test_a_blackhole_route() -> None:
    routes = [w.route("10.0.0.0/16", "local"), w.route("0.0.0.0/0", "igw-1", state="blackhole")]
    report = run(w.world(routes=routes))
    assert report.exposures == ()
    assert blocked_by(report) == [
        (
            "aws.route-table",
            "rtb-main",
            "0.0.0.0/0 -> a blackhole (igw-1): no route to an internet gateway",
        )
    ]


def test_a_detached_igw() -> None:
    report = run(w.world(igws=[w.igw("igw-1", None)]))
    assert report.exposures == ()
    assert blocked_by(report) == [
        (
            "aws.route-table",
            "rtb-main",
            "0.0.0.0/0 -> igw-1, which is not attached to vpc-1: no route to an internet gateway",
        )
    ]


def test_a_subnet_without_an_acl_association_uses_the_vpc_default() -> None:
    resources = w.world()
    resources["aws.network-acl"].append(
        w.acl("acl-other", [w.entry(1, "deny", "0.0.0.0/0")], vpc_id="vpc-2", subnets=["subnet-9"])
    )
    assert only(run(resources)).path[2].id == "acl-1"


def test_attachment_kinds() -> None:
    nat = w.eni(instance=None)
    nat.update(InterfaceType="nat_gateway", Description="Interface for NAT Gateway nat-0abc")
    elb = w.eni(eni_id="eni-2", instance=None)
    elb.update(Description="ELB app/web-alb/50dc6c495c0c9188", RequesterId="amazon-elb")
    lam = w.eni(eni_id="eni-3", instance=None)
    lam.update(
        InterfaceType="lambda",
        Description="AWS Lambda VPC ENI-resize-2f8e5b2c-1d2e-4a3b-9c8d-7e6f5a4b3c2d",
    )
    rds = w.eni(eni_id="eni-4", instance=None)
    rds.update(Description="RDSNetworkInterface", RequesterId="amazon-rds")
    report = run(w.world(enis=[nat, elb, lam, rds]))
    assert [(e.eni, e.attachment.type, e.attachment.id) for e in report.exposures] == [
        ("eni-1", "nat-gateway", "nat-0abc"),
        ("eni-2", "load-balancer", "web-alb"),
        ("eni-3", "lambda", "resize"),
        ("eni-4", "rds", "eni-4"),
    ]


def test_analyse_walks_accounts_and_regions() -> None:
    snapshot = {
        "accounts": {
            w.ACCOUNT: {
                "regions": {w.REGION: {"resources": w.world()}, "us-east-1": {"resources": {}}}
            }
        }
    }
    report = analyse(snapshot)
    assert [(e.account, e.region) for e in report.exposures] == [(w.ACCOUNT, w.REGION)]
    assert ExposureReport.from_dict(report.to_dict()) == report


def test_a_top_level_association_is_the_primary_address() -> None:
    # AWS repeats it under PrivateIpAddresses[]; moto has it only at the top.
    item = w.eni(publics=[("10.0.1.5", None)])
    item.update(PrivateIpAddress="10.0.1.5", Association={"PublicIp": "198.51.100.9"})
    exposure = only(run(w.world(enis=[item])))
    assert (exposure.address, exposure.private_address) == ("198.51.100.9", "10.0.1.5")
    # Repeated per address: counted once.
    item["PrivateIpAddresses"][0]["Association"] = {"PublicIp": "198.51.100.9"}
    assert only(run(w.world(enis=[item]))).address == "198.51.100.9"
