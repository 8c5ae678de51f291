"""GitHub-flavoured Markdown tables: tabulate for the tables people read, a linear writer for
the huge ones (tabulate pads every row to the widest cell, which makes a million-row table
quadratic in size)."""

from __future__ import annotations

from collections.abc import Sequence

from tabulate import tabulate

from scanner import ghtable

TABULATE_MAX_ROWS = 2_000


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A pipe table of already-escaped cells (see ``scanner.report.escape``), newline-ended.

    Numbers stay text (an account id keeps its leading zeros)."""
    if len(rows) <= TABULATE_MAX_ROWS:
        # Escaped report cells are almost always plain (numbers are not parsed here).
        if ghtable.all_plain(headers, rows, numbers_parsed=False):
            return ghtable.render(headers, rows) + "\n"
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
