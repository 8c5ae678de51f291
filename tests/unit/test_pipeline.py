"""The library API (scanner.pipeline) on literal snapshots: no AWS, no click, one process."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from scanner.baseline import store
from scanner.errors import InputError
from scanner.pipeline import (
    STAGES,
    Progress,
    ScanContext,
    ScanRequest,
    ScanResult,
    exit_code,
    run_stages,
    scan,
    snapshot_exit_code,
)
from scanner.report.run import RunInfo
from tests.unit.policy.snapshots import ACCOUNT, REGION, exposed, perm, sg, snapshot

REPO = Path(__file__).resolve().parents[2]
POLICIES = str(REPO / "policies")


def _open_ssh_world() -> dict[str, Any]:
    group = sg("sg-1", [perm("tcp", 22, v4=("0.0.0.0/0",))])
    # On an internet-facing interface: the open rule is reachable, so it stays critical.
    return snapshot({"aws.security-group": [group], **exposed("sg-1")})


def _request(tmp_path: Path, snap: Any, **overrides: Any) -> ScanRequest:
    values: dict[str, Any] = {
        "snapshot": snap,
        "baseline_dir": str(tmp_path / "baselines"),
        "policies_dir": POLICIES,
        "processes": 1,
        "baseline_commit": False,
    }
    values.update(overrides)
    return ScanRequest(**values)


def _write_baseline(tmp_path: Path, snap: dict[str, Any]) -> None:
    store.write_all(tmp_path / "baselines", sorted(store.project_snapshot(snap).items()))


def test_scan_without_a_baseline_evaluates_policies_and_skips_drift(tmp_path: Path) -> None:
    result = scan(_request(tmp_path, _open_ssh_world()))
    assert result.drift_checked is False
    assert result.deltas == ()
    assert {f.kind for f in result.findings} == {"policy"}
    ssh = [f for f in result.findings if f.resource_id == "sg-1"]
    assert "critical" in {f.severity for f in ssh}  # SSH open to the world
    assert result.incomplete == ()
    assert result.written == ()  # no output_dir: nothing written
    assert exit_code(result, "critical") == 1
    assert exit_code(result, "none") == 0


def test_scan_with_a_baseline_reports_drift_and_writes_the_reports(tmp_path: Path) -> None:
    # The baseline has the interface but no security group.
    _write_baseline(tmp_path, snapshot(exposed("sg-1")))
    out = tmp_path / "reports"
    result = scan(_request(tmp_path, _open_ssh_world(), output_dir=str(out), formats=("json",)))
    assert result.drift_checked is True
    assert [(d.change, d.resource_id) for d in result.deltas] == [("added", "sg-1")]
    drift = [f for f in result.findings if f.kind == "drift"]
    assert [(f.rule_id, f.resource_id) for f in drift] == [("drift/added", "sg-1")]
    # The new group opens SSH on an internet-facing interface: exposure drift, critical.
    assert drift[0].severity == "critical"
    assert drift[0].message.endswith("This change makes i-1 reachable from the internet on tcp/22.")
    assert drift[0].exposure is not None and drift[0].exposure["enis"] == ["eni-1"]
    assert result.written == (out / "findings.json",)
    written = json.loads((out / "findings.json").read_text())
    assert len(written["findings"]) == len(result.findings)
    assert result.findings == tuple(sorted(result.findings, key=lambda f: f.sort_key()))
    assert "1 drift" in result.summary()


def test_drift_only_scan_needs_no_rule_pack(tmp_path: Path) -> None:
    _write_baseline(tmp_path, snapshot())
    result = scan(_request(tmp_path, _open_ssh_world(), policies_dir=None, require_baseline=True))
    assert {f.kind for f in result.findings} == {"drift"}
    assert result.run.rules == ()
    # Every drift is at least "info": that is how `diff` fails on any drift.
    assert exit_code(result, "info") == 1


def test_a_required_baseline_that_is_missing_is_bad_input(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no baseline in"):
        scan(_request(tmp_path, snapshot(), policies_dir=None, require_baseline=True))


def test_a_bad_rule_pack_fails_before_the_snapshot_is_read(tmp_path: Path) -> None:
    (tmp_path / "pack").mkdir()
    (tmp_path / "pack" / "bad.yml").write_text("policies: [{name: x}]\n")
    missing = str(tmp_path / "no-such-snapshot.json")
    with pytest.raises(InputError, match=r"bad\.yml"):
        scan(_request(tmp_path, missing, policies_dir=str(tmp_path / "pack")))


def test_an_unknown_format_is_bad_input_when_the_request_is_made(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="--format: unknown report format 'pdf'"):
        _request(tmp_path, snapshot(), formats=("sarif", "pdf"))
    with pytest.raises(InputError, match="at least one"):
        _request(tmp_path, snapshot(), formats=())


def test_coverage_gaps_make_the_scan_incomplete(tmp_path: Path) -> None:
    snap = snapshot()
    snap["accounts"][ACCOUNT]["regions"][REGION]["errors"] = [
        {"type": "aws.nat-gateway", "code": "AccessDenied", "message": "no"}
    ]
    result = scan(_request(tmp_path, snap))
    assert result.incomplete
    assert [g["type"] for g in result.coverage_gaps] == ["aws.nat-gateway"]
    assert exit_code(result, "none") == 3  # an empty world has posture findings


def test_progress_names_every_stage_in_order(tmp_path: Path) -> None:
    events: list[Progress] = []
    scan(_request(tmp_path, snapshot()), events.append)
    assert [e.stage for e in events] == [stage.__name__ for stage in STAGES]


def test_a_stage_is_one_function_added_to_the_list(tmp_path: Path) -> None:
    def drop_low(ctx: ScanContext) -> ScanContext:
        return ctx.advance(findings=tuple(f for f in ctx.findings if f.severity != "low"))

    i = STAGES.index(next(s for s in STAGES if s.__name__ == "gather_findings")) + 1
    stages = (*STAGES[:i], drop_low, *STAGES[i:])
    ctx = run_stages(_request(tmp_path, _open_ssh_world()), stages)
    assert ctx.findings and all(f.severity != "low" for f in ctx.findings)


def test_the_shard_applies_to_a_snapshot_given_as_data(tmp_path: Path) -> None:
    from scanner.pipeline import AwsOptions
    from scanner.shard import shard_of

    mine = shard_of(ACCOUNT, 2)
    other = 2 if mine == 1 else 1
    result = scan(_request(tmp_path, snapshot(), aws=AwsOptions(shard=f"{other}/2")))
    assert result.run.accounts == ()


def _result(severities: list[str], incomplete: tuple[str, ...] = ()) -> ScanResult:
    from scanner.model import Finding, Location

    findings = tuple(
        Finding(
            rule_id="NW-X",
            kind="policy",
            severity=s,  # type: ignore[arg-type]
            title="t",
            message="m",
            account=ACCOUNT,
            region=REGION,
            resource_type="aws.vpc",
            resource_id=f"vpc-{i}",
            arn="",
            evidence={},
            remediation=(),
            compliance=(),
            location=Location("policies/x.yml", 1),
        )
        for i, s in enumerate(severities)
    )
    run = RunInfo(
        tool_version="0",
        collected_at="",
        accounts=(),
        regions=(),
        policy_pack_digest="",
        policy_pack_dir="",
        baseline_dir="",
    )
    return ScanResult(
        findings=findings,
        deltas=(),
        drift_checked=False,
        run=run,
        incomplete=incomplete,
        written=(),
        snapshot={},
    )


@pytest.mark.parametrize(
    ("severities", "incomplete", "fail_on", "expected"),
    [
        ([], (), "high", 0),
        (["medium"], (), "high", 0),
        (["medium"], (), "medium", 1),
        (["critical"], (), "none", 0),
        ([], ("a region could not be read",), "high", 3),
        (["low"], ("gap",), "high", 3),
        # findings (1) come before incomplete (3)
        (["high"], ("gap",), "high", 1),
        (["info"], (), "info", 1),
    ],
)
def test_exit_code_follows_the_contract(
    severities: list[str], incomplete: tuple[str, ...], fail_on: str, expected: int
) -> None:
    assert exit_code(_result(severities, incomplete), fail_on) == expected


def test_a_snapshot_with_a_type_not_read_is_incomplete() -> None:
    """`collect` and `baseline create`: 3 when any type failed anywhere, else 0."""
    world = snapshot({"aws.security-group": [sg("sg-1", [])]})
    assert snapshot_exit_code(world) == 0
    region = world["accounts"][ACCOUNT]["regions"][REGION]
    region["errors"] = [{"type": "aws.vpc", "code": "AccessDenied", "message": "denied"}]
    assert snapshot_exit_code(world) == 3
    region["errors"] = []
    world["accounts"][ACCOUNT]["errors"] = [{"code": "AccessDenied", "message": "no role"}]
    assert snapshot_exit_code(world) == 3


def test_the_readme_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    readme = (REPO / "README.md").read_text()
    section = readme.split("## Run a scan from Python", 1)[1]
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    assert len([line for line in code.splitlines() if line.strip()]) == 5
    (tmp_path / "policies").symlink_to(POLICIES)
    snap = {**_open_ssh_world(), "tool_version": "0.1.0", "collected_at": "2026-01-01T00:00:00Z"}
    (tmp_path / "snapshot.json").write_text(json.dumps(snap))
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as exited:
        exec(compile(code, "README.md", "exec"), {})
    assert exited.value.code == 1
    assert (tmp_path / "reports" / "netwarden.sarif").is_file()
