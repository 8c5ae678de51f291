"""GitHub's own checks: the SARIF multitool's GHAS ingestion rules and its SARIF rules.

The tool is an npm package with a self-contained .NET binary (``npm ci --prefix
tools/sarif``). Missing, this test skips, unless ``CI`` is set: then it fails, because CI
must prove that GitHub would accept the file.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from scanner.report import sarif
from tests.unit.report.fixtures import FINDINGS, RUN, hostile_finding, info_finding
from tests.unit.report.helpers import ROOT

TOOL = ROOT / "tools" / "sarif" / "node_modules" / ".bin" / "sarif-multitool"
INSTALL = "npm ci --prefix tools/sarif"


def _tool() -> Path:
    missing = None
    if shutil.which("node") is None:
        missing = "node is not on PATH (the multitool's launcher is a node script)"
    elif not TOOL.exists():
        missing = f"{TOOL.relative_to(ROOT)} is missing; install it with `{INSTALL}`"
    if missing is None:
        return TOOL
    if os.environ.get("CI"):
        pytest.fail(f"CI is set and the SARIF multitool cannot run: {missing}")
    pytest.skip(f"SARIF multitool not available: {missing}")


def _validate(files: list[Path], kind: str, out: Path) -> dict[str, list[str]]:
    """Problems (error and warning results) the multitool finds, per validated file name."""
    env = {
        **os.environ,
        # Without ICU the .NET runtime aborts; invariant mode needs no libicu at all.
        "DOTNET_SYSTEM_GLOBALIZATION_INVARIANT": "1",
        "DOTNET_CLI_TELEMETRY_OPTOUT": "1",
    }
    command = [
        str(_tool()),
        "validate",
        *map(str, files),
        "--rule-kind",
        kind,
        "-o",
        str(out),
        "--log",
        "ForceOverwrite",
        "-q",
    ]
    proc = subprocess.run(
        command, capture_output=True, text=True, env=env, timeout=300, check=False
    )
    # The exit code is 0 even when rules fail: the verdict is in the output log.
    assert proc.returncode == 0 and out.exists(), proc.stdout + proc.stderr
    log: dict[str, Any] = json.loads(out.read_text(encoding="utf-8-sig"))
    run = log["runs"][0]
    for invocation in run.get("invocations", []):
        assert invocation.get("executionSuccessful", False), invocation
        for note in invocation.get("toolExecutionNotifications", []):
            assert note.get("level") != "error", note
    problems: dict[str, list[str]] = {f.name: [] for f in files}
    for result in run.get("results", []):
        level = result.get("level", "warning")
        if level not in ("error", "warning"):
            continue
        uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        message = result["message"]
        text = message.get("text") or f"{message.get('id')} {message.get('arguments')}"
        problems[uri.rsplit("/", 1)[-1]].append(f"{level} {result['ruleId']}: {text}")
    return problems


@pytest.fixture(scope="module")
def sarif_files(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    directory = tmp_path_factory.mktemp("sarif")
    cases = {
        "scan.sarif": sarif.render(FINDINGS, RUN),
        "clean.sarif": sarif.render([], replace(RUN, coverage_gaps=())),
        "hostile.sarif": sarif.render([hostile_finding(), info_finding()], RUN),
        "cut.sarif": sarif.render(FINDINGS, RUN, max_results=2),
    }
    paths = []
    for name, text in cases.items():
        path = directory / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    # A canary GitHub rejects (a result without a location): proves the tool really checks.
    canary = json.loads(cases["scan.sarif"])
    del canary["runs"][0]["results"][0]["locations"]
    path = directory / "canary.sarif"
    path.write_text(json.dumps(canary), encoding="utf-8")
    paths.append(path)
    return paths


@pytest.mark.parametrize("kind", ["Ghas", "Sarif"])
def test_multitool_finds_no_problem(sarif_files: list[Path], kind: str, tmp_path: Path) -> None:
    problems = _validate(sarif_files, kind, tmp_path / f"validation-{kind}.sarif")
    if kind == "Ghas":
        assert any("GH1015" in p for p in problems.pop("canary.sarif"))
    else:
        problems.pop("canary.sarif")
    assert problems == {name: [] for name in problems}, json.dumps(problems, indent=2)
