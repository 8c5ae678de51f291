"""Traffic evidence: which flows an open rule let in, counted against literal records."""

from __future__ import annotations

import dataclasses
import ipaddress
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from scanner.flows import synth
from scanner.flows.evidence import (
    annotate,
    enis_by_group,
    label_of,
    opening_of,
    openings_of,
    traffic,
)
from scanner.flows.layout import Window
from scanner.flows.reader import FlowStore
from scanner.flows.source import list_local
from scanner.model import Attribution, Finding, Location, finding_from_dict

ACCT = "123456789012"
T0 = 1_764_633_600  # 2025-12-02T00:00:00Z
SSH = {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}


def _flow(src: str, port: int, action: str = "ACCEPT", eni: str = "eni-web", t: int = 0,
          protocol: int = 6, size: int = 100) -> dict[str, Any]:  # fmt: skip
    return {"version": 2, "account_id": ACCT, "interface_id": eni, "srcaddr": src,
            "dstaddr": "10.0.0.5", "srcport": 40000, "dstport": port, "protocol": protocol,
            "packets": 2, "bytes": size, "start": T0 + t, "end": T0 + t + 30, "action": action,
            "log_status": "OK"}  # fmt: skip


RECORDS = [
    _flow("203.0.113.9", 22, t=10),
    _flow("203.0.113.9", 22, t=20, size=500),
    _flow("198.51.100.4", 22, "REJECT", t=30),
    _flow("10.0.0.8", 22, t=40),  # private: not from the internet
    _flow("203.0.113.9", 443, t=50),  # another port
    _flow("203.0.113.9", 22, eni="eni-other", t=60),  # another interface
    _flow("203.0.113.9", 22, t=70, protocol=17),  # udp
    _flow("fd00::1", 22, t=80),  # unique local IPv6: never from the internet
    _flow("2600:1f18::9", 22, t=90),  # internet IPv6, but the rule is IPv4 only
    _flow("100.64.1.1", 22, t=100),  # shared address space (carrier NAT)
    _flow("192.0.2.200", 22, t=5000),
]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FlowStore]:
    root: Path = tmp_path_factory.mktemp("ev")
    synth.write_text(root / "flows.log.gz", RECORDS)
    with FlowStore() as opened:
        opened.load(list_local(root), Window())
        yield opened


def _finding(**changes: Any) -> Finding:
    base = Finding(
        rule_id="NW-SG-002", kind="policy", severity="high", title="t", message="m",
        account=ACCT, region="eu-west-1", resource_type="aws.security-group",
        resource_id="sg-1", arn="", evidence={"MatchedIpPermissions": [SSH]}, remediation=(),
        compliance=(), location=Location("policies/x.yml", 1),
    )  # fmt: skip
    return dataclasses.replace(base, **changes)


def test_opening_of_permissions() -> None:
    o = opening_of(SSH)
    assert o is not None and (o.protocol, o.ports) == (6, (22, 22))
    assert opening_of({**SSH, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}) is None
    assert opening_of({"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
                       "UserIdGroupPairs": [{"GroupId": "sg-2"}]}) is None  # fmt: skip
    everything = opening_of({"IpProtocol": "-1", "Ipv6Ranges": [{"CidrIpv6": "::/0"}]})
    assert everything is not None and (everything.protocol, everything.ports) == (None, None)
    assert everything.networks == (ipaddress.ip_network("::/0"),)
    public = opening_of({**SSH, "IpRanges": [{"CidrIp": "203.0.113.0/24"}]})
    assert public is not None


def test_openings_of_policy_and_drift_findings() -> None:
    assert len(openings_of(_finding())) == 1
    drift = _finding(kind="drift", rule_id="drift/modified", evidence={"changes": [
        {"field": "IpPermissions", "change": "added", "new": SSH},
        {"field": "IpPermissions", "change": "removed", "old": SSH},
        {"field": "Description", "change": "modified", "new": "x"},
    ]})  # fmt: skip
    assert len(openings_of(drift)) == 1
    assert openings_of(_finding(resource_type="aws.vpc")) == []


def test_enis_by_group() -> None:
    snapshot = {"accounts": {ACCT: {"regions": {"eu-west-1": {"resources": {"aws.eni": [
        {"NetworkInterfaceId": "eni-web", "Groups": [{"GroupId": "sg-1"}, {"GroupId": "sg-2"}]},
        {"NetworkInterfaceId": "eni-db", "Groups": [{"GroupId": "sg-2"}]},
    ]}}}}}}  # fmt: skip
    assert enis_by_group(snapshot) == {
        (ACCT, "eu-west-1", "sg-1"): ["eni-web"],
        (ACCT, "eu-west-1", "sg-2"): ["eni-web", "eni-db"],
    }


def test_traffic_counts_only_what_the_rule_let_in(store: FlowStore) -> None:
    opening = opening_of(SSH)
    assert opening is not None
    seen = traffic(store, ["eni-web"], [opening])
    assert seen == {
        "accepted": 3,
        "rejected": 1,
        "bytes": 100 + 500 + 100,
        "sources": [
            {"address": "203.0.113.9", "flows": 2},
            {"address": "192.0.2.200", "flows": 1},
            {"address": "198.51.100.4", "flows": 1},
        ],
        "distinct_sources": 3,
        "first_seen": "2025-12-02T00:00:10Z",
        "last_seen": "2025-12-02T01:23:50Z",
        "interfaces": ["eni-web"],
        "summary": "tcp/22 open to the internet: 3 accepted flows from 2 addresses, "
        "last at 01:23 on 2025-12-02; 1 rejected",
    }
    assert traffic(store, [], [opening])["accepted"] == 0


def test_traffic_for_a_narrower_rule(store: FlowStore) -> None:
    opening = opening_of({**SSH, "IpRanges": [{"CidrIp": "198.51.100.0/24"}]})
    assert opening is not None
    seen = traffic(store, ["eni-web"], [opening])
    assert (seen["accepted"], seen["rejected"], seen["distinct_sources"]) == (0, 1, 1)
    assert seen["summary"] == (
        "tcp/22 open to 198.51.100.0/24: no accepted flows in the window; 1 rejected"
    )


def test_labels_of_several_openings() -> None:
    openings = [
        opening_of({**SSH, "IpProtocol": "-1"}),
        opening_of({**SSH, "FromPort": 20, "ToPort": 21, "Ipv6Ranges": [{"CidrIpv6": "::/0"}]}),
        opening_of({"IpProtocol": "udp", "FromPort": 0, "ToPort": 65535,
                    "IpRanges": [{"CidrIp": f"198.51.100.{i}/32"} for i in range(5)]}),
    ]  # fmt: skip
    assert label_of([o for o in openings if o is not None]) == (
        "all and tcp/20-21 open to the internet; "
        "udp/any open to 198.51.100.0/32, 198.51.100.1/32, 198.51.100.2/32 (+2 more)"
    )


def test_annotate_policy_and_drift_after_the_change(store: FlowStore) -> None:
    snapshot = {"accounts": {ACCT: {"regions": {"eu-west-1": {"resources": {"aws.eni": [
        {"NetworkInterfaceId": "eni-web", "Groups": [{"GroupId": "sg-1"}]}]}}}}}}  # fmt: skip
    drift = _finding(
        kind="drift", rule_id="drift/modified",
        evidence={"changes": [{"field": "IpPermissions", "change": "added", "new": SSH}]},
        attribution=Attribution("arn:aws:iam::1:user/m", None, None, None,
                                "AuthorizeSecurityGroupIngress", "2025-12-02T00:01:00Z"),
    )  # fmt: skip
    other = _finding(resource_type="aws.vpc", evidence={})
    policy, changed, untouched = annotate([_finding(), drift, other], snapshot, store)
    assert policy.traffic is not None and policy.traffic["accepted"] == 3
    assert changed.traffic is not None
    # Only the flows that ended after the change: the 00:00:10 and 00:00:20 ones did not.
    assert (changed.traffic["accepted"], changed.traffic["rejected"]) == (1, 1)
    assert changed.traffic["after"] == "2025-12-02T00:01:00Z"
    assert changed.traffic["summary"] == (
        "after the change at 2025-12-02T00:01:00Z, tcp/22 open to the internet: "
        "1 accepted flow from 1 address, last at 01:23 on 2025-12-02; 1 rejected"
    )
    assert untouched.traffic is None
    # Traffic is observation, not identity.
    assert policy.fingerprint == _finding().fingerprint


def test_traffic_in_json_only_when_set() -> None:
    assert "traffic" not in _finding().to_dict()
    with_traffic = _finding(traffic={"accepted": 1})
    assert with_traffic.to_dict()["traffic"] == {"accepted": 1}
    assert finding_from_dict(with_traffic.to_dict()).traffic == {"accepted": 1}


def test_drift_evidence_as_the_baseline_writes_it() -> None:
    """A drift's changes name the baseline's flattened rules (field "ingress"), and a group
    added whole carries its rules in "after"."""
    rule = {"protocol": "tcp", "from_port": 22, "to_port": 22, "cidr": "0.0.0.0/0",
            "description": "temp debug"}  # fmt: skip
    private = {"protocol": "tcp", "from_port": 5432, "to_port": 5432, "cidr": "10.0.0.0/8"}
    modified = _finding(
        kind="drift", rule_id="drift/modified",
        evidence={"change": "modified", "changes": [
            {"field": "ingress", "change": "added", "element": True, "new": rule},
            {"field": "ingress", "change": "added", "element": True, "new": private},
            {"field": "ingress", "change": "modified", "element": True, "new": {**rule,
             "from_port": 80, "to_port": 80}},
            {"field": "egress", "change": "added", "element": True, "new": rule},
        ]},
    )  # fmt: skip
    (opening,) = openings_of(modified)
    assert (opening.protocol, opening.ports) == (6, (22, 22))
    added = _finding(
        kind="drift", rule_id="drift/added",
        evidence={"change": "added", "changes": [], "after": {"ingress": [rule, private]}},
    )  # fmt: skip
    assert [o.ports for o in openings_of(added)] == [(22, 22)]
    broken = _finding(kind="drift", evidence={"change": "added", "after": {"ingress": [{}]}})
    assert openings_of(broken) == []
