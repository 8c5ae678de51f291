"""Interval arithmetic on literal sets, checked against a set of integers."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from scanner.exposure import intervals as iv


def members(ranges: iv.Ranges) -> set[int]:
    return {v for low, high in ranges for v in range(low, high + 1)}


spans = st.lists(st.tuples(st.integers(0, 40), st.integers(0, 40)), max_size=5).map(
    lambda pairs: iv.normalise((min(p), max(p)) for p in pairs)
)


def test_literal_operations() -> None:
    assert iv.normalise([(5, 9), (1, 3), (4, 4), (20, 19)]) == ((1, 9),)
    assert iv.subtract(((0, 100),), ((10, 20), (50, 50))) == ((0, 9), (21, 49), (51, 100))
    assert iv.intersect(((0, 10), (20, 30)), ((5, 25),)) == ((5, 10), (20, 25))
    assert iv.cuts([(22, 22), (20, 30)], (0, 65535)) == [
        (0, 19),
        (20, 21),
        (22, 22),
        (23, 30),
        (31, 65535),
    ]
    assert iv.to_cidrs(iv.from_cidrs(["10.0.0.0/9", "10.128.0.0/9"], 4), 4) == ["10.0.0.0/8"]
    assert iv.from_cidrs(["10.0.0.0/8", "::/0"], 6) == ((0, 2**128 - 1),)
    assert iv.cidr_span("10.0.0.5/24") == (4, (167772160, 167772415), 24)


@given(spans, spans)
def test_operations_agree_with_sets(a: iv.Ranges, b: iv.Ranges) -> None:
    assert members(iv.union(a, b)) == members(a) | members(b)
    assert members(iv.intersect(a, b)) == members(a) & members(b)
    assert members(iv.subtract(a, b)) == members(a) - members(b)
    assert iv.size(a) == len(members(a))
    assert iv.normalise(iv.union(a, b)) == iv.union(a, b)


@given(st.lists(st.tuples(st.integers(0, 40), st.integers(0, 40)), max_size=3))
def test_normalise_of_a_list_is_normalise_of_its_pairs_one_by_one(
    pairs: list[tuple[int, int]],
) -> None:
    # A one-pair list takes a short cut (no sort, no merge); any pair, empty ones included.
    assert iv.normalise(list(pairs)) == iv.normalise(iter(pairs))
    assert members(iv.normalise(list(pairs))) == {v for a, b in pairs for v in range(a, b + 1)}
