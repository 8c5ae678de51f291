"""--quiet, --verbose, --no-color and NO_COLOR (scanner.console)."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from click.testing import CliRunner

from scanner import console
from scanner.cli import cli


@pytest.fixture(autouse=True)
def _reset() -> Iterator[None]:
    yield
    console.configure()


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_quiet_silences_notes_but_not_warnings(capsys: pytest.CaptureFixture[str]) -> None:
    console.configure(quiet=True)
    console.note("wrote reports/netwarden.sarif")
    console.detail("details")
    console.warn("the scan is incomplete")
    err = capsys.readouterr().err
    assert err == "netwarden: warning: the scan is incomplete\n"


def test_verbose_shows_details(capsys: pytest.CaptureFixture[str]) -> None:
    console.configure(verbose=True)
    console.note("a")
    console.detail("b")
    assert capsys.readouterr().err == "a\nb\n"
    console.configure(quiet=True, verbose=True)  # quiet wins
    console.detail("c")
    assert capsys.readouterr().err == ""


def test_colour_only_at_a_terminal_and_never_with_no_color(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    console.configure()
    assert console.use_color(_Tty()) is True
    assert console.use_color(io.StringIO()) is False
    console.configure(no_color=True)
    assert console.use_color(_Tty()) is False
    console.configure()
    monkeypatch.setenv("NO_COLOR", "1")
    assert console.use_color(_Tty()) is False
    monkeypatch.setenv("NO_COLOR", "")  # no-color.org: only a non-empty value counts
    assert console.use_color(_Tty()) is True


def test_rich_console_has_no_colour_under_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    out = _Tty()
    rich = console.rich_console(out, force_terminal=True)
    rich.print("[bold red]danger[/]")
    # NO_COLOR removes colour; bold (not a colour) may stay.
    assert "31m" not in out.getvalue() and ";31" not in out.getvalue()
    assert "danger" in out.getvalue()


def test_root_options_are_applied(tmp_path: object) -> None:
    result = CliRunner().invoke(cli, ["--quiet", "--no-color", "policies", "--help"])
    assert result.exit_code == 0, result.output
    assert console.quiet() and console.SETTINGS.color is False
