"""Run one policy over one block with each engine and say what came out.

The outcome is compared whole: the matched resources with every annotation the filters left
(JSON text, so key order counts too), sorted by id; or a SnapshotMiss (gap or not, and its
message); or the type of the exception raised. A native run that Custodian had to take over
(not compiled, or items not well-formed) is reported as such, so a test can insist that the
native path really ran.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from hypothesis import HealthCheck

from scanner.policy.copies import clone_item
from scanner.policy.evaluate import (
    _custodian_filter,
    _items,
    native_plans,
    with_trusted_accounts,
)
from scanner.policy.loader import PolicyDef, PolicyPack, load_policy_pack
from scanner.policy.native import Block
from scanner.policy.session import SnapshotMiss, SnapshotSessionFactory
from tests.unit.fuzzing import examples
from tests.unit.policy.conftest import POLICIES
from tests.unit.policy.snapshots import ACCOUNT, REGION

PACK = load_policy_pack(POLICIES)
TRUSTED = [ACCOUNT]
# `make unit` / `make test`: a fast profile (each property is one per pack policy or per
# type, so a few examples each add up); `make fuzz`: thousands of examples per property.
DIFFERENTIAL = examples(
    8, 3000, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
DELEGATED = ("delegated",)


def policy_def(data: Mapping[str, Any]) -> PolicyDef:
    """A pack-like PolicyDef for generated policy data (metadata borrowed from the pack)."""
    return PolicyDef(
        name=str(data["name"]),
        resource_type=str(data["resource"]),
        metadata=PACK.policies[0].metadata,
        path="generated.yml",
        line=1,
        data=data,
    )


def _canonical(matched: list[dict[str, Any]], rtype: str) -> list[str]:
    from scanner.collect.collectors import resource_id_of

    return [
        json.dumps(item, default=str)
        for item in sorted(matched, key=lambda r: resource_id_of(rtype, r))
    ]


def custodian(policy: PolicyDef, snapshot: Mapping[str, Any]) -> tuple[Any, ...]:
    from c7n.utils import reset_session_cache

    import scanner.policy.filters  # noqa: F401

    items = _items(snapshot, policy.resource_type, ACCOUNT, REGION)
    reset_session_cache()
    factory = SnapshotSessionFactory(snapshot, ACCOUNT, REGION)
    try:
        matched, _ = _custodian_filter(policy, factory, TRUSTED, items)
    except SnapshotMiss as miss:
        return ("miss", miss.gap, miss.message)
    except Exception as exc:  # the outcome under test: which exception, if any
        return ("error", type(exc).__name__)
    finally:
        reset_session_cache()
    return ("ok", _canonical(matched, policy.resource_type))


def native(policy: PolicyDef, snapshot: Mapping[str, Any]) -> tuple[Any, ...]:
    plans = native_plans(PolicyPack("x", (policy,), "x"), TRUSTED, "native")
    assert plans is not None
    if policy.name not in plans.compiled:
        return ("unsupported", plans.unsupported[policy.name])
    items = _items(snapshot, policy.resource_type, ACCOUNT, REGION)
    block = Block(snapshot, ACCOUNT, REGION)
    try:
        pairs = plans.run(policy.name, block, items, clone_item)
    except SnapshotMiss as miss:
        return ("miss", miss.gap, miss.message)
    except Exception as exc:
        return ("error", type(exc).__name__)
    if pairs is None:
        return DELEGATED
    for item, work in pairs:
        assert work == clone_item(item) | work, "an annotated copy keeps every key of its item"
    return ("ok", _canonical([work for _, work in pairs], policy.resource_type))


def compiled(data: Mapping[str, Any]) -> bool:
    plans = native_plans(PolicyPack("x", (policy_def(data),), "x"), TRUSTED, "native")
    return plans is not None and str(data["name"]) in plans.compiled


def valid_for_custodian(data: Mapping[str, Any]) -> bool:
    """Whether Custodian accepts the policy (its filters' own validate())."""
    from c7n.config import Config
    from c7n.policy import Policy

    try:
        policy = Policy(
            with_trusted_accounts(dict(data), TRUSTED),
            Config.empty(region=REGION, account_id=ACCOUNT),
        )
        policy.validate()
    except Exception:
        return False
    return True
