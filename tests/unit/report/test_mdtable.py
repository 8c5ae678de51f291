"""report.md's tables: the plain-cell writer against tabulate itself (github format, numbers
not parsed), on generated cells; anything else goes to tabulate."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from tabulate import tabulate

from scanner import ghtable
from scanner.report import mdtable
from tests.unit.fuzzing import examples

# Plain cells, Markdown escapes, numbers, spaces at the ends, empty cells, non-ASCII, tabs.
CELL = st.text(
    alphabet=st.sampled_from("aZ09-._, +eE:/()`\\|&;<>*\u00e9\u2014\t"), min_size=0, max_size=12
)


def reference(headers: list[str], rows: list[list[str]]) -> str:
    text = tabulate(rows, headers=headers, tablefmt="github", disable_numparse=True)
    return str(text) + "\n"


@examples(60, 3000)
@given(headers=st.lists(CELL, min_size=1, max_size=4), data=st.data())
def test_any_cells_print_as_tabulate_prints_them(headers: list[str], data: st.DataObject) -> None:
    rows = data.draw(
        st.lists(st.lists(CELL, min_size=len(headers), max_size=len(headers)), max_size=5)
    )
    assert mdtable.table(headers, rows) == reference(headers, rows)


@examples(60, 3000)
@given(
    rows=st.lists(
        st.lists(
            st.from_regex(
                r"[A-Za-z0-9`\\|&;*][A-Za-z0-9.,:/ `\\|&;*-]{0,14}[0-9a-z]", fullmatch=True
            ),
            min_size=3,
            max_size=3,
        ),
        max_size=6,
    )
)
def test_plain_cells_take_the_fast_path_and_agree(rows: list[list[str]]) -> None:
    headers = ["Severity", "Count", "Rule"]
    assert ghtable.all_plain(headers, rows, numbers_parsed=False)
    assert mdtable.table(headers, rows) == reference(headers, rows)


def test_what_tabulate_would_strip_or_widen_is_not_plain() -> None:
    for cell in (" a", "a ", "", "\u00e9", "a\tb", "a\nb", "\u2014"):
        assert not ghtable.all_plain(["h"], [[cell]], numbers_parsed=False), cell
    assert ghtable.all_plain(["h"], [["12"], ["`sg-1`"], ["a \\| b"]], numbers_parsed=False)
