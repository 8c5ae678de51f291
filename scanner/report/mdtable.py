"""GitHub-flavoured Markdown tables: tabulate for the tables people read, a linear writer for
the huge ones (tabulate pads every row to the widest cell, which makes a million-row table
quadratic in size)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from tabulate import tabulate

TABULATE_MAX_ROWS = 2_000
# A cell tabulate (numbers not parsed) prints as it is: printable ASCII, no space at either
# end (it strips them). Escaped report cells almost always are.
_PLAIN = re.compile(r"[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?")


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A pipe table of already-escaped cells (see ``scanner.report.escape``), newline-ended.

    Numbers stay text (an account id keeps its leading zeros)."""
    if len(rows) <= TABULATE_MAX_ROWS:
        if _all_plain(headers, rows):
            return _github(headers, rows) + "\n"
        text = tabulate(
            [list(row) for row in rows],
            headers=list(headers),
            tablefmt="github",
            disable_numparse=True,
        )
        return text + "\n"
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines.extend("| " + " | ".join(row) + " |" for row in rows)
    return "\n".join(lines) + "\n"


def _all_plain(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> bool:
    match = _PLAIN.fullmatch
    return all(len(row) == len(headers) for row in rows) and all(
        isinstance(cell, str) and match(cell) for row in (headers, *rows) for cell in row
    )


def _github(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """``tabulate(rows, headers, tablefmt="github", disable_numparse=True)`` for plain cells
    (tests/unit/report/test_mdtable.py): tabulate measures and pads each cell through
    several layers of Python, ~0.1 s of CPU for report.md's tables at 100k resources."""
    widths = [max([len(h) + 2, *(len(row[i]) for row in rows)]) for i, h in enumerate(headers)]

    def line(cells: Sequence[str]) -> str:
        return "|" + "|".join(f" {c.ljust(w)} " for c, w in zip(cells, widths, strict=True)) + "|"

    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(headers), rule, *(line(row) for row in rows)])
