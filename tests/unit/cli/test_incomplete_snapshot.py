"""`baseline create` from a snapshot in which a type could not be read: it writes what was
read and exits 3 with a warning (docs/contract.md's exit codes), as `collect` does."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from scanner.cli import cli
from tests.unit.policy.snapshots import ACCOUNT, REGION, sg, snapshot


def _snapshot(tmp_path: Path, failed: bool) -> Path:
    world = snapshot({"aws.security-group": [sg("sg-1", [])]})
    if failed:
        world["accounts"][ACCOUNT]["regions"][REGION]["errors"] = [
            {"type": "aws.vpc", "code": "AccessDenied", "message": "denied"}
        ]
    path = tmp_path / "snapshot.json"
    path.write_text(json.dumps(world))
    return path


def test_baseline_create_from_an_incomplete_snapshot_exits_3(tmp_path: Path) -> None:
    baselines = tmp_path / "baselines"
    source = str(_snapshot(tmp_path, True))
    result = CliRunner().invoke(
        cli, ["baseline", "create", "--snapshot", source, "--baseline-dir", str(baselines)]
    )
    assert result.exit_code == 3, result.output
    assert "some types could not be read and are missing from the baseline" in result.output
    assert (baselines / ACCOUNT / f"{REGION}.yaml").is_file()


def test_baseline_create_from_a_complete_snapshot_exits_0(tmp_path: Path) -> None:
    baselines = tmp_path / "baselines"
    source = str(_snapshot(tmp_path, False))
    result = CliRunner().invoke(
        cli, ["baseline", "create", "--snapshot", source, "--baseline-dir", str(baselines)]
    )
    assert result.exit_code == 0, result.output
    assert "missing from the baseline" not in result.output
