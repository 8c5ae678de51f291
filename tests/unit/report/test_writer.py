"""The reporter registry and write_reports (the only file writes of the reporting step)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scanner.report import REPORTERS, parse_formats, write_reports
from tests.unit.report.fixtures import FINDINGS, RUN


def test_registry_names_and_files() -> None:
    assert {name: REPORTERS.get(name).filename for name in REPORTERS} == {
        "sarif": "netwarden.sarif",
        "markdown": "report.md",
        "json": "findings.json",
    }


def test_writes_every_format(tmp_path: Path) -> None:
    paths = write_reports(FINDINGS, RUN, tmp_path / "out")
    assert [p.name for p in paths] == ["netwarden.sarif", "report.md", "findings.json"]
    assert json.loads((tmp_path / "out" / "findings.json").read_text())["findings"]
    assert not list((tmp_path / "out").glob(".*.tmp"))


def test_writes_only_the_asked_formats(tmp_path: Path) -> None:
    paths = write_reports(FINDINGS, RUN, tmp_path, "json, sarif,json")
    assert [p.name for p in paths] == ["findings.json", "netwarden.sarif"]
    assert not (tmp_path / "report.md").exists()


def test_unknown_format_writes_nothing(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"unknown report format 'html'.*known: json, markdown"):
        write_reports(FINDINGS, RUN, tmp_path, ["sarif", "html"])
    assert list(tmp_path.iterdir()) == []
    assert parse_formats("SARIF,,markdown") == ("sarif", "markdown")
