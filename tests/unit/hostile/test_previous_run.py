"""``scan --previous``: the previous run's findings.json comes from a bucket others can write.

Whatever it holds, the scan either refuses it (exit 2, located by JSON path, nothing written)
or writes every report and Security Hub batch from it; never a crash in a reporter.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scanner.errors import InputError
from scanner.pipeline import ScanRequest, scan
from scanner.securityhub.publish import security_hub_import
from tests.unit.fuzzing import examples
from tests.unit.hostile.test_fuzz_loaders import PROFILE, mutated
from tests.unit.policy.snapshots import perm, sg, snapshot

REPO = Path(__file__).resolve().parents[3]
FORMATS = ("json", "markdown", "html", "sarif")
# Each example is a whole scan writing four reports: a dozen in `make unit`, thousands in
# `make fuzz`.
SCANS = examples(12, 2000, suppress_health_check=PROFILE.suppress_health_check)


def _world(*groups: str) -> dict[str, Any]:
    return snapshot(
        {"aws.security-group": [sg(g, [perm("tcp", 22, v4=("0.0.0.0/0",))]) for g in groups]}
    )


def _scan(out: Path, previous: Path | None = None) -> Any:
    return scan(
        ScanRequest(
            snapshot=_world("sg-kept"),
            baseline_dir=str(out.parent / "no-baseline"),
            policies_dir=str(REPO / "policies"),
            processes=1,
            baseline_commit=False,
            output_dir=str(out),
            formats=FORMATS,
            previous=previous,
        )
    )


@cache
def _previous_document(tmp: str) -> dict[str, Any]:
    """A real findings.json with one finding that tonight's scan resolves (sg-gone)."""
    out = Path(tmp) / "night1"
    scan(
        ScanRequest(
            snapshot=_world("sg-gone"),
            baseline_dir=str(Path(tmp) / "no-baseline"),
            policies_dir=str(REPO / "policies"),
            processes=1,
            baseline_commit=False,
            output_dir=str(out),
            formats=("json",),
        )
    )
    document: dict[str, Any] = json.loads((out / "findings.json").read_text())
    document["findings"] = [next(f for f in document["findings"] if f["resource_id"] == "sg-gone")]
    return document


@pytest.fixture(scope="module")
def previous_document(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return _previous_document(str(tmp_path_factory.mktemp("previous")))


class _Hub:
    def batch_import_findings(self, Findings: list[Any]) -> dict[str, Any]:
        json.dumps(Findings)  # what botocore would send: plain JSON
        return {"SuccessCount": len(Findings), "FailedCount": 0}


def _run_with(previous: Any, tmp_path: Path) -> None:
    file = tmp_path / "prev" / "findings.json"
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text(json.dumps(previous))
    out = tmp_path / "out"
    try:
        result = _scan(out, file)
    except InputError as error:
        assert error.path == str(file)
        assert error.line or error.message.startswith("$"), f"not located: {error}"
        assert not out.exists(), "a refused previous run must write nothing"
        return
    assert {p.name for p in out.iterdir()} >= {"findings.json", "report.md", "report.html"}
    assert result.run is not None
    security_hub_import(result.findings, result.resolved, result.run, lambda a, r: _Hub())


def test_the_seed_previous_run_resolves_its_finding(
    previous_document: dict[str, Any], tmp_path: Path
) -> None:
    result = _scan(tmp_path / "out", None)
    assert result.resolved == ()
    file = tmp_path / "findings.json"
    file.write_text(json.dumps(previous_document))
    again = _scan(tmp_path / "again", file)
    assert [r["resource_id"] for r in again.resolved] == ["sg-gone"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("severity", {"a": 1}),  # report.html looked it up in a dict: TypeError, exit 4
        ("severity", ["high"]),
        ("title", ["<b>"]),
        ("compliance", 5),  # Security Hub iterated it: TypeError
        ("compliance", "CIS-AWS-5.2"),  # ... or made one requirement per character
        ("compliance", [1, 2]),
        ("arn", {"x": 1}),
        ("kind", 3),
    ],
)
def test_a_resolved_entry_of_the_wrong_type_is_refused_at_its_json_path(
    previous_document: dict[str, Any], tmp_path: Path, field: str, value: Any
) -> None:
    bad = json.loads(json.dumps(previous_document))
    bad["findings"][0][field] = value
    file = tmp_path / "findings.json"
    file.write_text(json.dumps(bad))
    with pytest.raises(InputError, match=rf": \$\.findings\[0\]\.{field} must be"):
        _scan(tmp_path / "out", file)
    assert not (tmp_path / "out").exists()


@SCANS
@given(data=st.data())
def test_any_previous_run_is_refused_or_reported(
    previous_document: dict[str, Any], tmp_path_factory: pytest.TempPathFactory, data: Any
) -> None:
    _run_with(data.draw(mutated(previous_document)), tmp_path_factory.mktemp("run"))
