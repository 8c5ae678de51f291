"""Exposure drift on literal worlds: each kind of change that creates an internet exposure (a
rule, a route, a public IP, an IGW, a NACL entry) is critical with the new paths and the
sentence; changes that expose nothing new are left as they were."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from scanner.baseline import store
from scanner.drift.against import compute_drift
from scanner.drift.findings import drift_findings
from scanner.exposure import analyse
from scanner.exposure import drift as drift_module
from scanner.exposure.drift import exposure_drift, new_exposures
from scanner.exposure.model import Attachment, Exposure
from scanner.model import Finding
from scanner.remediate.drift_plan import revert_actions
from tests.unit.exposure import worlds as w


def snapshot(resources: dict[str, Any]) -> dict[str, Any]:
    return {
        "schema": "netwarden/snapshot/v1",
        "accounts": {w.ACCOUNT: {"regions": {w.REGION: {"resources": resources, "errors": []}}}},
        "stats": {},
    }


def public_eni(**kwargs: Any) -> dict[str, Any]:
    """An interface as DescribeNetworkInterfaces gives it: the primary address's association
    at the top too (what the baseline records)."""
    item = w.eni(**kwargs)
    first = item["PrivateIpAddresses"][0]
    item["PrivateIpAddress"] = first["PrivateIpAddress"]
    if first.get("Association"):
        item["Association"] = first["Association"]
    return item


def base(**overrides: Any) -> dict[str, Any]:
    world = w.world(enis=[public_eni()], **overrides)
    world["aws.prefix-list"] = []
    return world


def drifted(tmp_path: Path, before: dict[str, Any], after: dict[str, Any]) -> list[Finding]:
    baselines = tmp_path / "baselines"
    store.write_all(baselines, sorted(store.project_snapshot(snapshot(before)).items()))
    live = snapshot(after)
    deltas = compute_drift(live, str(baselines))
    return exposure_drift(drift_findings(deltas, revert_actions), deltas, live, live)


def critical(findings: list[Finding]) -> dict[str, Finding]:
    return {f.resource_id: f for f in findings if f.severity == "critical"}


def test_a_new_open_rule_is_critical_drift_with_its_path(tmp_path: Path) -> None:
    before = base(perms=[w.perm(ports=(443, 443))])
    after = copy.deepcopy(before)
    after["aws.security-group"][0]["IpPermissions"].append(w.perm(ports=(22, 22)))
    findings = drifted(tmp_path, before, after)
    assert list(critical(findings)) == ["sg-1"]
    sg = critical(findings)["sg-1"]
    assert sg.message.endswith(
        "This change makes i-1 (web-1) reachable from the internet on tcp/22."
    )
    assert sg.exposure is not None
    assert sg.exposure["enis"] == ["eni-1"]
    [new] = sg.exposure["new"]
    assert (new["protocol"], new["from_port"], new["to_port"]) == ("tcp", 22, 22)
    assert [s["type"] for s in sg.exposure["paths"][0]][-2:] == ["aws.security-group", "aws.eni"]


def test_a_change_that_exposes_nothing_new_is_left_alone(tmp_path: Path) -> None:
    before = base()
    after = copy.deepcopy(before)
    # Another rule for what is already open, and a description: nothing new is reachable.
    after["aws.security-group"][0]["IpPermissions"].append(w.perm(ports=(22, 22)))
    after["aws.security-group"][0]["IpPermissions"][1]["IpRanges"] = [{"CidrIp": "203.0.113.0/24"}]
    findings = drifted(tmp_path, before, after)
    assert findings and critical(findings) == {}
    assert all(f.exposure is None for f in findings)


def test_a_new_igw_route_exposes_the_subnet(tmp_path: Path) -> None:
    before = base(routes=[w.route("10.0.0.0/16", "local"), w.route("0.0.0.0/0", "nat-1")])
    after = copy.deepcopy(before)
    after["aws.route-table"][0]["Routes"][1] = w.route("0.0.0.0/0", "igw-1")
    assert list(critical(drifted(tmp_path, before, after))) == ["rtb-main"]


def test_a_new_public_ip_exposes_the_interface(tmp_path: Path) -> None:
    before = base()
    before["aws.eni"] = [public_eni(publics=[("10.0.1.5", None)])]
    after = copy.deepcopy(before)
    after["aws.eni"] = [public_eni()]
    findings = drifted(tmp_path, before, after)
    assert list(critical(findings)) == ["eni-1"]


def test_an_igw_attached_with_its_route(tmp_path: Path) -> None:
    before = base(igws=[])
    after = copy.deepcopy(before)
    after["aws.internet-gateway"] = [w.igw("igw-1")]
    # The route to igw-1 was a blackhole until the gateway exists: the gateway did it.
    assert list(critical(drifted(tmp_path, before, after))) == ["igw-1"]


def test_a_removed_nacl_deny_and_a_widened_source(tmp_path: Path) -> None:
    deny = w.entry(50, "deny", "0.0.0.0/0", ports=(22, 22), protocol="6")
    before = base(entries=[deny, *w.open_entries()])
    after = copy.deepcopy(before)
    after["aws.network-acl"][0]["Entries"] = w.open_entries()
    assert list(critical(drifted(tmp_path, before, after))) == ["acl-1"]

    office = base(perms=[w.perm(cidrs=["203.0.113.0/24"])])
    world = copy.deepcopy(office)
    world["aws.security-group"][0]["IpPermissions"] = [w.perm()]
    [sg] = [f for f in drifted(tmp_path / "2", office, world) if f.resource_id == "sg-1"]
    assert sg.severity == "critical"
    assert sg.exposure is not None
    sources = sg.exposure["new"][0]["sources"]
    assert "203.0.113.0/24" not in sources and "0.0.0.0/5" in sources


def test_two_changes_each_needed_are_both_credited(tmp_path: Path) -> None:
    deny = w.entry(50, "deny", "0.0.0.0/0", ports=(3389, 3389), protocol="6")
    before = base(entries=[deny, *w.open_entries()])
    after = copy.deepcopy(before)
    after["aws.network-acl"][0]["Entries"] = w.open_entries()
    after["aws.security-group"][0]["IpPermissions"].append(w.perm(ports=(3389, 3389)))
    marked = critical(drifted(tmp_path, before, after))
    assert sorted(marked) == ["acl-1", "sg-1"]
    assert all("on tcp/3389" in f.message for f in marked.values())


def record(protocol: str, ports: tuple[int, int], sources: tuple[str, ...]) -> Exposure:
    return Exposure(
        account="1",
        region="r",
        eni="eni-1",
        attachment=Attachment("instance", "i-1", ""),
        address="203.0.113.10",
        private_address="10.0.1.5",
        vpc="vpc-1",
        subnet="subnet-1",
        family="ipv4",
        protocol=protocol,
        from_port=ports[0],
        to_port=ports[1],
        sources=sources,
    )


def test_new_exposures_are_cut_to_the_new_ports_and_sources() -> None:
    before = [record("tcp", (80, 80), ("0.0.0.0/0",)), record("tcp", (443, 443), ("1.0.0.0/8",))]
    after = [record("tcp", (0, 65535), ("0.0.0.0/0",))]
    found = new_exposures(before, after)
    assert [(e.from_port, e.to_port, e.sources) for e in found] == [
        (0, 79, ("0.0.0.0/0",)),
        (81, 442, ("0.0.0.0/0",)),
        (443, 443, ("0.0.0.0/8", "2.0.0.0/7", "4.0.0.0/6", "8.0.0.0/5", "16.0.0.0/4",
                    "32.0.0.0/3", "64.0.0.0/2", "128.0.0.0/1")),
        (444, 65535, ("0.0.0.0/0",)),
    ]  # fmt: skip
    assert new_exposures(after, before) == []
    # A protocol "all" record before covers every protocol after; not the reverse.
    everything = [record("all", (-1, -1), ("0.0.0.0/0",))]
    assert new_exposures(everything, after) == []
    assert len(new_exposures(after, everything)) == 1


def test_with_the_scans_exposures_the_live_region_is_not_analysed_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """scan already has the live exposures (compute_exposure): the drift stage analyses each
    drifted region once (the world before), plus one counterfactual per delta, and marks
    exactly what it marks when it analyses the live region itself."""
    before = base(perms=[w.perm(ports=(443, 443))])
    after = copy.deepcopy(before)
    after["aws.security-group"][0]["IpPermissions"].append(w.perm(ports=(22, 22)))
    baselines = tmp_path / "baselines"
    store.write_all(baselines, sorted(store.project_snapshot(snapshot(before)).items()))
    live = snapshot(after)
    deltas = compute_drift(live, str(baselines))
    findings = drift_findings(deltas, revert_actions)
    calls: list[int] = []
    real = drift_module.analyse_region

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(drift_module, "analyse_region", counted)
    alone = exposure_drift(findings, deltas, live, live)
    alone_calls = len(calls)
    calls.clear()
    reused = exposure_drift(findings, deltas, live, live, analyse(live))
    assert reused == alone
    assert any(f.severity == "critical" for f in reused)
    assert (alone_calls, len(calls)) == (2 + len(deltas), 1 + len(deltas))
