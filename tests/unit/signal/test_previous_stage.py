"""scan --previous through the pipeline and the reports, on literal snapshots (no AWS)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from scanner.errors import InputError
from scanner.pipeline import ScanRequest, scan
from tests.unit.policy.snapshots import perm, sg, snapshot

REPO = Path(__file__).resolve().parents[3]
POLICIES = str(REPO / "policies")


def _world(*groups: str) -> dict[str, Any]:
    return snapshot(
        {"aws.security-group": [sg(g, [perm("tcp", 22, v4=("0.0.0.0/0",))]) for g in groups]}
    )


def _scan(tmp_path: Path, world: dict[str, Any], out: str, **extra: Any) -> Any:
    return scan(
        ScanRequest(
            snapshot=world,
            baseline_dir=str(tmp_path / "no-baseline"),
            policies_dir=POLICIES,
            processes=1,
            baseline_commit=False,
            output_dir=str(tmp_path / out),
            formats=("json", "markdown"),
            **extra,
        )
    )


def test_new_existing_and_resolved_reach_every_report(tmp_path: Path) -> None:
    first = _scan(tmp_path, _world("sg-kept", "sg-fixed"), "night1")
    assert first.compared is False and all(f.status is None for f in first.findings)
    second = _scan(tmp_path, _world("sg-kept", "sg-fresh"), "night2", previous=tmp_path / "night1")
    assert second.compared is True
    status = {(f.rule_id, f.resource_id): f.status for f in second.findings}
    assert status[("NW-SG-002", "sg-kept")] == "existing"
    assert status[("NW-SG-002", "sg-fresh")] == "new"
    assert status[("NW-DET-001", "111111111111")] == "existing"  # the account posture
    assert {r["resource_id"] for r in second.resolved} == {"sg-fixed"}
    assert {r["rule_id"] for r in second.resolved} == {"NW-SG-001", "NW-SG-002", "NW-SG-006"}
    # No interface uses the groups: the SSH rules are latent, lowered from critical.
    assert second.summary().startswith("3 new, most severe medium, 3 resolved since")

    doc = json.loads((tmp_path / "night2" / "findings.json").read_text())
    by_id = {(f["rule_id"], f["resource_id"]): f for f in doc["findings"]}
    assert by_id[("NW-SG-002", "sg-fresh")]["status"] == "new"
    assert by_id[("NW-SG-002", "sg-kept")]["status"] == "existing"
    assert sorted((r["rule_id"], r["resource_id"]) for r in doc["resolved"]) == [
        ("NW-SG-001", "sg-fixed"),
        ("NW-SG-002", "sg-fixed"),
        ("NW-SG-006", "sg-fixed"),
    ]
    assert {"fingerprint", "rule_id", "resource_id"} <= set(doc["resolved"][0])
    assert doc["summary"]["new"] == 3 and doc["summary"]["resolved"] == 3
    assert doc["run"]["previous"]["path"] == str(tmp_path / "night1" / "findings.json")

    md = (tmp_path / "night2" / "report.md").read_text()
    # What is new leads the report, before the executive summary.
    assert md.index("## Since the previous run") < md.index("## Executive summary")
    lead = md.split("## Since the previous run", 1)[1].split("## Executive summary", 1)[0]
    new_part = lead.split("### New (3)", 1)[1].split("### Resolved (3)", 1)[0]
    assert "sg-fresh" in new_part and "sg-kept" not in new_part
    assert "sg-fixed" in lead.split("### Resolved (3)", 1)[1]
    assert "**Since the previous run:** new" in md


def test_nothing_new_says_so(tmp_path: Path) -> None:
    _scan(tmp_path, _world("sg-1"), "night1")
    again = _scan(
        tmp_path, _world("sg-1"), "night2", previous=tmp_path / "night1" / "findings.json"
    )
    assert again.new == () and again.resolved == ()
    md = (tmp_path / "night2" / "report.md").read_text()
    assert "**0 new**, 0 resolved" in md and "Nothing new." in md


def test_a_region_not_scanned_tonight_resolves_nothing(tmp_path: Path) -> None:
    _scan(tmp_path, _world("sg-1"), "night1")
    elsewhere = snapshot({"aws.security-group": []}, region="eu-west-1")
    result = _scan(tmp_path, elsewhere, "night2", previous=tmp_path / "night1")
    assert result.resolved == ()


@pytest.mark.parametrize(
    ("text", "words"),
    [("{", "not valid JSON"), ('{"schema": "other"}', "not a netwarden findings.json")],
)
def test_a_bad_previous_run_is_exit_2_and_nothing_is_written(
    tmp_path: Path, text: str, words: str
) -> None:
    bad = tmp_path / "findings.json"
    bad.write_text(text)
    with pytest.raises(InputError, match=words):
        _scan(tmp_path, _world("sg-1"), "out", previous=bad)
    assert not (tmp_path / "out").exists()
    with pytest.raises(InputError, match="cannot read the previous run"):
        _scan(tmp_path, _world("sg-1"), "out", previous=tmp_path / "missing")
