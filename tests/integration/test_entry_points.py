"""`netwarden` and `python -m scanner` are the same program, as installed."""

from __future__ import annotations

import shutil
import subprocess
import sys

from scanner import __version__


def test_console_script_and_module_agree() -> None:
    script = shutil.which("netwarden") or str(
        __import__("pathlib").Path(sys.executable).parent / "netwarden"
    )
    for command in ([script, "--version"], [sys.executable, "-m", "scanner", "--version"]):
        result = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == f"netwarden, version {__version__}"


def test_bad_flag_is_exit_2_without_traceback() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "scanner", "scan", "--fail-on", "severe"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "'severe' is not one of" in result.stderr
