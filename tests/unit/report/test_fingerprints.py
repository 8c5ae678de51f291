"""Fingerprints: stable across runs, distinct per resource, blind to file layout."""

from __future__ import annotations

import json
from dataclasses import replace

from scanner.model import Location
from scanner.report import sarif
from tests.unit.report.fixtures import RUN, drift_finding, sg_finding


def _hashes(findings: list) -> dict[str, str]:
    run = json.loads(sarif.render(findings, RUN))["runs"][0]
    return {
        r["properties"]["resourceId"] + "/" + r["ruleId"]: r["partialFingerprints"][
            "primaryLocationLineHash"
        ]
        for r in run["results"]
    }


def test_same_findings_same_fingerprints() -> None:
    assert _hashes([sg_finding(), drift_finding()]) == _hashes([drift_finding(), sg_finding()])


def test_two_resources_on_the_same_policy_line_never_merge() -> None:
    hashes = _hashes([sg_finding("sg-0001"), sg_finding("sg-0002")])
    assert len(set(hashes.values())) == 2


def test_same_resource_in_another_account_or_with_other_evidence_differs() -> None:
    base = sg_finding()
    other_account = sg_finding(account="999999999999")
    other_evidence = replace(base, evidence={**base.evidence, "GroupName": "renamed"})
    values = {f.fingerprint for f in (base, other_account, other_evidence)}
    assert len(values) == 3


def test_drift_keeps_its_fingerprint_when_the_baseline_line_moves() -> None:
    assert _hashes([drift_finding(line=27)]) == _hashes([drift_finding(line=90)])
    moved = replace(drift_finding(), location=Location("baselines/elsewhere.yaml", 5))
    assert moved.fingerprint == drift_finding().fingerprint


def test_wording_changes_keep_the_fingerprint() -> None:
    reworded = replace(sg_finding(), title="Another title", message="another message")
    assert _hashes([reworded]) == _hashes([sg_finding()])


def test_hash_format_is_the_finding_fingerprint_with_an_occurrence() -> None:
    finding = sg_finding()
    (value,) = _hashes([finding]).values()
    assert value == f"{finding.fingerprint}:1"
