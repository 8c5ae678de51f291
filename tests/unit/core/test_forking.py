"""How many worker processes: the CPUs this process may use, within a container's quota."""

from __future__ import annotations

import multiprocessing
import os
import time
from pathlib import Path
from typing import Any

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


# ForkPool: the one fork-pool lifecycle collection and evaluation share. These tests fork.


def _apply(inherited: dict[str, Any], value: int) -> int:
    result: int = inherited["function"](value)
    return result


def _report_pid_then_hang(inherited: dict[str, Any]) -> None:
    inherited["pids"].put(os.getpid())
    time.sleep(600)


@pytest.mark.slow
@pytest.mark.skipif(not forking.can_fork(), reason="the pool needs fork")
def test_workers_inherit_what_cannot_be_pickled_and_each_pool_its_own() -> None:
    double: dict[str, Any] = {"function": lambda x: 2 * x}  # a lambda cannot be pickled
    square: dict[str, Any] = {"function": lambda x: x * x}
    with forking.ForkPool(2, double) as first, forking.ForkPool(1, square) as second:
        doubled = [first.submit(_apply, n) for n in range(5)]
        squared = second.submit(_apply, 7)
        assert [f.result() for f in doubled] == [0, 2, 4, 6, 8]
        assert squared.result() == 49
    assert forking._inherited == {}, "a closed pool leaves nothing behind"


@pytest.mark.slow
@pytest.mark.skipif(not forking.can_fork(), reason="the pool needs fork")
def test_leaving_on_an_error_kills_the_workers_instead_of_waiting() -> None:
    pids = multiprocessing.get_context("fork").Queue()
    with pytest.raises(KeyboardInterrupt), forking.ForkPool(1, {"pids": pids}) as pool:
        pool.submit(_report_pid_then_hang)
        pid = pids.get(timeout=60)
        raise KeyboardInterrupt
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # killed and reaped, not left sleeping
    assert forking._inherited == {}


@pytest.mark.slow
@pytest.mark.skipif(not forking.can_fork(), reason="the pool needs fork")
def test_a_closed_pool_takes_no_task_and_closes_once() -> None:
    pool = forking.ForkPool(1, {"function": abs})
    assert pool.submit(_apply, -3).result() == 3
    pool.close()
    pool.close()
    with pytest.raises(RuntimeError, match="closed"):
        pool.submit(_apply, 1)
