"""`netwarden review` in a real git repository with two commits (and a shallow clone)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from scanner.baseline import store
from scanner.baseline.projection import project
from scanner.cli import cli

ACCOUNT, REGION = "111111111111", "us-east-1"
WEB = {
    "GroupId": "sg-web",
    "GroupName": "web",
    "VpcId": "vpc-1",
    "OwnerId": ACCOUNT,
    "IpPermissions": [
        {
            "IpProtocol": "tcp",
            "FromPort": 443,
            "ToPort": 443,
            "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
        },
        {
            "IpProtocol": "tcp",
            "FromPort": 8080,
            "ToPort": 8080,
            "IpRanges": [{"CidrIp": "10.0.0.0/8"}],
        },
    ],
}


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.email=t@example.com", "-c", "user.name=t", *args],
        cwd=repo,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


def write_baseline(repo: Path, resources: dict[str, Any]) -> Path:
    path = repo / "baselines" / ACCOUNT / f"{REGION}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(store.render(ACCOUNT, REGION, resources))
    return path


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    write_baseline(repo, {"aws.security-group": {"sg-web": project("aws.security-group", WEB)}})
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "baseline")
    opened = {
        **WEB,
        "IpPermissions": [
            WEB["IpPermissions"][0],
            {
                "IpProtocol": "tcp",
                "FromPort": 22,
                "ToPort": 22,
                "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
            },
        ],
    }
    write_baseline(
        repo,
        {
            "aws.security-group": {"sg-web": project("aws.security-group", opened)},
            "aws.internet-gateway": {"igw-new": {"vpcs": ["vpc-internal"], "tags": {}}},
        },
    )
    git(repo, "commit", "-qam", "open ssh, add an igw")
    return repo


POLICIES = str(Path(__file__).resolve().parents[2] / "policies")


def run_review(cwd: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[int, str]:
    monkeypatch.chdir(cwd)
    result = CliRunner().invoke(
        cli, ["review", "--policies", POLICIES, "-o", str(cwd / "review-reports"), *args]
    )
    return result.exit_code, result.output


def drift_of(cwd: Path) -> dict[str, Any]:
    """The review's drift findings by resource, from the findings.json it wrote."""
    report = json.loads((cwd / "review-reports" / "findings.json").read_text())
    return {f["resource_id"]: f for f in report["findings"] if f["kind"] == "drift"}


def test_review_locates_widening_changes_at_the_changed_lines(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, output = run_review(repo, monkeypatch, "--base", "HEAD~1")
    assert code == 1, output
    by_id = drift_of(repo)
    assert set(by_id) == {"sg-web", "igw-new"}
    assert (by_id["igw-new"]["rule_id"], by_id["igw-new"]["severity"]) == ("drift/added", "high")
    sg = by_id["sg-web"]
    assert sg["severity"] == "high"
    changes = sg["evidence"]["changes"]
    assert [(c["change"], c.get("new", c.get("old"))["to_port"]) for c in changes] == [
        ("added", 22),
        ("removed", 8080),
    ]
    lines = (repo / sg["location"]["path"]).read_text().splitlines()
    # The location is the added rule's line in the proposed file: what GitHub annotates.
    assert sg["location"]["path"] == f"baselines/{ACCOUNT}/{REGION}.yaml"
    assert lines[sg["location"]["line"] - 1].strip() == "- cidr: 0.0.0.0/0"
    assert "from_port: 22" in lines[sg["location"]["line"]]

    # The rule pack judged the proposed state: SSH from the internet, located at the changed
    # line of the same resource (GitHub annotates only changed lines of a pull request).
    report = json.loads((repo / "review-reports" / "findings.json").read_text())
    ssh = [f for f in report["findings"] if f["rule_id"] == "NW-SG-002"]
    assert [f["resource_id"] for f in ssh] == ["sg-web"]
    assert ssh[0]["location"]["path"] == f"baselines/{ACCOUNT}/{REGION}.yaml"
    assert ssh[0]["location"]["line"] == sg["location"]["line"]
    # Only what the change introduced: 22 is judged, 443 (approved, unchanged) is not.
    unapproved = [f for f in report["findings"] if f["rule_id"] == "NW-SG-001"]
    ports = [p["FromPort"] for f in unapproved for p in f["evidence"]["MatchedIpPermissions"]]
    assert ports == [22]
    sarif = json.loads((repo / "review-reports" / "netwarden.sarif").read_text())
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in sarif["runs"][0]["results"]
    }
    assert uris == {f"baselines/{ACCOUNT}/{REGION}.yaml"}


def test_review_of_an_unchanged_baseline_passes(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, output = run_review(repo, monkeypatch, "--base", "HEAD")
    assert code == 0 and "No drift" in output


def test_review_in_a_shallow_clone_with_the_base_fetched(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = git(repo, "rev-parse", "HEAD~1")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{repo}", str(clone)], check=True)
    git(clone, "fetch", "-q", "--depth", "1", "origin", base)
    code, output = run_review(clone, monkeypatch, "--base", base)
    assert code == 1, output
    assert set(drift_of(clone)) == {"sg-web", "igw-new"}


def test_review_format_chooses_the_reports(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """--format picks the review's reports, as for scan; stdout is the text either way."""
    code, output = run_review(repo, monkeypatch, "--base", "HEAD~1", "--format", "sarif,html")
    assert code == 1, output
    written = sorted(p.name for p in (repo / "review-reports").iterdir())
    assert written == ["netwarden.sarif", "report.html"]
    assert "sg-web" in output and "NW-SG-002" in output


def test_unknown_base_is_bad_input(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, output = run_review(repo, monkeypatch, "--base", "no-such-ref")
    assert code == 2
    assert "netwarden: error: --base: no commit 'no-such-ref'" in output
    assert "git fetch origin no-such-ref" in output


WAIVE_ALL = """\
waivers:
  - rule: "*"
    resource: sg-web
    reason: the SSH rule is a reviewed bastion, ticket SEC-7
    owner: netops@example.com
    expires: 2099-12-31
  - rule: "*"
    resource: igw-new
    reason: the new gateway is approved, ticket SEC-8
    owner: netops@example.com
    expires: 2099-12-31
  - rule: NW-SG-002
    resource: sg-elsewhere
    reason: matches nothing this change touches
    owner: netops@example.com
    expires: 2099-12-31
"""


def test_waivers_accept_the_review_findings_and_none_is_called_stale(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    waivers = repo / "waivers.yaml"
    waivers.write_text(WAIVE_ALL)
    code, output = run_review(repo, monkeypatch, "--base", "HEAD~1", "--waivers", str(waivers))
    assert code == 0, output
    assert "[accepted risk]" in output
    assert "matches no finding" not in output  # a review sees only what the change touches
    run = json.loads((repo / "review-reports" / "findings.json").read_text())["run"]
    assert run["waivers"]["stale"] == []
    assert {w["resource"] for w in run["waivers"]["applied"]} == {"sg-web", "igw-new"}


def test_the_review_is_one_library_call(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from scanner.review import ReviewRequest, exit_code, review

    monkeypatch.chdir(repo)
    result = review(ReviewRequest(base_ref="HEAD~1", policies_dir=POLICIES, output_dir=None))
    assert {d.resource_id for d in result.deltas} == {"sg-web", "igw-new"}
    assert "NW-SG-002" in {f.rule_id for f in result.policy}
    assert result.written == () and not (repo / "reports").exists()
    assert (exit_code(result, "high"), exit_code(result, "none")) == (1, 0)
