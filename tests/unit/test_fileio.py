"""Atomic writes leave a complete file with the usual permissions, or the old file."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from scanner.fileio import AtomicFileSet, write_text_atomic


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


def test_a_file_set_appears_only_when_committed(tmp_path: Path) -> None:
    (tmp_path / "report.md").write_text("old\n")
    with AtomicFileSet() as files:
        files.add(tmp_path / "report.md", "new\n")
        files.add(tmp_path / "findings.json", "{}\n")
        assert (tmp_path / "report.md").read_text() == "old\n"
        assert not (tmp_path / "findings.json").exists()
        written = files.commit()
    assert written == [tmp_path / "report.md", tmp_path / "findings.json"]
    assert (tmp_path / "report.md").read_text() == "new\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["findings.json", "report.md"]


def test_a_file_set_left_by_an_error_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / "report.md").write_text("old\n")
    with pytest.raises(RuntimeError), AtomicFileSet() as files:
        files.add(tmp_path / "report.md", "new\n")
        raise RuntimeError("the next report failed to render")
    assert (tmp_path / "report.md").read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["report.md"]


def test_a_failed_rename_leaves_no_temporary_file(tmp_path: Path) -> None:
    (tmp_path / "findings.json").mkdir()  # a directory where a report should go
    with pytest.raises(OSError), AtomicFileSet() as files:
        files.add(tmp_path / "report.md", "new\n")
        files.add(tmp_path / "findings.json", "{}\n")
        files.commit()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["findings.json", "report.md"]
    assert (tmp_path / "findings.json").is_dir()
