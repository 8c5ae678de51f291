"""The console script's way out (defect 2 of issue 11): an unexpected exception is exit 4
with one line, never 0, 1 or 3; the traceback only with --debug or NETWARDEN_DEBUG=1."""

from __future__ import annotations

import sys

import click
import pytest

from scanner import cli as cli_module

COMMAND = "explode-for-test"


@pytest.fixture
def crashing_command(monkeypatch: pytest.MonkeyPatch) -> None:
    @click.command(COMMAND)
    @click.option("--flag", is_flag=True)
    def explode(flag: bool) -> None:
        raise KeyError("VpcId\x1b]0;owned\x07")

    monkeypatch.setitem(cli_module.cli.commands, COMMAND, explode)
    monkeypatch.setattr(cli_module, "_debug", [False], raising=False)
    monkeypatch.delenv("NETWARDEN_DEBUG", raising=False)


def run_main(monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    monkeypatch.setattr(sys, "argv", ["netwarden", *args])
    with pytest.raises(SystemExit) as exited:
        cli_module.main()
    code = exited.value.code
    assert isinstance(code, int)
    return code


@pytest.mark.usefixtures("crashing_command")
def test_a_crash_is_exit_4_with_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_main(monkeypatch, COMMAND) == 4
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert err.startswith("netwarden: internal error: KeyError: ")
    assert "Traceback" not in err
    assert "\x1b" not in err and "\x07" not in err  # the message is attacker-reachable text
    assert "--debug" in err


@pytest.mark.usefixtures("crashing_command")
@pytest.mark.parametrize("how", ["before", "after", "env"])
def test_debug_shows_the_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], how: str
) -> None:
    if how == "env":
        monkeypatch.setenv("NETWARDEN_DEBUG", "1")
        args = [COMMAND]
    else:
        args = ["--debug", COMMAND] if how == "before" else [COMMAND, "--flag", "--debug"]
    assert run_main(monkeypatch, *args) == 4
    err = capsys.readouterr().err
    assert "Traceback (most recent call last)" in err
    assert "netwarden: internal error: KeyError" in err.splitlines()[-1]


@pytest.mark.usefixtures("crashing_command")
def test_netwarden_debug_0_is_off(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("NETWARDEN_DEBUG", "0")
    assert run_main(monkeypatch, COMMAND) == 4
    assert "Traceback" not in capsys.readouterr().err


def test_usage_errors_and_clean_exits_keep_their_codes(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_main(monkeypatch, "scan", "--no-such-flag") == 2
    assert "No such option" in capsys.readouterr().err
    assert run_main(monkeypatch, "--version") == 0
    assert run_main(monkeypatch, "policies", "list", "--policies", "/nonexistent/pack") == 2


def test_an_interrupt_is_130_and_sigterm_143(monkeypatch: pytest.MonkeyPatch) -> None:
    from scanner import interrupts

    def interrupted(*_: object, **__: object) -> None:
        raise KeyboardInterrupt

    def terminated(*_: object, **__: object) -> None:
        raise interrupts.Terminated

    monkeypatch.setattr(cli_module.cli, "main", interrupted)
    assert cli_module.run(["scan"]) == 130
    monkeypatch.setattr(cli_module.cli, "main", terminated)
    assert cli_module.run(["scan"]) == 143


def test_a_generic_click_exception_is_bad_input_not_findings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def raises(*_: object, **__: object) -> None:
        raise click.ClickException("cannot open file")  # its own exit_code is 1

    monkeypatch.setattr(cli_module.cli, "main", raises)
    assert cli_module.run(["scan"]) == 2


def test_a_closed_stdout_is_not_findings(monkeypatch: pytest.MonkeyPatch) -> None:
    def closed(*_: object, **__: object) -> None:
        raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr(cli_module.cli, "main", closed)
    assert cli_module.run(["diff"]) == 141
