"""The reporter registry and write_reports (the only file writes of the reporting step)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from scanner.report import REPORTERS, Reporter, parse_formats, write_reports
from tests.unit.report.fixtures import FINDINGS, RUN


def test_registry_names_and_files() -> None:
    assert {name: REPORTERS.get(name).filename for name in REPORTERS} == {
        "sarif": "netwarden.sarif",
        "markdown": "report.md",
        "json": "findings.json",
        "html": "report.html",
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
    with pytest.raises(
        ValueError, match=r"unknown report format 'pdf'.*known: html, json, markdown"
    ):
        write_reports(FINDINGS, RUN, tmp_path, ["sarif", "pdf"])
    assert list(tmp_path.iterdir()) == []
    assert parse_formats("SARIF,,markdown") == ("sarif", "markdown")


def test_run_info_accepts_lists_and_an_inventory_mapping() -> None:
    from scanner.report import RunInfo

    run = RunInfo(
        tool_version="1",
        collected_at="t",
        accounts=["2", "1"],  # type: ignore[arg-type]
        regions=["us-east-1"],  # type: ignore[arg-type]
        policy_pack_digest="d",
        policy_pack_dir="policies",
        baseline_dir="baselines",
        inventory={("2", "us-east-1", "aws.vpc"): 3, ("1", "us-east-1", "aws.vpc"): 1},  # type: ignore[arg-type]
    )
    assert run.accounts == ("2", "1")
    assert run.inventory == (("1", "us-east-1", "aws.vpc", 1), ("2", "us-east-1", "aws.vpc", 3))
    assert run.scope_id == "netwarden/"


def test_run_info_from_a_snapshot() -> None:
    from scanner.report import DRIFT_RULES, run_info_from_snapshot
    from tests.unit.report.fixtures import RULES

    snapshot = {
        "schema": "netwarden/snapshot/v1",
        "collected_at": "2026-11-28T03:00:00+00:00",
        "tool_version": "0.1.0",
        "accounts": {
            "123456789012": {
                "regions": {
                    "us-east-1": {
                        "resources": {"aws.vpc": [{"VpcId": "vpc-1"}, {"VpcId": "vpc-2"}]},
                        "errors": [
                            {"type": "aws.nat-gateway", "code": "AccessDenied", "message": "no"}
                        ],
                    },
                    "eu-west-1": {"resources": {"aws.vpc": []}, "errors": []},
                }
            }
        },
        "stats": {"api_calls": 9, "duration_s": 1.5},
    }
    run = run_info_from_snapshot(
        snapshot,
        rules=RULES,
        policy_pack_dir="policies",
        policy_pack_digest="sha256:x",
        baseline_dir="baselines",
        baseline_commit=None,
    )
    assert run.accounts == ("123456789012",)
    assert run.regions == ("eu-west-1", "us-east-1")
    assert run.api_calls == 9
    assert run.coverage_gaps == (
        {
            "account": "123456789012",
            "region": "us-east-1",
            "type": "aws.nat-gateway",
            "code": "AccessDenied",
            "message": "no",
        },
    )
    assert run.inventory == (
        ("123456789012", "eu-west-1", "aws.vpc", 0),
        ("123456789012", "us-east-1", "aws.vpc", 2),
    )
    assert [r.id for r in run.rules] == sorted(r.id for r in RULES)
    assert {r.kind for r in DRIFT_RULES} == {"drift"}


def test_presorted_findings_render_exactly_like_raw_ones() -> None:
    from scanner.report import presort

    ready = presort(list(reversed(FINDINGS)))
    assert presort(ready) is ready
    assert len(ready) == len(FINDINGS) and ready[0].severity == "high"
    assert [f.rule_id for f in ready[:2]] == ["NW-SG-001", "NW-SG-001"]
    for name in REPORTERS:
        render = REPORTERS.get(name).render
        assert render(ready, RUN) == render(FINDINGS, RUN)


def test_a_format_that_fails_to_render_leaves_no_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The formats are written one at a time, but appear together or not at all."""

    def broken(*_: object) -> str:
        raise RuntimeError("cannot render")

    real_get = REPORTERS.get

    def get(name: str) -> Reporter:
        found = real_get(name)
        return dataclasses.replace(found, render=broken) if name == "json" else found

    monkeypatch.setattr(REPORTERS, "get", get)
    with pytest.raises(RuntimeError):
        write_reports(FINDINGS, RUN, tmp_path, ("sarif", "markdown", "json"))
    assert list(tmp_path.iterdir()) == []
