"""The reports name the netwarden that wrote them (issue 11, defect 15): SARIF's
``driver.version`` was copied from the snapshot's ``tool_version``, which any snapshot file
sets to whatever it likes (an old release, another machine, an attacker's string)."""

from __future__ import annotations

import json
from typing import Any

from scanner import __version__
from scanner.report import jsonreport, markdown, run_info_from_snapshot, sarif
from tests.unit.report.fixtures import RULES


def snapshot(tool_version: str) -> dict[str, Any]:
    return {
        "schema": "netwarden/snapshot/v1",
        "collected_at": "2026-11-28T03:00:00+00:00",
        "tool_version": tool_version,
        "accounts": {"123456789012": {"regions": {"us-east-1": {"resources": {}, "errors": []}}}},
        "stats": {"api_calls": 0, "duration_s": 0},
    }


def run_of(tool_version: str) -> Any:
    return run_info_from_snapshot(
        snapshot(tool_version),
        rules=RULES,
        policy_pack_dir="policies",
        policy_pack_digest="sha256:x",
        baseline_dir="baselines",
    )


def test_sarif_driver_is_the_running_netwarden() -> None:
    log = json.loads(sarif.render([], run_of("0.0.1-from-an-old-collector")))
    driver = log["runs"][0]["tool"]["driver"]
    assert driver["version"] == __version__
    assert driver["semanticVersion"] == __version__
    # Where the snapshot came from is still said, as a run property.
    assert log["runs"][0]["properties"]["snapshotToolVersion"] == "0.0.1-from-an-old-collector"


def test_the_other_reports_agree() -> None:
    run = run_of("9.9.9")
    document = json.loads(jsonreport.render([], run))
    assert document["run"]["tool_version"] == __version__
    assert document["run"]["snapshot_tool_version"] == "9.9.9"
    text = markdown.render([], run)
    assert f"netwarden {__version__} (snapshot collected by netwarden 9.9.9)" in text.replace(
        "\\", ""
    )


def test_nothing_extra_when_the_same_netwarden_collected() -> None:
    run = run_of(__version__)
    assert run.snapshot_tool_version is None
    log = json.loads(sarif.render([], run))
    assert "snapshotToolVersion" not in log["runs"][0]["properties"]
