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

from scanner.report.base import compact_encoder
from scanner.report.jsonindent import SortedIndentedMemo, dumps_sorted_indented, reused_encoder
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


HAND_WRITTEN: list[Any] = [
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
]


@pytest.mark.parametrize("value", HAND_WRITTEN)
def test_hand_written_values(value: Any) -> None:
    assert outcome(dumps_sorted_indented_str, value) == outcome(reference, value)


def test_a_circular_reference_is_the_same_error() -> None:
    loop: list[Any] = [1]
    loop.append({"back": loop})
    assert outcome(dumps_sorted_indented_str, loop) == outcome(reference, loop)
    assert outcome(reference, loop)[0] == "error"


# One memo across every example, as one report uses one: values that share a compact key
# must share their indented text (a hit hands back what the first value made).
MEMO = SortedIndentedMemo(default=str, finish=lambda text: text)


def memo_str(value: Any) -> str:
    return MEMO(value)


@examples(100, 3000)
@given(values=st.lists(VALUES, min_size=1, max_size=6))
def test_the_memo_gives_json_dumps_text_hit_or_miss(values: list[Any]) -> None:
    # Each value twice, and again inside the memo's history: misses, then hits.
    for value in [*values, *values]:
        assert outcome(memo_str, value) == outcome(reference, value)


# Values whose compact texts are equal although the values differ (types the encoders
# treat alike): the memo may hand one's text to the other only because it is the same text.
ALIKE = [
    [1, 2],
    (1, 2),
    {"a": Colour.RED},
    {"a": 1},
    {"d": dt.date(2026, 12, 2)},
    {"d": "2026-12-02"},
    {1: "x"},
    {"1": "x"},
    {True: 0},
    {"true": 0},
    {"s": {1, 2}},
    {"s": "{1, 2}"},
    {1.0: "f"},
    {"1.0": "f"},
]


@pytest.mark.parametrize("value", ALIKE + HAND_WRITTEN)
def test_the_memo_on_hand_written_values(value: Any) -> None:
    memo = SortedIndentedMemo(default=str, finish=lambda text: text)
    for earlier in ALIKE:
        outcome(memo, earlier)
    assert outcome(memo, value) == outcome(reference, value)
    assert outcome(memo, value) == outcome(reference, value)


def test_the_memo_on_a_circular_reference() -> None:
    loop: list[Any] = [1]
    loop.append({"back": loop})
    memo = SortedIndentedMemo(default=str, finish=lambda text: text)
    assert outcome(memo, loop) == outcome(reference, loop)


def test_the_memo_applies_finish_once_per_distinct_value() -> None:
    calls: list[str] = []

    def finish(text: str) -> str:
        calls.append(text)
        return f"<{text}>"

    memo = SortedIndentedMemo(default=str, finish=finish)
    assert memo({"b": 1, "a": [2]}) == "<" + reference({"b": 1, "a": [2]}) + ">"
    assert memo({"a": [2], "b": 1}) == "<" + reference({"a": [2], "b": 1}) + ">"
    assert memo({"a": [3]}) == "<" + reference({"a": [3]}) + ">"
    assert len(calls) == 2


# report.base's compact item encoder (one C encoder reused for every item of a report)
# against a fresh json.JSONEncoder per value, as it replaced.
COMPACT = compact_encoder(default=str)


def compact_reference(value: Any) -> str:
    return json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=str).encode(value)


@examples(100, 3000)
@given(value=VALUES)
def test_the_reused_compact_encoder_is_json_encoder(value: Any) -> None:
    assert outcome(COMPACT, value) == outcome(compact_reference, value)


@pytest.mark.parametrize("value", HAND_WRITTEN)
def test_the_reused_compact_encoder_on_hand_written_values(value: Any) -> None:
    assert outcome(COMPACT, value) == outcome(compact_reference, value)


def test_the_reused_compact_encoder_forgets_a_failed_encoding() -> None:
    encode = compact_encoder(default=str)
    inner: dict[str, Any] = {"ok": 1}
    broken = [inner, {(1, 2): "not a JSON key"}]
    assert outcome(encode, broken)[0] == "error"
    # The containers of the failed encoding are not still marked as being encoded.
    assert encode([inner, inner]) == '[{"ok":1},{"ok":1}]'
    loop: list[Any] = [1]
    loop.append(loop)
    assert outcome(encode, loop) == outcome(compact_reference, loop)
    assert encode(inner) == '{"ok":1}'


SORTED_ASCII = reused_encoder(str, sort_keys=True, ensure_ascii=True)


def sorted_ascii_reference(value: Any) -> str:
    return json.JSONEncoder(separators=(",", ":"), sort_keys=True, default=str).encode(value)


@examples(100, 3000)
@given(value=VALUES)
def test_the_reused_sorted_encoder_is_json_encoder(value: Any) -> None:
    # The memo's key: sorted keys, ASCII escapes (mixed key types are the same TypeError).
    assert outcome(SORTED_ASCII, value) == outcome(sorted_ascii_reference, value)


@pytest.mark.parametrize("value", HAND_WRITTEN)
def test_the_reused_sorted_encoder_on_hand_written_values(value: Any) -> None:
    assert outcome(SORTED_ASCII, value) == outcome(sorted_ascii_reference, value)
