"""Severity follows reachability: open-rule findings on literal worlds, reachable (severity
kept, what it exposes) and cut (lowered, with where), for security groups and NACLs."""

from __future__ import annotations

from typing import Any

from scanner.exposure import analyse_region
from scanner.exposure.verdicts import LOWERED, judge
from scanner.model import Finding, finding_from_dict
from tests.unit.exposure import worlds as w
from tests.unit.signal.findings import finding

SSH_V4 = {
    "IpProtocol": "tcp",
    "FromPort": 22,
    "ToPort": 22,
    "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
    "Ipv6Ranges": [],
    "PrefixListIds": [],
    "UserIdGroupPairs": [],
}


def snapshot(resources: dict[str, Any]) -> dict[str, Any]:
    return {"accounts": {w.ACCOUNT: {"regions": {w.REGION: {"resources": resources}}}}}


def sg_finding(
    permission: dict[str, Any] | None = None, severity: str = "critical", group: str = "sg-1"
) -> Finding:
    return finding(
        "NW-SG-002",
        group,
        account=w.ACCOUNT,
        region=w.REGION,
        severity=severity,  # type: ignore[arg-type]
        evidence={"MatchedIpPermissions": [permission or SSH_V4]},
        message=f"security-group {group}: tcp 22 from 0.0.0.0/0",
    )


def nacl_finding(port: int = 22, acl: str = "acl-1") -> Finding:
    item = {
        "Cidr": "0.0.0.0/0",
        "Protocol": "tcp",
        "ProtocolNumber": "6",
        "Port": port,
        "Entry": {"RuleNumber": 100, "RuleAction": "allow", "Protocol": "-1"},
    }
    return finding(
        "NW-NACL-001",
        acl,
        account=w.ACCOUNT,
        region=w.REGION,
        resource_type="aws.network-acl",
        evidence={"c7n:nacl-open-ingress": [item]},
        message=f"network-acl {acl}: entry 100 (allow) lets tcp/{port} in from 0.0.0.0/0",
    )


def judged(resources: dict[str, Any], *findings: Finding) -> list[Finding]:
    report = analyse_region(resources, w.ACCOUNT, w.REGION)
    return judge(findings, report, snapshot(resources))


def test_a_reachable_open_rule_keeps_its_severity_and_says_what_it_exposes() -> None:
    [result] = judged(w.world(), sg_finding())
    assert result.severity == "critical"
    assert result.exposure is not None
    assert result.exposure["reachable"] is True
    assert result.exposure["enis"] == ["eni-1"]
    assert result.exposure["blocked_by"] == ""
    assert result.message.endswith(
        "Reachable from the internet: i-1 (web-1), eni-1 at 203.0.113.10 on tcp/22."
    )
    [path] = result.exposure["paths"]
    assert [s["type"] for s in path] == [
        "aws.internet-gateway",
        "aws.route-table",
        "aws.network-acl",
        "aws.network-acl",
        "aws.security-group",
        "aws.eni",
    ]


def test_an_open_rule_behind_no_igw_route_is_lowered_and_says_where() -> None:
    world = w.world(routes=[w.route("10.0.0.0/16", "local"), w.route("0.0.0.0/0", "nat-1")])
    [result] = judged(world, sg_finding())
    assert result.severity == LOWERED["critical"] == "medium"
    assert result.exposure == {
        "reachable": False,
        "enis": ["eni-1"],
        "blocked_by": "eni-1: route-table rtb-main: 0.0.0.0/0 -> nat-1, not an internet gateway: "
        "no route to an internet gateway",
    }
    assert "Not reachable from the internet (eni-1: route-table rtb-main" in result.message
    assert result.message.endswith(
        "a latent risk, not an open door; severity lowered from critical."
    )


def test_a_nacl_deny_cuts_the_rule_and_is_named() -> None:
    entries = [w.entry(50, "deny", "0.0.0.0/0", ports=(22, 22), protocol="6"), *w.open_entries()]
    [result] = judged(w.world(entries=entries), sg_finding(severity="high"))
    assert result.severity == "low"
    assert result.exposure is not None
    assert result.exposure["blocked_by"] == (
        "eni-1: network-acl acl-1: inbound rule 50 denies tcp 22 from 0.0.0.0/0"
    )


def test_no_public_address_and_no_interface() -> None:
    no_ip = w.eni(publics=[("10.0.1.5", None)])
    [cut] = judged(w.world(enis=[no_ip]), sg_finding())
    assert cut.exposure is not None
    assert cut.exposure["blocked_by"] == "eni-1: no public IPv4 address"
    [unused] = judged(w.world(enis=[]), sg_finding())
    assert unused.exposure == {
        "reachable": False,
        "enis": [],
        "blocked_by": "no network interface uses sg-1",
    }
    assert unused.severity == "medium"


def test_the_rule_must_be_the_one_that_admits() -> None:
    # sg-1 opens 443 (reachable) and 22 (denied by the NACL): the finding about 22 is cut,
    # even though the group's interface is exposed on another port.
    entries = [w.entry(50, "deny", "0.0.0.0/0", ports=(22, 22), protocol="6"), *w.open_entries()]
    perms = [w.perm(ports=(22, 22)), w.perm(ports=(443, 443))]
    [ssh] = judged(w.world(entries=entries, perms=perms), sg_finding())
    assert ssh.exposure is not None and ssh.exposure["reachable"] is False
    https = {**SSH_V4, "FromPort": 443, "ToPort": 443}
    [web] = judged(w.world(entries=entries, perms=perms), sg_finding(https, "high"))
    assert web.exposure is not None and web.exposure["reachable"] is True
    assert web.severity == "high"


def test_an_ipv6_rule_is_judged_on_ipv6_only() -> None:
    v6_ssh = {**SSH_V4, "IpRanges": [], "Ipv6Ranges": [{"CidrIpv6": "::/0"}]}
    perms = [w.perm(cidrs=["0.0.0.0/0"], v6=["::/0"])]
    # An IPv4 public address but no IPv6 one: the ::/0 rule reaches nothing.
    [result] = judged(w.world(perms=perms), sg_finding(v6_ssh))
    assert result.exposure is not None
    assert result.exposure["reachable"] is False
    assert result.exposure["blocked_by"] == "eni-1: no global IPv6 address"
    with_v6 = w.eni(v6=["2001:db8::10"])
    routes = [
        w.route("10.0.0.0/16", "local"),
        w.route("0.0.0.0/0", "igw-1"),
        w.route("::/0", "igw-1"),
    ]
    [open_door] = judged(w.world(perms=perms, enis=[with_v6], routes=routes), sg_finding(v6_ssh))
    assert open_door.exposure is not None and open_door.exposure["reachable"] is True
    assert "2001:db8::10 on tcp/22" in open_door.message


def test_nacl_findings_follow_the_interfaces_in_their_subnets() -> None:
    [reachable] = judged(w.world(), nacl_finding(22))
    assert reachable.severity == "high"
    assert reachable.exposure is not None and reachable.exposure["reachable"] is True
    # Nothing opens 3389 in the group: the ACL's entry is a latent risk.
    [latent] = judged(w.world(), nacl_finding(3389))
    assert latent.severity == "low"
    assert latent.exposure is not None
    assert latent.exposure["blocked_by"] == (
        "no interface in its subnets is exposed on tcp/3389: their addresses, routes or "
        "security groups cut the path"
    )
    no_ip = w.eni(publics=[("10.0.1.5", None)])
    [quiet] = judged(w.world(enis=[no_ip]), nacl_finding(22))
    assert quiet.exposure is not None
    assert quiet.exposure["blocked_by"] == (
        "no interface in the subnets it governs has a public address"
    )


def test_other_findings_are_left_alone_and_the_fingerprint_never_changes() -> None:
    private = {**SSH_V4, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}
    hygiene = finding("NW-SG-005", "sg-1", account=w.ACCOUNT, region=w.REGION)
    wide = sg_finding(private, "medium")
    world = w.world(routes=[w.route("10.0.0.0/16", "local")])
    original = sg_finding()
    results = judged(world, hygiene, wide, original)
    assert results[:2] == [hygiene, wide]
    assert results[2].fingerprint == original.fingerprint
    assert results[2].severity != original.severity
    again = finding_from_dict(results[2].to_dict())
    assert again.exposure == results[2].exposure
    assert again.to_dict()["exposure"]["reachable"] is False


def test_without_the_interfaces_or_routes_nothing_is_judged() -> None:
    original = sg_finding()
    for missing in ("aws.eni", "aws.route-table"):
        world = w.world(enis=[])
        del world[missing]
        assert judged(world, original) == [original]
    failed = snapshot(w.world(enis=[]))
    region = failed["accounts"][w.ACCOUNT]["regions"][w.REGION]
    region["errors"] = [{"type": "aws.eni", "code": "AccessDenied", "message": "no"}]
    report = analyse_region(region["resources"], w.ACCOUNT, w.REGION)
    assert judge([original], report, failed) == [original]
