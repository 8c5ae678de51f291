"""The fast field check (``store._fields_look_right``) against the located checks it stands
in front of: when it says a resource looks right, the located checks find nothing."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from scanner.baseline import store
from tests.unit.fuzzing import examples

NAMES = ["protocol", "from_port", "to_port", "cidr", "rule_number", "action", "icmp", "x"]
values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-2, 70000),
    st.floats(allow_nan=False),
    st.text(max_size=3),
    st.lists(st.integers(), max_size=1),
    st.dictionaries(st.sampled_from(["code", "type"]), st.integers(), max_size=2),
)
entries = st.one_of(
    st.dictionaries(st.sampled_from(NAMES), values, max_size=6),
    st.lists(st.integers(), max_size=1),
    st.integers(),
)
rules = st.lists(entries, max_size=4)
TYPES = {
    "aws.security-group": ("ingress", "egress"),
    "aws.network-acl": ("ingress", "egress"),
    "aws.route-table": ("routes",),
}


def located_problem(rtype: str, fields: dict[str, Any]) -> bool:
    """Whether the located checks (the slow path of ``_check_fields``) find a problem."""
    try:
        keyed = store.projection_of(rtype).keyed_lists
        for key, value in fields.items():
            at = ("resources", rtype, "r-1", key)
            problem = store._kind_problem(key, value, store._template(rtype).get(key), at, {})
            if problem is None and key in keyed:
                problem = store._entries_problem(rtype, key, value, at, {})
            if problem:
                return True
    except store.InputError:
        return True
    return False


@examples(50, 20000)
@given(st.sampled_from(sorted(TYPES)), st.data())
def test_a_resource_that_looks_right_has_no_located_problem(rtype: str, data: Any) -> None:
    fields = {key: data.draw(rules) for key in TYPES[rtype]}
    fast = store._fields_look_right(rtype, fields)
    if fast:
        assert not located_problem(rtype, fields), fields
