"""Less noise through the pipeline: one posture finding per account and control, unbaselined
regions as one note, related findings of one resource as one row (literal snapshots)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from scanner.baseline import store
from scanner.pipeline import ScanRequest, scan
from tests.unit.policy.snapshots import ACCOUNT, perm, sg, snapshot

REPO = Path(__file__).resolve().parents[3]
POLICIES = str(REPO / "policies")
# 38 region names, as an account with every region enabled has them.
NAMES = [
    f"{area}-{side}-1"
    for area in ("us", "eu", "ap", "sa", "ca", "me", "af", "il", "mx", "cn")
    for side in ("east", "west", "central", "north", "south")
]
REGIONS = (*NAMES[:37], "us-east-2")


def _scan(tmp_path: Path, world: dict[str, Any], **extra: Any) -> Any:
    values: dict[str, Any] = {
        "snapshot": world,
        "baseline_dir": str(tmp_path / "baselines"),
        "policies_dir": POLICIES,
        "processes": 1,
        "baseline_commit": False,
        "output_dir": str(tmp_path / "out"),
        "formats": ("json", "markdown"),
    }
    values.update(extra)
    return scan(ScanRequest(**values))


def test_a_38_region_scan_gives_one_posture_finding_per_control(tmp_path: Path) -> None:
    assert len(set(REGIONS)) == 38
    world = snapshot({}, region=REGIONS[0], extra={(ACCOUNT, r): {} for r in REGIONS[1:]})
    result = _scan(tmp_path, world)
    posture = [f for f in result.findings if f.resource_type == "aws.account"]
    rules = [f.rule_id for f in posture]
    assert len(rules) == len(set(rules)) and "NW-DET-001" in rules  # once per control
    trail = next(f for f in posture if f.rule_id == "NW-DET-001")
    assert trail.region == "us-east-1"  # the anchor region, scanned
    assert sorted(trail.evidence["regions"]) == sorted(REGIONS)
    assert "in 38 of 38 region(s) scanned" in trail.message
    doc = json.loads((tmp_path / "out" / "findings.json").read_text())
    assert sum(1 for f in doc["findings"] if f["rule_id"] == "NW-DET-001") == 1


def test_only_the_regions_lacking_the_control_are_listed(tmp_path: Path) -> None:
    recorder = {
        "name": "default",
        "roleARN": "arn:aws:iam::1:role/config",
        "recordingGroup": {"allSupported": True},
        "status": {"name": "default", "recording": True, "lastStatus": "SUCCESS"},
        "deliveryChannel": {"name": "default", "s3BucketName": "b"},
    }
    world = snapshot(
        {"aws.config-recorder": [recorder]},
        region="us-east-1",
        extra={(ACCOUNT, "eu-west-1"): {}, (ACCOUNT, "ap-south-1"): {}},
    )
    result = _scan(tmp_path, world)
    (config,) = [f for f in result.findings if f.rule_id == "NW-DET-002"]
    assert config.evidence["regions"] == ["ap-south-1", "eu-west-1"]
    assert config.region == "us-east-1"  # reported once, in the anchor region
    assert "in 2 of 3 region(s) scanned: ap-south-1, eu-west-1" in config.message


def test_unbaselined_regions_are_one_note_not_added_drift(tmp_path: Path) -> None:
    group = sg("sg-1", [perm("tcp", 443, v4=("10.0.0.0/8",))])
    baselined = snapshot({"aws.security-group": [group]})
    store.write_all(tmp_path / "baselines", sorted(store.project_snapshot(baselined).items()))
    world = snapshot(
        {"aws.security-group": [group]},
        extra={
            (ACCOUNT, "eu-north-1"): {"aws.security-group": [sg("sg-2", []), sg("sg-3", [])]},
            ("222222222222", "eu-west-1"): {"aws.security-group": [sg("sg-4", [])]},
        },
    )
    result = _scan(tmp_path, world)
    assert result.drift_checked is True
    assert [f for f in result.findings if f.kind == "drift"] == []
    (note,) = result.notes
    assert note["kind"] == "not-baselined"
    assert f"{ACCOUNT}: eu-north-1" in note["message"]
    assert "222222222222 (no baseline at all): eu-west-1" in note["message"]
    assert "baseline create --regions eu-north-1,eu-west-1" in note["message"]
    doc = json.loads((tmp_path / "out" / "findings.json").read_text())
    assert doc["run"]["notes"] == [dict(note)]
    md = (tmp_path / "out" / "report.md").read_text()
    assert "**Note (not-baselined):** not baselined" in md.split("## Coverage", 1)[1]


def test_related_findings_of_one_resource_are_one_row(tmp_path: Path) -> None:
    world = snapshot({"aws.security-group": [sg("sg-1", [perm("tcp", 22, v4=("0.0.0.0/0",))])]})
    result = _scan(tmp_path, world)
    on_sg = sorted(f.rule_id for f in result.findings if f.resource_id == "sg-1")
    assert on_sg == ["NW-SG-001", "NW-SG-002", "NW-SG-006"]  # all kept in findings.json
    md = (tmp_path / "out" / "report.md").read_text()
    top = md.split("### Most severe", 1)[1].split("\n## ", 1)[0]
    row = next(line for line in top.splitlines() if "`sg-1`" in line)
    assert "`NW-SG-002`, `NW-SG-001`, `NW-SG-006`" in row
    assert sum(1 for line in top.splitlines() if "`sg-1`" in line) == 1
    # No interface uses sg-1: its open rules are latent, lowered (critical and high to
    # medium and low), and still one row led by the most severe.
    assert "**Same problem, also reported by:** `NW-SG-001` (low), `NW-SG-006` (low)" in md
