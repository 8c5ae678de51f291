"""The optional Finding fields ``waiver`` and ``status``: never part of the fingerprint, in
findings.json only when set, read back by finding_from_dict."""

from __future__ import annotations

from dataclasses import replace

from scanner.model import finding_from_dict
from tests.unit.signal.findings import finding

WAIVER = {"reason": "r", "owner": "o", "expires": "2027-01-01", "path": "waivers.yaml", "line": 2}


def test_unset_fields_are_absent_from_the_dict() -> None:
    data = finding().to_dict()
    assert "waiver" not in data and "status" not in data


def test_set_fields_round_trip_and_leave_the_fingerprint_alone() -> None:
    plain = finding()
    marked = replace(plain, waiver=WAIVER, status="existing")
    assert marked.fingerprint == plain.fingerprint
    data = marked.to_dict()
    assert data["waiver"] == WAIVER and data["status"] == "existing"
    back = finding_from_dict(data)
    assert back == marked
    assert finding_from_dict(plain.to_dict()) == plain
