"""The flow benchmark's peak memory is each engine's own: a child process started from a
large parent reports its own high-water mark, not the parent's.

``ru_maxrss`` of a process started by fork/vfork and exec begins at the parent's peak (Linux
keeps the old address space's high-water mark across exec), so bench/results.md once showed
both engines at the bench process's 1,029 MB; ``VmHWM`` starts afresh with the new program."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from bench import flows

PARENT_MB = 400


@pytest.mark.slow  # runs the engine in a child process
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="VmHWM is Linux's")
def test_an_engine_child_reports_its_own_peak_not_its_parents(tmp_path: Path) -> None:
    flows.generate(tmp_path, 2_000, per_file=1_000)
    ballast = b"\x01" * (PARENT_MB << 20)  # written, so resident in this (the parent) process
    try:
        measured = flows.measure_engine("python", tmp_path)
    finally:
        del ballast
    assert measured["records"] == 2_000
    # Python and two small files: tens of MB. The parent's ballast alone is 400 MB.
    assert 5 < measured["peak_rss_mb"] < PARENT_MB / 2, measured["peak_rss_mb"]
