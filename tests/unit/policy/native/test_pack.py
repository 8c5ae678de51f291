"""Every policy of the pack: the native engine and Custodian select the same resources, with
the same annotations (hence the same evidence), on generated blocks; and the whole pack gives
the same findings through ``evaluate``."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scanner.policy.evaluate import evaluate, native_plans
from scanner.policy.loader import PolicyPack
from tests.unit.policy.native import strategies
from tests.unit.policy.native.engines import (
    DELEGATED,
    DIFFERENTIAL,
    PACK,
    TRUSTED,
    custodian,
    native,
)

# The pack's policies the native engine compiles; the others use Custodian-only filters
# (account posture, flow-logs, cross-account). A change here is a decision, not an accident.
NATIVE = {
    "default-security-group-has-rules",
    "elastic-ip-unassociated",
    "internet-gateway-on-internal-vpc",
    "internet-reachable-admin-ports",
    "internet-reachable-unapproved-port",
    "nacl-admin-ports-open-to-ipv4-internet",
    "nacl-admin-ports-open-to-ipv6-internet",
    "nat-gateway-without-alarms",
    "network-acl-unused",
    "peering-route-too-broad",
    "peering-with-untrusted-account",
    "private-subnet-routes-to-internet-gateway",
    "security-group-unused",
    "sg-admin-ports-from-wide-private-cidr",
    "sg-all-traffic-from-internet",
    "sg-high-risk-ports-open-to-internet",
    "sg-ingress-from-unlisted-public-address",
    "sg-ingress-from-wide-public-range",
    "sg-ingress-unapproved-ports",
    "sg-rdp-open-to-ipv4-internet",
    "sg-rdp-open-to-ipv6-internet",
    "sg-ssh-open-to-ipv4-internet",
    "sg-ssh-open-to-ipv6-internet",
    "subnet-auto-assigns-public-ipv4",
    "transit-gateway-auto-accepts-attachments",
    "vpn-tunnel-down",
}


def test_the_pack_policies_the_native_engine_compiles() -> None:
    plans = native_plans(PACK, TRUSTED, "native")
    assert plans is not None
    assert set(plans.compiled) == NATIVE
    assert set(plans.unsupported) == {p.name for p in PACK.policies} - NATIVE


@pytest.mark.parametrize("name", sorted(NATIVE))
@DIFFERENTIAL
@given(data=st.data())
def test_native_equals_custodian_on_every_pack_policy(name: str, data: st.DataObject) -> None:
    policy = next(p for p in PACK.policies if p.name == name)
    snapshot = data.draw(strategies.block(policy.resource_type))
    expected = custodian(policy, snapshot)
    got = native(policy, snapshot)
    assert got != DELEGATED, "generated items are well-formed: the native engine must run"
    assert got == expected


@DIFFERENTIAL
@given(snapshot=strategies.block(gaps=False))
def test_the_whole_pack_gives_the_same_findings(snapshot: dict[str, Any]) -> None:
    pack = PolicyPack(PACK.directory, PACK.policies, PACK.digest)
    ours = [json.dumps(f.to_dict()) for f in evaluate(snapshot, pack, engine="native")]
    theirs = [json.dumps(f.to_dict()) for f in evaluate(snapshot, pack, engine="custodian")]
    assert ours == theirs
