"""findings.json: every docs/contract.md field, run metadata, deterministic."""

from __future__ import annotations

import json

from scanner.report import jsonreport
from tests.unit.report.fixtures import FINDINGS, RUN, drift_finding

CONTRACT_FIELDS = {
    "fingerprint",
    "rule_id",
    "kind",
    "severity",
    "title",
    "message",
    "account",
    "region",
    "resource_type",
    "resource_id",
    "arn",
    "evidence",
    "remediation",
    "compliance",
    "location",
    "attribution",
}


def test_document_shape_and_fields() -> None:
    doc = json.loads(jsonreport.render(FINDINGS, RUN))
    assert doc["schema"] == "netwarden/findings/v1"
    assert list(doc) == ["schema", "run", "summary", "findings", "compliance"]
    run = doc["run"]
    assert run["accounts"] == ["123456789012", "210987654321"]
    assert run["policy_pack"] == {"dir": "policies", "digest": "sha256:9f2c4e1b7a3d"}
    assert run["baseline"]["commit"] == "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
    assert run["coverage_gaps"][0]["code"] == "AccessDenied"
    assert run["inventory"][0] == {
        "account": "123456789012",
        "region": "eu-west-1",
        "type": "aws.vpc",
        "count": 1,
    }
    assert doc["summary"]["total"] == len(FINDINGS)
    assert doc["summary"]["by_severity"]["high"] == 3
    assert doc["summary"]["complete"] is False
    for finding in doc["findings"]:
        assert set(finding) == CONTRACT_FIELDS
        assert set(finding["location"]) == {"path", "line"}
        for action in finding["remediation"]:
            assert set(action) == {"description", "cli", "api"}


def test_drift_attribution_and_order() -> None:
    doc = json.loads(jsonreport.render(FINDINGS, RUN))
    severities = [f["severity"] for f in doc["findings"]]
    rank = ["critical", "high", "medium", "low", "info"]
    assert severities == sorted(severities, key=rank.index)
    drift = next(f for f in doc["findings"] if f["rule_id"] == "drift/modified")
    assert drift["attribution"]["principal"] == "arn:aws:iam::123456789012:user/mallory"
    assert drift["fingerprint"] == drift_finding().fingerprint


def test_deterministic_and_empty() -> None:
    assert jsonreport.render(FINDINGS, RUN) == jsonreport.render(list(reversed(FINDINGS)), RUN)
    empty = json.loads(jsonreport.render([], RUN))
    assert empty["findings"] == [] and empty["summary"]["total"] == 0
