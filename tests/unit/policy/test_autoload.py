"""The .pth hook that teaches the bare Custodian CLI netwarden's filters."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.unit.policy.conftest import POLICIES

pytestmark = pytest.mark.slow  # each test runs Custodian's CLI in a fresh interpreter

SCRIPT = """
import site, sys
site.addsitedir(sys.argv[1])  # processes netwarden.pth like site-packages would
import c7n.cli
sys.argv = ["custodian", "validate", *sys.argv[2:]]
c7n.cli.main()
"""


def test_custodian_validate_knows_netwarden_filters_through_a_pth(tmp_path: Path) -> None:
    (tmp_path / "netwarden.pth").write_text("import scanner.policy.autoload\n")
    files = sorted(str(p) for p in POLICIES.glob("*.yml"))
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(tmp_path), *files],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=POLICIES.parent,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.count("Configuration valid") == len(files)


def test_without_the_hook_custodian_does_not_know_them(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(tmp_path), str(POLICIES / "network-acls.yml")],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=POLICIES.parent,
    )
    assert result.returncode != 0
    assert "open-ingress" in result.stderr
