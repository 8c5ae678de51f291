"""Start-up: the top-level help imports no command, and the lazy registry tells the truth.

Speed itself is measured in bench (``python -m bench.startup``), never here: these tests check
*what* is imported, which is what makes start-up fast.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest

from scanner.cli import COMMANDS, cli
from scanner.lazycli import load_command

POLICIES = Path(__file__).resolve().parents[3] / "policies"
HEAVY = ("boto3", "botocore", "c7n", "rich", "jsonschema", "moto", "yaml", "tabulate")


def _run_and_list_modules(
    argv: list[str], env: dict[str, str] | None = None
) -> tuple[str, set[str]]:
    """The stdout of ``netwarden ARGV`` in a fresh interpreter, and the modules it imported."""
    code = (
        "import json, sys\n"
        "from scanner.cli import cli\n"
        "try:\n"
        f"    cli({argv!r}, prog_name='netwarden')\n"
        "except SystemExit:\n"
        "    pass\n"
        "sys.stdout.flush()\n"
        "sys.stderr.write('\\n' + json.dumps(sorted(sys.modules)))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        env=None if env is None else {**os.environ, **env},
    )
    return proc.stdout, set(json.loads(proc.stderr.rsplit("\n", 1)[-1]))


def _modules_after(argv: list[str]) -> set[str]:
    return _run_and_list_modules(argv)[1]


def _top(modules: set[str]) -> set[str]:
    return {name.split(".")[0] for name in modules}


@pytest.mark.slow  # a fresh interpreter
def test_top_level_help_imports_no_command_and_no_heavy_dependency() -> None:
    loaded = _modules_after(["--help"])
    assert not _top(loaded) & set(HEAVY), sorted(_top(loaded) & set(HEAVY))
    assert not {m for m in loaded if m.startswith("scanner.commands.")}


@pytest.mark.slow  # a fresh interpreter
def test_version_imports_no_heavy_dependency() -> None:
    loaded = _modules_after(["--version"])
    assert not _top(loaded) & set(HEAVY)
    # The version is read from the dist-info directly (scanner._metadata_version).
    assert "importlib.metadata" not in loaded


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_registered_short_help_is_the_commands_own(name: str) -> None:
    command = load_command(COMMANDS[name].target)
    assert command.name == name
    assert command.get_short_help_str(limit=200) == COMMANDS[name].short_help


def test_every_registered_command_is_listed_and_resolves() -> None:
    ctx = click.Context(cli)
    assert cli.list_commands(ctx) == sorted(COMMANDS)
    for name in COMMANDS:
        assert isinstance(cli.get_command(ctx, name), click.Command)


@pytest.mark.slow  # a fresh interpreter
def test_help_of_a_command_does_not_import_aws_or_custodian() -> None:
    # `netwarden scan --help` is read often; the AWS and policy machinery loads when it runs.
    loaded = _top(_modules_after(["scan", "--help"]))
    assert not loaded & {"boto3", "botocore", "c7n", "moto"}, sorted(loaded)


@pytest.mark.slow  # fresh interpreters
def test_listing_a_pack_that_passed_before_imports_no_aws_custodian_or_jsonschema(
    tmp_path: Path,
) -> None:
    # `policies list` validates a pack it has not seen pass, so the first run imports
    # Custodian; the second lists the same bytes from the memory of validated packs
    # (scanner.policy.validated), prints the same table, and imports none of it.
    env = {"XDG_CACHE_HOME": str(tmp_path)}
    argv = ["policies", "list", "--policies", str(POLICIES)]
    first, cold = _run_and_list_modules(argv, env)
    second, warm = _run_and_list_modules(argv, env)
    assert "c7n" in _top(cold) and "NW-SG-002" in first
    assert second == first
    heavy = {"boto3", "botocore", "c7n", "jsonschema", "moto", "rich", "aws_xray_sdk", "tabulate"}
    assert not _top(warm) & heavy, sorted(_top(warm) & heavy)
    assert not {
        m
        for m in warm
        if m.startswith(("scanner.policy.filters", "scanner.collect."))
        and m != "scanner.collect.aws_options"
    }


@pytest.mark.slow  # a fresh interpreter
def test_the_console_script_loads_custodian_without_the_xray_sdk(tmp_path: Path) -> None:
    # Custodian imports the X-Ray SDK when it can, and its recorder builds botocore clients
    # at import; netwarden never traces to X-Ray, so the console script marks it absent.
    code = (
        "import atexit, json, sys\n"
        "def report():\n"
        "    aws = sys.modules.get('c7n.resources.aws')\n"
        "    loaded = sorted(m for m in sys.modules if sys.modules[m] is not None)\n"
        "    sys.stderr.write('\\n' + json.dumps([getattr(aws, 'HAVE_XRAY', None), loaded]))\n"
        "atexit.register(report)\n"
        "from scanner.cli import main\n"
        f"main(['policies', 'validate', '--policies', {str(POLICIES)!r}])\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "XDG_CACHE_HOME": str(tmp_path)},
    )
    assert proc.returncode == 0, proc.stderr
    assert "files are valid" in proc.stdout
    have_xray, loaded = json.loads(proc.stderr.rsplit("\n", 1)[-1])
    assert "c7n.resources.aws" in loaded and have_xray is False
    assert not {m for m in loaded if m.startswith("aws_xray_sdk")}


def _leaves(command: click.Command, path: tuple[str, ...] = ()) -> list[tuple[str, click.Command]]:
    if not isinstance(command, click.Group):
        return [(" ".join(path), command)]
    ctx = click.Context(command)
    out = []
    for name in command.list_commands(ctx):
        sub = command.get_command(ctx, name)
        assert sub is not None
        out += _leaves(sub, (*path, name))
    return out


def test_every_option_of_every_command_has_help() -> None:
    missing = [
        f"{name} {'/'.join(param.opts)}"
        for name, command in _leaves(cli)
        for param in command.params
        if isinstance(param, click.Option) and not param.hidden and not param.help
    ]
    assert missing == []
    assert all(command.help for _, command in _leaves(cli))
