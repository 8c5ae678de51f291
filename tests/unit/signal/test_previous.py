"""--previous: new/existing per finding, and resolved only where this scan could look."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scanner.errors import InputError
from scanner.previous import Scope, compare, load_previous, parse_previous, scope_of_snapshot
from tests.unit.signal.findings import ACCOUNT, OTHER, finding

SCOPE = Scope(frozenset({(ACCOUNT, "eu-west-1"), (ACCOUNT, "us-east-1")}))


def previous_of(*findings_: object) -> str:
    return json.dumps(
        {
            "schema": "netwarden/findings/v1",
            "run": {"collected_at": "2026-11-30T03:00:00+00:00"},
            "findings": [f.to_dict() for f in findings_],  # type: ignore[attr-defined]
        }
    )


def test_new_existing_and_resolved() -> None:
    kept = finding("NW-SG-005", "sg-1")
    gone = finding("NW-SG-001", "sg-2")
    fresh = finding("NW-SG-001", "sg-3")
    previous = parse_previous(previous_of(kept, gone), "last/findings.json")
    assert previous.collected_at == "2026-11-30T03:00:00+00:00"
    result = compare([kept, fresh], previous, SCOPE)
    assert [(f.resource_id, f.status) for f in result.findings] == [
        ("sg-1", "existing"),
        ("sg-3", "new"),
    ]
    assert [f.resource_id for f in result.new] == ["sg-3"]
    (resolved,) = result.resolved
    assert resolved["fingerprint"] == gone.fingerprint
    assert (resolved["rule_id"], resolved["resource_id"]) == ("NW-SG-001", "sg-2")
    assert resolved["account"] == ACCOUNT and resolved["region"] == "eu-west-1"


def test_a_changed_evidence_is_a_new_finding() -> None:
    before = finding("NW-SG-001", "sg-1", evidence={"port": 22})
    after = finding("NW-SG-001", "sg-1", evidence={"port": 23})
    result = compare([after], parse_previous(previous_of(before), "f"), SCOPE)
    assert result.findings[0].status == "new"
    assert [r["fingerprint"] for r in result.resolved] == [before.fingerprint]


def test_nothing_resolves_outside_this_scans_reach() -> None:
    unscanned_region = finding("NW-SG-001", "sg-1", region="ap-south-1")
    unscanned_account = finding("NW-SG-001", "sg-2", account=OTHER)
    unreadable = finding("NW-SG-001", "sg-3")
    posture = finding("NW-DET-003", ACCOUNT, resource_type="aws.account", region="us-east-1")
    previous = parse_previous(
        previous_of(unscanned_region, unscanned_account, unreadable, posture), "f"
    )
    scope = Scope(
        SCOPE.regions,
        frozenset({(ACCOUNT, "eu-west-1", "aws.security-group"), (ACCOUNT, "us-east-1", "x")}),
    )
    assert compare([], previous, scope).resolved == ()
    # With everything readable, the two in scope resolve.
    resolved = compare([], previous, SCOPE).resolved
    assert [r["resource_id"] for r in resolved] == ["sg-3", ACCOUNT]


def test_scope_of_a_snapshot() -> None:
    snapshot = {
        "accounts": {
            ACCOUNT: {
                "regions": {
                    "eu-west-1": {"resources": {}, "errors": [{"type": "aws.vpc", "code": "X"}]},
                    "us-east-1": {"resources": {}, "errors": []},
                }
            }
        }
    }
    scope = scope_of_snapshot(snapshot)
    assert scope.regions == SCOPE.regions
    assert scope.gaps == {(ACCOUNT, "eu-west-1", "aws.vpc")}
    assert not scope.could_see(ACCOUNT, "eu-west-1", "aws.vpc")
    assert scope.could_see(ACCOUNT, "eu-west-1", "aws.subnet")
    assert not scope.could_see(ACCOUNT, "eu-west-1", "aws.account")


def test_load_from_a_directory_or_a_file(tmp_path: Path) -> None:
    (tmp_path / "findings.json").write_text(previous_of(finding()), encoding="utf-8")
    assert len(load_previous(tmp_path).findings) == 1
    assert len(load_previous(tmp_path / "findings.json").findings) == 1
    with pytest.raises(InputError, match="cannot read the previous run"):
        load_previous(tmp_path / "nope")


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("{", "not valid JSON"),
        ('{"schema": "netwarden/snapshot/v1"}', "not a netwarden findings.json"),
        ('{"schema": "netwarden/findings/v1", "findings": {}}', "must be a list"),
        ('{"schema": "netwarden/findings/v1", "findings": [1]}', r"findings\[0\] must be"),
        (
            '{"schema": "netwarden/findings/v1", "findings": [{"fingerprint": "a"}]}',
            r"findings\[0\]\.rule_id",
        ),
        ("[" * 100_000 + "]" * 100_000, "JSON"),
    ],
)
def test_bad_previous_files_are_input_errors(text: str, words: str) -> None:
    with pytest.raises(InputError, match=words):
        parse_previous(text, "prev.json")
