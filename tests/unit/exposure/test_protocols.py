"""Protocol parsing: the exact-name short cut against the general reading it skips."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from scanner.exposure import protocols as proto


def reference(value: Any) -> int | None:
    # protocols.parse without its short cut for names exactly as AWS writes them.
    text = str(value).strip().lower()
    if text in proto._BY_NAME:
        return proto._BY_NAME[text]
    try:
        number = int(text)
    except ValueError:
        return None
    if number == proto.ALL or 0 <= number <= 255:
        return number
    return None


NAMES = st.sampled_from(["tcp", "udp", "icmp", "icmpv6", "-1", "all", "6", "17", "58", "256"])
VALUES = st.one_of(
    NAMES,
    NAMES.map(str.upper),
    NAMES.map(lambda n: f" {n}\t"),
    st.text(max_size=6),
    st.integers(-3, 300),
    st.none(),
    st.booleans(),
)


@given(VALUES)
def test_parse_is_the_general_reading(value: Any) -> None:
    assert proto.parse(value) == reference(value)


def test_a_string_subclass_is_read_as_its_text() -> None:
    class Name(str):
        def __str__(self) -> str:
            return "udp"

    assert proto.parse(Name("tcp")) == reference(Name("tcp")) == proto.UDP
