"""Policy findings located at their resource's baseline entry (scanner.baseline.locate)."""

from __future__ import annotations

import dataclasses

from scanner.baseline.locate import LineRecorder, at_baseline_entries
from scanner.baseline.store import RegionBaseline
from scanner.model import Location
from tests.unit.report.fixtures import ACCOUNT, drift_finding, sg_finding

PATH = f"baselines/{ACCOUNT}/eu-west-1.yaml"


def _baselines() -> dict[tuple[str, str], RegionBaseline]:
    lines = {
        ("resources",): 4,
        ("resources", "aws.security-group"): 5,
        ("resources", "aws.security-group", "sg-0a1b2c3d"): 6,
        ("resources", "aws.security-group", "sg-0a1b2c3d", "Ingress"): 9,
    }
    return {(ACCOUNT, "eu-west-1"): RegionBaseline(ACCOUNT, "eu-west-1", PATH, {}, lines)}


def test_a_listed_resource_is_located_at_its_entry_and_others_stay() -> None:
    recorder = LineRecorder(_baselines())
    assert recorder.get((ACCOUNT, "eu-west-1")) is not None  # as drift reads it
    assert recorder.get(("999999999999", "eu-west-1")) is None
    listed = dataclasses.replace(sg_finding(), region="eu-west-1")
    unlisted = dataclasses.replace(sg_finding("sg-new"), region="eu-west-1")
    other_region = sg_finding()  # its region's baseline was never read
    drift = drift_finding()
    moved = at_baseline_entries(
        [listed, unlisted, other_region, drift], recorder.lines, recorder.paths
    )
    assert moved[0].location == Location(PATH, 6)
    assert moved[1].location == unlisted.location
    assert moved[2].location == other_region.location
    assert moved[3] == drift
    # The fingerprint never depends on the location.
    assert moved[0].fingerprint == listed.fingerprint


def test_the_recorder_keeps_only_resource_lines() -> None:
    recorder = LineRecorder(_baselines())
    recorder[(ACCOUNT, "eu-west-1")]
    assert recorder.lines == {(ACCOUNT, "eu-west-1"): {("aws.security-group", "sg-0a1b2c3d"): 6}}
    assert len(recorder) == 1 and list(recorder) == [(ACCOUNT, "eu-west-1")]
