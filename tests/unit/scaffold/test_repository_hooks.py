"""What a company repository runs from this one: the pre-commit hooks (.pre-commit-hooks.yaml)
name real netwarden commands and fire on the files they check, and the project's own CI
workflow passes the checks the generated workflows pass."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import click
import pytest
import yaml

from scanner.cli import cli

ROOT = Path(__file__).resolve().parents[3]
BIN = Path(sys.executable).parent
HOOKS = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
# Paths each hook must fire on, and paths it must leave alone.
FIRES = {
    "netwarden-policies": (["policies/vpcs.yml", "policies/team/extra.yaml"], ["README.md"]),
    "netwarden-baseline": (
        ["baselines/123456789012/us-east-1.yaml"],
        ["policies/vpcs.yml", "baselines/README.md"],
    ),
}


def _command(argv: list[str]) -> click.Command:
    command: click.Command = cli
    ctx = click.Context(cli)
    for word in argv:
        assert isinstance(command, click.Group), f"{word!r} after a command that has none"
        sub = command.get_command(ctx, word)
        assert sub is not None, f"netwarden has no command {word!r}"
        command = sub
    return command


def test_every_hook_is_a_netwarden_command_with_the_fields_pre_commit_needs() -> None:
    assert {hook["id"] for hook in HOOKS} == set(FIRES)
    for hook in HOOKS:
        assert {"id", "name", "entry", "language"} <= set(hook), hook["id"]
        assert hook["language"] == "python"  # pre-commit installs this repository's package
        program, *words = shlex.split(hook["entry"])
        assert program == "netwarden"
        command = _command(words)
        # The commands take no file arguments: pre-commit must not append the staged files.
        assert hook.get("pass_filenames") is False
        assert not [p for p in command.params if isinstance(p, click.Argument)]


@pytest.mark.parametrize("hook", HOOKS, ids=lambda h: h["id"])
def test_each_hook_fires_on_the_files_it_checks(hook: dict[str, object]) -> None:
    pattern = re.compile(str(hook["files"]))
    fires, quiet = FIRES[str(hook["id"])]
    assert all(pattern.search(path) for path in fires)
    assert not any(pattern.search(path) for path in quiet)


def _tool(name: str) -> str:
    path = BIN / name
    if not path.exists():
        pytest.fail(f"{name} is not installed in the venv (it is a dev dependency: make install)")
    return str(path)


def _run(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.slow  # runs check-jsonschema and zizmor
def test_the_projects_ci_workflow_passes_the_schema_and_zizmor() -> None:
    workflow = ".github/workflows/ci.yml"
    schema = _run(
        _tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", workflow
    )
    assert schema.returncode == 0, schema.stdout + schema.stderr
    audit = _run(_tool("zizmor"), "--offline", "--persona=pedantic", workflow)
    assert audit.returncode == 0, audit.stdout + audit.stderr
    # It runs the same make test as a developer, through .ci/run.
    steps = yaml.safe_load((ROOT / workflow).read_text())["jobs"]["test"]["steps"]
    assert any(step.get("run") == "bash .ci/run" for step in steps)
    assert (ROOT / ".ci" / "run").read_text().rstrip().endswith("make test")
