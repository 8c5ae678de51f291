"""Running Microsoft's SARIF multitool (GitHub's ingestion rules and the SARIF rules) on
files, for every test that produces SARIF."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]

TOOL = ROOT / "tools" / "sarif" / "node_modules" / ".bin" / "sarif-multitool"
INSTALL = "npm ci --prefix tools/sarif"


def multitool() -> Path:
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


def multitool_problems(files: list[Path], kind: str, out: Path) -> dict[str, list[str]]:
    """Problems (error and warning results) the multitool finds, per validated file name."""
    env = {
        **os.environ,
        # Without ICU the .NET runtime aborts; invariant mode needs no libicu at all.
        "DOTNET_SYSTEM_GLOBALIZATION_INVARIANT": "1",
        "DOTNET_CLI_TELEMETRY_OPTOUT": "1",
    }
    command = [
        str(multitool()),
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
