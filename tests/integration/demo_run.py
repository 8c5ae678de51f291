"""One `netwarden demo --remediate` per test session, shared by the tests that read its
output, and what "the same reports but for timestamps" means for two demo runs."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner

from scanner.cli import cli

POLICIES = str(Path(__file__).resolve().parents[2] / "policies")

# Every timestamp the demo's files hold: ISO 8601 (with or without seconds, fraction and
# offset) and the flow summaries' "13:48 on 2026-12-03". The demo stages its incident, trail
# and flow logs around the moment it runs, so these are the one part that changes.
TIMESTAMP = re.compile(
    r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?"
    r"|\d{2}:\d{2} on \d{4}-\d{2}-\d{2}"
)
# How long the collection took, in the snapshot's stats: a measurement, not a result.
DURATION = re.compile(r'"duration_s": [0-9.]+')
# A Markdown table's padding: its columns are as wide as their widest cell, which may be a
# path under the run's own directory.
PADDING = re.compile(r" *\| *")
RULE = re.compile(r"^\|[-| :]+\|$")


@dataclass(frozen=True)
class DemoRun:
    output_dir: Path
    exit_code: int
    output: str


def run_demo(output_dir: Path, *options: str) -> DemoRun:
    result = CliRunner().invoke(
        cli, ["demo", "-o", str(output_dir), "--policies", POLICIES, *options]
    )
    return DemoRun(output_dir, result.exit_code, result.output)


def without_timestamps(output_dir: Path) -> dict[str, str]:
    """Every file the demo wrote, by path, with its timestamps, collection duration and own
    directory (which report.md and the SARIF name) replaced by placeholders."""
    files = {}
    for path in sorted(p for p in output_dir.rglob("*") if p.is_file()):
        text = path.read_text(encoding="utf-8").replace(str(output_dir), "<out>")
        text = DURATION.sub('"duration_s": <s>', TIMESTAMP.sub("<time>", text))
        if path.suffix == ".md":
            text = "\n".join(_unpadded(line) for line in text.split("\n"))
        files[path.relative_to(output_dir).as_posix()] = text
    return files


def _unpadded(line: str) -> str:
    if not line.startswith("|"):
        return line
    return "|---|" if RULE.match(line) else PADDING.sub("|", line)


def differences(first: dict[str, str], second: dict[str, str]) -> str:
    """The first lines that differ, file by file (an assertion message)."""
    out = [f"only in one: {sorted(set(first) ^ set(second))}"]
    for name in sorted(set(first) & set(second)):
        a, b = first[name].splitlines(), second[name].splitlines()
        lines = [(i + 1, x, y) for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y][:3]
        if lines or len(a) != len(b):
            out.append(f"{name}: {len(a)} vs {len(b)} lines")
            out.extend(f"  line {n}:\n    {x[:300]}\n    {y[:300]}" for n, x, y in lines)
    return "\n".join(out)
