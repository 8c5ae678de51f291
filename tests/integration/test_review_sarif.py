"""`netwarden review`'s SARIF as GitHub reads it: it passes the multitool's GitHub (Ghas)
rules, and every result sits on a line the pull request changed (GitHub annotates only
those), the policy file kept as a related location."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from scanner.baseline.projection import project
from scanner.cli import cli
from tests.integration.test_review import WEB, git, write_baseline
from tests.sarif_check import multitool_problems

POLICIES = str(Path(__file__).resolve().parents[2] / "policies")


def _open(group: dict[str, Any], port: int) -> dict[str, Any]:
    rule = {
        "IpProtocol": "tcp",
        "FromPort": port,
        "ToPort": port,
        "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
    }
    return {**group, "IpPermissions": [*group["IpPermissions"], rule]}


def _changed_lines(repo: Path, path: str) -> set[int]:
    """Lines of the working-tree file that `git diff` shows as added or changed."""
    diff = git(repo, "diff", "-U0", "HEAD", "--", path)
    lines: set[int] = set()
    for start, count in re.findall(r"^@@ -\S+ \+(\d+)(?:,(\d+))? @@", diff, re.MULTILINE):
        n = 1 if count == "" else int(count)
        lines.update(range(int(start), int(start) + n))
    return lines


def test_review_results_sit_on_changed_lines_and_pass_ghas(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    other = {**WEB, "GroupId": "sg-db", "GroupName": "db", "IpPermissions": []}
    before = {
        "aws.security-group": {
            "sg-web": project("aws.security-group", WEB),
            "sg-db": project("aws.security-group", other),
        }
    }
    write_baseline(repo, before)
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "baseline")
    new_group = {**WEB, "GroupId": "sg-new", "GroupName": "new", "IpPermissions": []}
    after = {
        "aws.security-group": {
            "sg-web": project("aws.security-group", _open(WEB, 22)),  # SSH to the world
            "sg-db": project("aws.security-group", _open(other, 3389)),  # RDP to the world
            "sg-new": project("aws.security-group", _open(new_group, 5432)),
        }
    }
    path = write_baseline(repo, after).relative_to(repo).as_posix()
    out = tmp_path / "review"
    monkeypatch.chdir(repo)
    result = CliRunner().invoke(
        cli, ["review", "--base", "HEAD", "--policies", POLICIES, "-o", str(out)]
    )
    assert result.exit_code == 1, result.output
    sarif = json.loads((out / "netwarden.sarif").read_text())
    [run] = sarif["runs"]
    assert run["automationDetails"]["id"] == "netwarden-review/"
    results = run["results"]
    kinds = {r["properties"]["kind"] for r in results}
    assert kinds == {"drift", "policy"}, kinds
    # Drift messages are one sentence in words; the rule JSON is only in properties.evidence.
    drifted = {
        r["properties"]["resourceId"]: r["message"]["text"]
        for r in results
        if r["properties"]["kind"] == "drift"
    }
    assert drifted["sg-web"].startswith(
        "Security group sg-web gained ingress tcp/22 from 0.0.0.0/0 outside the baseline"
    )
    assert drifted["sg-new"].startswith("Security group sg-new was created outside the baseline")
    assert all("{" not in text and len(text) <= 300 for text in drifted.values()), drifted
    changed = _changed_lines(repo, path)
    assert changed
    for res in results:
        where = res["locations"][0]["physicalLocation"]
        assert where["artifactLocation"]["uri"] == path
        line = where["region"]["startLine"]
        assert line in changed, (res["ruleId"], res["properties"]["resourceId"], line, changed)
        if res["properties"]["kind"] == "policy":
            related = res["relatedLocations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            assert related.endswith(".yml")
    staged = tmp_path / "ghas"
    staged.mkdir()
    copy = staged / "review.sarif"
    copy.write_text((out / "netwarden.sarif").read_text())
    problems = multitool_problems([copy], "Ghas", staged / "validation-Ghas.sarif")
    assert problems == {"review.sarif": []}
