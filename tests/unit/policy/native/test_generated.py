"""Generated policies over the natively implemented filters, on generated blocks: the native
engine and Custodian select the same resources with the same annotations, miss the same data,
or raise the same exception."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from tests.unit.policy.native import policies, strategies
from tests.unit.policy.native.engines import (
    DELEGATED,
    DIFFERENTIAL,
    compiled,
    custodian,
    native,
    policy_def,
    valid_for_custodian,
)


@pytest.mark.parametrize("rtype", sorted(policies.KEYS))
@DIFFERENTIAL
@given(data=st.data())
def test_generated_policies_match_custodian(rtype: str, data: st.DataObject) -> None:
    policy = data.draw(policies.policy(rtype))
    snapshot = data.draw(strategies.block(rtype))
    assume(valid_for_custodian(policy))
    assert compiled(policy), "every generated filter has a native implementation"
    expected = custodian(policy_def(policy), snapshot)
    got = native(policy_def(policy), snapshot)
    assert got != DELEGATED
    assert got == expected
