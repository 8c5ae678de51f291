"""The indented encoder of report.md's evidence against json.dumps itself, the reference."""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scanner.report.jsonindent import dumps_sorted_indented
from tests.unit.fuzzing import examples


class Colour(enum.IntEnum):
    RED = 1


def reference(value: Any) -> str:
    return json.dumps(value, indent=2, sort_keys=True, default=str)


def outcome(encode: Any, value: Any) -> tuple[str, str]:
    try:
        return ("text", encode(value))
    except (TypeError, ValueError) as exc:  # the outcome under test: which error, if any
        return ("error", f"{type(exc).__name__}: {exc}")


LEAVES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(),
    st.sampled_from(
        [Colour.RED, dt.datetime(2026, 12, 2, 21, 45), decimal.Decimal("1.5"), b"\x00", {1, 2}]
    ),
)
KEYS = st.one_of(
    st.text(max_size=8),
    st.integers(),
    st.floats(allow_nan=False),
    st.booleans(),
    st.none(),
)
# Keys of one type per mapping, as sort_keys needs (mixed types are a TypeError, tested below).
MAPPINGS = st.sampled_from(
    [st.text(max_size=8), st.integers(), st.floats(allow_nan=False), st.booleans()]
)
VALUES = st.recursive(
    LEAVES,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.lists(inner, max_size=4).map(tuple),
        MAPPINGS.flatmap(lambda keys: st.dictionaries(keys, inner, max_size=4)),
    ),
    max_leaves=30,
)


@examples(100, 3000)
@given(value=VALUES)
def test_the_same_text_as_json_dumps(value: Any) -> None:
    assert outcome(dumps_sorted_indented_str, value) == outcome(reference, value)


def dumps_sorted_indented_str(value: Any) -> str:
    return dumps_sorted_indented(value, default=str)


@pytest.mark.parametrize(
    "value",
    [
        {},
        [],
        {"a": {}, "b": [], "c": [{}], "d": ()},
        {"é": 'ü\u2028\x00"\\'},
        {1: "a", 2.5: "b"},
        {True: 1, None: 2},
        {float("nan"): 1},
        {"x": float("nan"), "y": float("-inf"), "z": 1e300},
        {"a": 1, 2: "b"},  # mixed key types: sorting them is a TypeError
        {(1, 2): "tuple key"},  # not a JSON key type: TypeError
        {"when": dt.date(2026, 12, 2), "n": Colour.RED},
        "top-level string",
        7,
    ],
)
def test_hand_written_values(value: Any) -> None:
    assert outcome(dumps_sorted_indented_str, value) == outcome(reference, value)


def test_a_circular_reference_is_the_same_error() -> None:
    loop: list[Any] = [1]
    loop.append({"back": loop})
    assert outcome(dumps_sorted_indented_str, loop) == outcome(reference, loop)
    assert outcome(reference, loop)[0] == "error"
