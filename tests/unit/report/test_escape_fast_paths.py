"""The escapers' fast paths (a regex search that skips ``str.translate`` when nothing would
change) against the translation itself, the reference."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from scanner.report import escape
from scanner.textsafe import CONTROL_POINTS
from tests.unit.fuzzing import examples

SPECIAL = sorted(chr(point) for point in CONTROL_POINTS) + list("\\[]`|*_<>&$")
TEXT = st.text(alphabet=st.sampled_from(SPECIAL) | st.characters(), max_size=40)


def test_the_sarif_fast_path_skips_exactly_the_characters_it_leaves_alone() -> None:
    mapped = set(escape._SARIF)
    found = {point for point in range(0x110000) if escape._SARIF_SPECIAL.search(chr(point))}
    assert found == mapped


@examples(300, 5000)
@given(text=TEXT, limit=st.sampled_from([0, 1, 5, 300]))
def test_sarif_text_is_the_translation(text: str, limit: int) -> None:
    expected = text
    if limit and len(expected) > limit:
        expected = expected[: limit - 1] + "…"
    assert escape.sarif_text(text, limit) == expected.translate(escape._SARIF)


def fence_reference(text: str) -> str:
    longest = max((len(run) for run in escape._BACKTICKS.findall(text)), default=0)
    return "`" * max(3, longest + 1)


@examples(300, 5000)
@given(text=st.text(alphabet=st.sampled_from("`a \n") | st.characters(), max_size=40))
def test_fence_for_is_longer_than_every_backtick_run(text: str) -> None:
    assert escape.fence_for(text) == fence_reference(text)
