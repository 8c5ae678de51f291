"""GitHub's own checks: the SARIF multitool's GHAS ingestion rules and its SARIF rules.

The tool is an npm package with a self-contained .NET binary (``npm ci --prefix
tools/sarif``). Missing, this test skips, unless ``CI`` is set: then it fails, because CI
must prove that GitHub would accept the file.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from scanner.report import sarif
from tests.sarif_check import multitool_problems
from tests.unit.report.fixtures import FINDINGS, RUN, hostile_finding, info_finding


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


@pytest.mark.slow  # runs the multitool (a .NET process)
@pytest.mark.parametrize("kind", ["Ghas", "Sarif"])
def test_multitool_finds_no_problem(sarif_files: list[Path], kind: str, tmp_path: Path) -> None:
    problems = multitool_problems(sarif_files, kind, tmp_path / f"validation-{kind}.sarif")
    if kind == "Ghas":
        assert any("GH1015" in p for p in problems.pop("canary.sarif"))
    else:
        problems.pop("canary.sarif")
    assert problems == {name: [] for name in problems}, json.dumps(problems, indent=2)
