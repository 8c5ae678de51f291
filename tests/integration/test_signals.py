"""SIGINT and SIGTERM stop netwarden within a couple of seconds, with exit 130/143, no worker
process left behind and no temporary file (issue 11, defect 9).

netwarden runs as a real process in its own process group: a Ctrl-C at a terminal sends
SIGINT to the whole group (the workers too); SIGTERM from a supervisor (``kill``, a CI
runner's timeout, Kubernetes) goes to the main process only. Every AWS call is held by the
loopback proxy for longer than the test waits, so the process is stopped in the middle of
its calls, as a slow region would hold it.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import AwsEnv
from tests.faults.proxy import Fault, fault_proxy, wait_for

STOP_WITHIN = 5.0  # seconds; the issue asks for "a couple", the margin is for a loaded CI box


def children_of(pid: int) -> set[int]:
    """Every live descendant of ``pid`` (from /proc, Linux)."""
    found: set[int] = set()
    todo = [pid]
    while todo:
        current = todo.pop()
        for task in Path(f"/proc/{current}/task").glob("*"):
            try:
                kids = (task / "children").read_text().split()
            except OSError:
                continue
            for kid in map(int, kids):
                if kid not in found:
                    found.add(kid)
                    todo.append(kid)
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")  # a zombie has stopped: it only waits to be reaped


def start(args: list[str], cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "scanner", *args],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, like a job started from a shell
        # As from an interactive shell: a test runner started in the background may have
        # SIGINT ignored, which the child would inherit (and Python then leaves ignored).
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )


def stop(process: subprocess.Popen[str], how: str) -> tuple[int, float, str]:
    started = time.monotonic()
    if how == "SIGINT":
        os.killpg(process.pid, signal.SIGINT)  # Ctrl-C: the whole foreground group
    else:
        os.kill(process.pid, signal.SIGTERM)  # a supervisor: the main process only
    try:
        _, err = process.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        _, err = process.communicate()
        pytest.fail(f"still running 60 s after {how}")
    return process.returncode, time.monotonic() - started, err


EXPECTED = {"SIGINT": 130, "SIGTERM": 143}


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")
@pytest.mark.parametrize("how", ["SIGINT", "SIGTERM"])
@pytest.mark.parametrize("regions", ["us-east-1", "us-east-1,eu-west-1,ap-south-1"])
def test_collect_stops_promptly(aws: AwsEnv, tmp_path: Path, how: str, regions: str) -> None:
    """One region is collected on threads in the main process; three are spread over
    worker processes (on a machine with several CPUs)."""
    hold = Fault("delay", service="ec2", seconds=120)
    with fault_proxy(aws.endpoint_url, hold) as proxy:
        process = start(
            ["collect", "--endpoint-url", proxy.url, "--regions", regions, "-o", "snap.json"],
            tmp_path,
        )
        try:
            wait_for(lambda: hold.hits >= 4, timeout=60)  # calls are in flight
            time.sleep(0.5)
            workers = children_of(process.pid)
            code, took, err = stop(process, how)
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
    assert code == EXPECTED[how], err
    assert took < STOP_WITHIN, f"{how} took {took:.1f} s"
    assert "Traceback" not in err
    assert "netwarden: interrupted" in err
    wait_for(lambda: not any(alive(pid) for pid in workers), timeout=5)
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # no snapshot, no temporary file


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")
@pytest.mark.parametrize("how", ["SIGINT", "SIGTERM"])
def test_scan_stops_promptly_while_policies_are_evaluated(tmp_path: Path, how: str) -> None:
    """Evaluation in worker processes (forked once the snapshot is loaded): stopped in the
    middle of it, the workers go too and no report appears."""
    from bench.synth import snapshot
    from scanner.forking import worker_processes

    if worker_processes(2) < 2:
        pytest.skip("one CPU: evaluation runs in the main process")
    (tmp_path / "snap.json").write_text(json.dumps(snapshot(5_000)))
    policies = Path(__file__).resolve().parents[2] / "policies"
    process = start(
        ["scan", "--snapshot", "snap.json", "--policies", str(policies), "-o", "out"], tmp_path
    )
    try:
        wait_for(lambda: len(children_of(process.pid)) >= 2, timeout=120)
        time.sleep(0.5)
        workers = children_of(process.pid)
        code, took, err = stop(process, how)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    assert code == EXPECTED[how], err
    assert took < STOP_WITHIN, f"{how} took {took:.1f} s"
    assert "Traceback" not in err
    wait_for(lambda: not any(alive(pid) for pid in workers), timeout=5)
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
