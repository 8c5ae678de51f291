"""A malformed baseline is exit 2 with one line naming the file and the line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from scanner.cli import cli

GOOD = """\
account: '111111111111'
region: us-east-1
resources:
  aws.security-group:
    sg-1:
      GroupName: web
    sg-2:
      GroupName: app
"""

CASES = {
    "syntax error": (GOOD.replace("GroupName: app", "GroupName: [app"), 9, "YAML syntax error"),
    "wrong account": (
        GOOD.replace("'111111111111'", "'222222222222'"),
        1,
        "'account' is '222222222222' but the file is for '111111111111'",
    ),
    "wrong region": (GOOD.replace("region: us-east-1", "region: eu-west-1"), 2, "'region' is"),
    "duplicate id": (GOOD.replace("sg-2:", "sg-1:"), 7, "duplicate key 'sg-1'"),
    "unknown type": (
        GOOD.replace("aws.security-group", "aws.securitygroup"),
        4,
        "unknown resource type 'aws.securitygroup'",
    ),
    "fields not a mapping": (
        GOOD.replace("    sg-2:\n      GroupName: app", "    sg-2: [1]"),
        7,
        "fields must be a mapping",
    ),
}

SNAPSHOT = {
    "schema": "netwarden/snapshot/v1",
    "collected_at": "2026-01-01T00:00:00+00:00",
    "tool_version": "t",
    "stats": {"api_calls": 0, "duration_s": 0},
    "accounts": {"111111111111": {"regions": {"us-east-1": {"resources": {}, "errors": []}}}},
}


POLICIES = str(Path(__file__).resolve().parents[3] / "policies")


@pytest.mark.parametrize("command", ["diff", "scan"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_baseline_is_one_line_with_file_and_line(
    case: str, command: str, tmp_path: Path
) -> None:
    text, line, message = CASES[case]
    path = tmp_path / "baselines" / "111111111111" / "us-east-1.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(text)
    snapshot = tmp_path / "snapshot.json"
    snapshot.write_text(json.dumps(SNAPSHOT))
    extra = ["--policies", POLICIES, "-o", str(tmp_path / "out")] if command == "scan" else []
    result = CliRunner().invoke(
        cli,
        [
            command,
            "--snapshot",
            str(snapshot),
            "--baseline-dir",
            str(tmp_path / "baselines"),
            *extra,
        ],
    )
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    [out_line] = result.output.strip().splitlines()
    assert out_line.startswith(f"netwarden: error: {path}:{line}: "), out_line
    assert message in out_line


def test_good_baseline_loads(tmp_path: Path) -> None:
    path = tmp_path / "baselines" / "111111111111" / "us-east-1.yaml"
    path.parent.mkdir(parents=True)
    path.write_text(GOOD)
    snapshot = tmp_path / "snapshot.json"
    snapshot.write_text(json.dumps(SNAPSHOT))
    result = CliRunner().invoke(
        cli, ["diff", "--snapshot", str(snapshot), "--baseline-dir", str(tmp_path / "baselines")]
    )
    assert result.exit_code == 0, result.output  # no security groups were read: nothing compared


def test_bad_snapshot_is_bad_input(tmp_path: Path) -> None:
    snapshot = tmp_path / "snapshot.json"
    snapshot.write_text('{"schema": "netwarden/snapshot/v1",\n "accounts": [}')
    result = CliRunner().invoke(cli, ["diff", "--snapshot", str(snapshot)])
    assert result.exit_code == 2
    assert f"{snapshot}:2: not valid JSON" in result.output
