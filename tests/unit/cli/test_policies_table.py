"""``policies list`` prints its table without importing tabulate, exactly as tabulate's
``github`` format does (differential: the shipped pack, and generated cells)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from tabulate import tabulate

from scanner import ghtable
from scanner.commands.policies import HEADERS, github_table, table_rows
from scanner.policy.loader import load_policy_pack
from tests.unit.fuzzing import examples
from tests.unit.policy.conftest import POLICIES

# Printable ASCII with spaces, digits, signs and points (numbers), and some that are not.
CELL = st.text(alphabet=st.sampled_from("aZ09-._, +eE:/()\u00e9\u4e2d\t"), min_size=0, max_size=12)


def _plain(cell: str) -> bool:
    """A cell the table writes itself (tabulate parses numbers for ``policies list``)."""
    return ghtable.plain(cell, numbers_parsed=True)


def _tabulate(rows: list[list[str]], headers: list[str]) -> str:
    return str(tabulate(rows, headers=headers, tablefmt="github"))


def test_the_shipped_pack_prints_as_tabulate_prints_it() -> None:
    rows = table_rows(load_policy_pack(POLICIES))
    assert all(_plain(cell) for row in rows for cell in row)  # the fast path, not the fallback
    assert github_table(rows, HEADERS) == _tabulate(rows, HEADERS)


@examples(30, 2000)
@given(
    headers=st.lists(CELL, min_size=1, max_size=4),
    data=st.data(),
)
def test_any_cells_print_as_tabulate_prints_them(headers: list[str], data: st.DataObject) -> None:
    rows = data.draw(
        st.lists(st.lists(CELL, min_size=len(headers), max_size=len(headers)), max_size=5)
    )
    assert github_table(rows, headers) == _tabulate(rows, headers)


@examples(30, 2000)
@given(
    rows=st.lists(
        st.lists(
            st.from_regex(r"[A-Za-z][A-Za-z0-9.,:/ -]{0,14}[A-Za-z0-9]", fullmatch=True),
            min_size=5,
            max_size=5,
        ),
        max_size=6,
    )
)
def test_plain_cells_take_the_fast_path_and_agree(rows: list[list[str]]) -> None:
    assert all(_plain(cell) for row in rows for cell in row)
    assert github_table(rows, HEADERS) == _tabulate(rows, HEADERS)


def test_what_tabulate_would_align_or_strip_is_not_plain() -> None:
    for cell in ("12", "1e3", "nan", "-inf", "1_0", " a", "a ", "", "\u00e9", "a\tb", "a\nb"):
        assert not _plain(cell), cell
    assert _plain("CIS-AWS-5.2, FSBP-EC2.13") and _plain("-") and _plain("aws.vpc")
