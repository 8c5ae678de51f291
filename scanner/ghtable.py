"""GitHub-flavoured Markdown tables written exactly as tabulate's ``github`` format writes
them, for cells tabulate prints unchanged; anything else stays tabulate's to write (callers
check ``all_plain`` first). This module does not import tabulate: ``policies list`` prints
its table without loading it (~30 ms with importlib.metadata), and report.md's tables skip
its per-cell measuring and padding (~0.1 s of CPU at 100k resources)."""

from __future__ import annotations

import re
from collections.abc import Sequence

# A cell tabulate prints as it is: printable ASCII, no space at either end (it strips them).
_PLAIN = re.compile(r"[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?")


def plain(cell: object, *, numbers_parsed: bool) -> bool:
    """Whether tabulate prints ``cell`` as it is. With numbers parsed (tabulate's default),
    a column of numbers ("12", "1e3", "nan", "1_0") is aligned on the point, so no number
    is plain."""
    if not isinstance(cell, str) or not _PLAIN.fullmatch(cell):
        return False
    if not numbers_parsed:
        return True
    if cell.isdigit():
        return False
    try:
        float(cell)
    except ValueError:
        return True
    return False


def all_plain(
    headers: Sequence[object], rows: Sequence[Sequence[object]], *, numbers_parsed: bool
) -> bool:
    """Every row as long as the headers, and every cell plain."""
    return all(len(row) == len(headers) for row in rows) and all(
        plain(cell, numbers_parsed=numbers_parsed) for row in (headers, *rows) for cell in row
    )


def render(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """``tabulate(rows, headers, tablefmt="github")`` for cells ``all_plain`` accepts (with
    or without number parsing: plain cells print alike), without a final newline."""
    widths = [max([len(h) + 2, *(len(row[i]) for row in rows)]) for i, h in enumerate(headers)]

    def line(cells: Sequence[str]) -> str:
        return "|" + "|".join(f" {c.ljust(w)} " for c, w in zip(cells, widths, strict=True)) + "|"

    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(headers), rule, *(line(row) for row in rows)])
