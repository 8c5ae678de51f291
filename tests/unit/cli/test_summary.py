"""The end-of-scan summary: a table at a terminal, one line elsewhere, nothing with --quiet."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest

from scanner import console
from scanner.commands.summary import print_summary
from tests.unit.report.fixtures import FINDINGS, hostile_finding


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture(autouse=True)
def _reset() -> Iterator[None]:
    yield
    console.configure()


def test_at_a_terminal_a_table_of_counts_and_the_most_severe(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    err = _Tty()
    monkeypatch.setattr("sys.stderr", err)
    monkeypatch.setenv("NO_COLOR", "1")
    print_summary([*FINDINGS, hostile_finding()], "7 finding(s)")
    text = err.getvalue()
    assert "7 finding(s)" in text and "most severe (5 of 7)" in text
    assert "NW-SG-001" in text and "critical" in text and "high" in text
    assert "\x1b[31" not in text  # NO_COLOR


def test_elsewhere_one_line_and_with_quiet_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    err = io.StringIO()
    monkeypatch.setattr("sys.stderr", err)
    print_summary(list(FINDINGS), "6 finding(s)")
    assert err.getvalue() == "6 finding(s)\n"
    console.configure(quiet=True)
    print_summary(list(FINDINGS), "6 finding(s)")
    assert err.getvalue() == "6 finding(s)\n"


def test_attacker_text_is_not_markup(monkeypatch: pytest.MonkeyPatch) -> None:
    err = _Tty()
    monkeypatch.setattr("sys.stderr", err)
    bad = hostile_finding()
    from dataclasses import replace

    monkeypatch.setenv("COLUMNS", "200")  # one line per row, so the id is not wrapped
    print_summary([replace(bad, resource_id="[bold red]sg-x[/]", severity="critical")], "1")
    assert "[bold red]sg-x[/]" in err.getvalue()
