"""Atomic writes leave a complete file with the usual permissions, or the old file."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from scanner.fileio import write_text_atomic


def test_written_file_has_the_umask_mode(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        path = write_text_atomic(tmp_path / "a" / "report.md", "x\n")
    finally:
        os.umask(old)
    assert path.read_text() == "x\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o644


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temp(tmp_path: Path) -> None:
    path = tmp_path / "baseline.yaml"
    path.write_text("old\n")

    with pytest.raises(TypeError):
        write_text_atomic(path, 42)  # type: ignore[arg-type]
    assert path.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["baseline.yaml"]
