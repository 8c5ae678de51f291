"""``netwarden policies validate|list`` through click."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from scanner.commands.policies import policies
from tests.unit.policy.conftest import POLICIES


def test_validate_the_shipped_pack() -> None:
    result = CliRunner().invoke(policies, ["validate", "--policies", str(POLICIES)])
    assert result.exit_code == 0, result.output
    assert "policies in 12 files are valid" in result.output


def test_list_is_a_table_of_ids_resources_severities_and_compliance() -> None:
    result = CliRunner().invoke(policies, ["list", "--policies", str(POLICIES)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()  # the table; stderr names the pack
    assert [cell.strip() for cell in lines[0].split("|")[1:6]] == [
        "id",
        "name",
        "resource",
        "severity",
        "compliance",
    ]
    ssh = next(line for line in lines if "NW-SG-002" in line)
    assert "aws.security-group" in ssh and "critical" in ssh and "CIS-AWS-5.2" in ssh


def test_bad_policy_is_one_line_on_stderr_and_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "policies:\n  - name: x\n    resource: aws.vpc\n    filters:\n      - type: flow-logz\n"
    )
    for command in ("validate", "list"):
        result = CliRunner().invoke(policies, [command, "--policies", str(tmp_path)])
        assert result.exit_code == 2
        assert result.stdout == ""
        [line] = result.stderr.splitlines()
        # The error line of every command: the file and line of the bad policy.
        assert line.startswith(f"netwarden: error: {bad}:5: ") and "flow-logz" in line
