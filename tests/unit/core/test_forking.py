"""How many worker processes: the CPUs this process may use, within a container's quota."""

from __future__ import annotations

from pathlib import Path

import pytest

from scanner import forking


@pytest.mark.parametrize(
    ("text", "cpus"),
    [
        ("max 100000\n", None),
        ("200000 100000\n", 2),
        ("150000 100000\n", 2),
        ("50000 100000", 1),
        ("garbage", None),
        ("", None),
    ],
)
def test_cgroup_quota(tmp_path: Path, text: str, cpus: int | None) -> None:
    path = tmp_path / "cpu.max"
    path.write_text(text)
    assert forking._cgroup_cpu_quota(str(path)) == cpus


def test_no_cgroup_file_means_no_quota(tmp_path: Path) -> None:
    assert forking._cgroup_cpu_quota(str(tmp_path / "absent")) is None


def test_the_quota_caps_the_affinity(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(forking.os, "sched_getaffinity", lambda _: set(range(64)), raising=False)
    monkeypatch.setattr(forking, "_cgroup_cpu_quota", lambda: 2)
    assert forking.available_cpus() == 2
    monkeypatch.setattr(forking, "_cgroup_cpu_quota", lambda: None)
    assert forking.available_cpus() == 64
