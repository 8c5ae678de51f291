"""`netwarden scan --snapshot` exit codes: --fail-on thresholds and the contract's precedence
(2 bad input, then 1 findings, then 3 incomplete, else 0)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from scanner.cli import cli
from scanner.collect.collectors import COLLECTORS
from tests.unit.policy.snapshots import exposed

POLICIES = str(Path(__file__).resolve().parents[2] / "policies")
SSH_OPEN = {
    "GroupId": "sg-1",
    "GroupName": "bastion",
    "Description": "b",
    "VpcId": "vpc-1",
    "OwnerId": "111111111111",
    "IpPermissionsEgress": [],
    "IpPermissions": [
        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}
    ],
}


def snapshot(tmp_path: Path, groups: list[dict[str, object]], errors: list[dict[str, str]]) -> str:
    path = tmp_path / "snapshot.json"
    failed = {e["type"] for e in errors}
    # As `collect` writes it: every type either read or recorded in errors.
    resources = {t: [] for t in COLLECTORS if t not in failed}
    resources["aws.security-group"] = groups
    # Each group on an internet-facing interface: its open rules are reachable, and keep
    # their severity (an open rule that reaches nothing is lowered).
    for rtype, items in exposed(*(str(g["GroupId"]) for g in groups)).items():
        if groups and rtype in resources:
            resources[rtype] = items
    path.write_text(
        json.dumps(
            {
                "schema": "netwarden/snapshot/v1",
                "collected_at": "2026-11-28T00:00:00+00:00",
                "tool_version": "0.1.0",
                "stats": {"api_calls": 1, "duration_s": 0.1},
                "accounts": {
                    "111111111111": {
                        "regions": {
                            "us-east-1": {
                                "resources": resources,
                                "errors": errors,
                            }
                        }
                    }
                },
            }
        )
    )
    return str(path)


def scan(tmp_path: Path, snap: str, *args: str) -> int:
    result = CliRunner().invoke(
        cli,
        [
            "scan",
            "--snapshot",
            snap,
            "--policies",
            POLICIES,
            "--baseline-dir",
            str(tmp_path / "none"),
            "-o",
            str(tmp_path / "out"),
            *args,
        ],
    )
    assert "Traceback" not in result.output
    return result.exit_code


GAP = [{"type": "aws.nat-gateway", "code": "AccessDenied", "message": "no"}]


@pytest.mark.parametrize(
    ("fail_on", "groups", "errors", "expected"),
    [
        ("high", [SSH_OPEN], [], 1),  # SSH from the internet is critical
        ("critical", [SSH_OPEN], [], 1),
        ("none", [SSH_OPEN], [], 0),
        # An empty account still fails the high CloudTrail rule, but nothing is critical.
        ("high", [], [], 1),
        ("critical", [], [], 0),
        ("critical", [], GAP, 3),  # nothing at the threshold, but the scan was incomplete
        ("high", [SSH_OPEN], GAP, 1),  # findings beat incomplete
        ("none", [SSH_OPEN], GAP, 3),
    ],
)
def test_exit_code(
    tmp_path: Path,
    fail_on: str,
    groups: list[dict[str, object]],
    errors: list[dict[str, str]],
    expected: int,
) -> None:
    assert scan(tmp_path, snapshot(tmp_path, groups, errors), "--fail-on", fail_on) == expected
    assert (tmp_path / "out" / "netwarden.sarif").is_file()


def test_bad_input_beats_everything(tmp_path: Path) -> None:
    snap = snapshot(tmp_path, [SSH_OPEN], GAP)
    assert scan(tmp_path, snap, "--format", "sarif,pdf") == 2
    bad = tmp_path / "policies"
    bad.mkdir()
    (bad / "x.yml").write_text("policies:\n  - name: x\n    resource: aws.vpc\n    filtres: []\n")
    result = CliRunner().invoke(
        cli, ["scan", "--snapshot", snap, "--policies", str(bad), "-o", str(tmp_path / "out")]
    )
    assert result.exit_code == 2
    assert f"{bad / 'x.yml'}:" in result.output
