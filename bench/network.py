"""netwarden against `custodian run` on the same seeded moto world, through the same
latency model, in the same process run.

Two moto servers share moto's in-memory backends: a plain one to seed and to measure the
floor, and the measured one, wrapped (outermost first) in: a call counter, the latency
and throttling model (``scanner.demo.middleware.latency``), AWS-like EC2 pagination
(``scanner.demo.paginate``) and a memo of moto's answers (see ``bench.middleware``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bench import floor as floor_mod
from bench.middleware import CallLog, Memo, count, label_rest, memo, unlabel_rest
from bench.stats import summarize
from bench.world import ACCOUNT, Shape, seed
from scanner.demo.middleware import LatencyStats, chain, latency
from scanner.demo.paginate import paginate
from scanner.demo.server import MotoServer

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
Log = Callable[[str], None]
SERVICE_NAMES = {"monitoring": "cloudwatch"}  # signing name -> boto3 service name


@dataclass
class Stack:
    """The seeded world and the measured server around it."""

    plain: MotoServer
    measured: MotoServer
    calls: CallLog
    latency_stats: LatencyStats
    memo: Memo
    floor_units: list[floor_mod.UnitFloor] = field(default_factory=list)

    def stop(self) -> None:
        self.measured.stop()
        self.plain.stop()


def measured_server(
    calls: CallLog, stats: LatencyStats, store: Memo, latency_s: float, throttle: float
) -> MotoServer:
    """A server over the shared backends with the whole measured stack of middleware.

    The memo sits on both sides of the pagination layer: inside it, moto renders each full
    list once; outside, each page is sliced once. Both stores are keyed by the request."""
    server = MotoServer(
        chain(
            count(calls),
            label_rest(),
            latency(latency_s, throttle, seed=7, stats=stats),
            unlabel_rest(),
            memo(store),  # the pages as sliced, so slicing too happens once per page
            paginate(),
            memo(store),
        )
    )
    server.start()
    return server


def start(
    regions: tuple[str, ...], shape: Shape, latency_s: float, throttle: float, log: Log
) -> Stack:
    """Seed every region once, start the measured server, measure the floor."""
    os.environ.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing")
    plain = MotoServer()
    plain_url = plain.start()
    started = time.monotonic()
    seed(plain_url, list(regions), shape)
    log(f"seeded {len(regions)} region(s) in {time.monotonic() - started:.1f}s")
    calls, stats, store = CallLog(), LatencyStats(), Memo()
    measured = measured_server(calls, stats, store, latency_s, throttle)
    stack = Stack(plain, measured, calls, stats, store)
    stack.floor_units = floor_mod.measure(plain_url, regions)
    return stack


def env_for(url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_SESSION_TOKEN="testing",
        AWS_DEFAULT_REGION="us-east-1",
        AWS_ENDPOINT_URL=url,
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        HOME=env.get("HOME", "/tmp"),
    )
    return env


def _run(args: list[str], url: str, ok: tuple[int, ...], cwd: Path = REPO) -> float:
    started = time.monotonic()
    proc = subprocess.run(
        args, cwd=cwd, env=env_for(url), capture_output=True, text=True, timeout=1800
    )
    elapsed = time.monotonic() - started
    if proc.returncode not in ok:
        raise RuntimeError(f"{args[:3]} exited {proc.returncode}: {proc.stderr[-3000:]}")
    return elapsed


def custodian_pack(out: Path) -> list[Path]:
    """The rule pack as `custodian run` takes it: the same files, with the trusted accounts
    netwarden adds by itself (the scanned account) written into the whitelists."""
    from scanner.policy.evaluate import with_trusted_accounts

    files = []
    out.mkdir(parents=True, exist_ok=True)
    for source in sorted((REPO / "policies").glob("*.yml")):
        data = with_trusted_accounts(yaml.safe_load(source.read_text()), [ACCOUNT])
        target = out / source.name
        target.write_text(yaml.safe_dump(data, sort_keys=False))
        files.append(target)
    return files


def netwarden_scan(url: str, regions: tuple[str, ...], work: Path, baseline: bool = True) -> float:
    """The whole pipeline; without ``baseline``, an empty baseline directory, so that the
    scan does what `custodian run` does (collect, evaluate, report) and no drift."""
    return _run(
        [
            str(BIN / "netwarden"),
            "scan",
            "--endpoint-url",
            url,
            "--regions",
            ",".join(regions),
            "--baseline-dir",
            str(work / ("baselines" if baseline else "no-baseline")),
            "--policies",
            str(REPO / "policies"),
            "-o",
            str(work / "reports"),
        ],
        url,
        ok=(0, 1),
    )


def netwarden_collect(url: str, regions: tuple[str, ...], out: Path) -> float:
    return _run(
        [
            str(BIN / "netwarden"),
            "collect",
            "-o",
            str(out),
            "--regions",
            ",".join(regions),
            "--endpoint-url",
            url,
        ],
        url,
        ok=(0,),
    )


def custodian_run(url: str, regions: tuple[str, ...], pack: list[Path], work: Path) -> float:
    """The real Custodian CLI (``c7n.cli.main`` with netwarden's filters registered), its
    default cache on, a fresh cache file, every region and the whole pack in one run."""
    run_dir = Path(tempfile.mkdtemp(dir=work, prefix="c7n-"))
    region_flags = [flag for region in regions for flag in ("-r", region)]
    return _run(
        [
            str(BIN / "python"),
            "-m",
            "scanner.policy.custodian",
            "run",
            "-s",
            str(run_dir / "out"),
            "--cache",
            str(run_dir / "cache.pkl"),
            *region_flags,
            *map(str, pack),
        ],
        url,
        ok=(0,),
    )


def _ops(calls: Counter[tuple[str, str, str]]) -> dict[str, int]:
    out: Counter[str] = Counter()
    for (_, service, operation), n in calls.items():
        out[f"{SERVICE_NAMES.get(service, service)}:{operation}"] += n
    return dict(sorted(out.items()))


def type_of_operation() -> dict[str, str]:
    """``service:Operation`` -> the collector type whose listing (or enrichment) it is."""
    from scanner.collect.collectors import COLLECTORS

    mapping = {}
    for rtype, collector in COLLECTORS.items():
        mapping[f"{collector.service}:{collector.api_operation}"] = rtype
        for service, op in collector.extra_operations:
            mapping[f"{service}:{op}"] = rtype
    return mapping


def needed_types(custodian_ops: dict[str, int]) -> set[str]:
    """Types the pack needs: the policies' resources, plus every type whose API Custodian
    called while running the same pack (what its filters read)."""
    from scanner.policy.loader import load_policy_pack

    pack = load_policy_pack(str(REPO / "policies"))
    mapping = type_of_operation()
    needed = {p.resource_type for p in pack.policies}
    needed |= {mapping[op] for op in custodian_ops if op in mapping}
    return needed


def measure_regions(
    stack: Stack, regions: tuple[str, ...], reps: int, latency_s: float, work: Path, log: Log
) -> dict[str, Any]:
    """Every figure for one region count: warm-up, then ``reps`` timed runs of each tool."""
    url = stack.measured.url
    work.mkdir(parents=True, exist_ok=True)
    pack = custodian_pack(work / "custodian-pack")
    snapshot = work / "snapshot.json"

    # Untimed: warm the memo with each tool's reads, and write netwarden's baseline.
    netwarden_collect(url, regions, snapshot)
    _run(
        [
            str(BIN / "netwarden"),
            "baseline",
            "create",
            "--snapshot",
            str(snapshot),
            "--baseline-dir",
            str(work / "baselines"),
            "--force",
        ],
        url,
        ok=(0,),
    )
    custodian_run(url, regions, pack, work)
    stack.calls.reset()

    collect_walls, collect_inner, collect_calls, collect_stats = [], [], [], []
    for _ in range(reps):
        collect_walls.append(netwarden_collect(url, regions, snapshot))
        stats = json.loads(snapshot.read_text())["stats"]
        collect_inner.append(float(stats["duration_s"]))
        collect_stats.append(int(stats["api_calls"]))
        collect_calls.append(stack.calls.reset())
    scan_walls, scan_calls = [], []
    for _ in range(reps):
        scan_walls.append(netwarden_scan(url, regions, work))
        scan_calls.append(stack.calls.reset())
    policy_walls = []
    for _ in range(reps):
        policy_walls.append(netwarden_scan(url, regions, work, baseline=False))
        stack.calls.reset()
    c7n_walls, c7n_calls = [], []
    for _ in range(reps):
        c7n_walls.append(custodian_run(url, regions, pack, work))
        c7n_calls.append(stack.calls.reset())
    log(
        f"{len(regions)} region(s): netwarden scan {min(scan_walls):.2f}s, "
        f"custodian run {min(c7n_walls):.2f}s"
    )

    floor = floor_mod.floor_of(stack.floor_units, regions)
    nw_ops = _ops(scan_calls[-1])
    c7n_ops = _ops(c7n_calls[-1])
    needed = needed_types(c7n_ops)
    mapping = type_of_operation()
    extra_ops = {op: n for op, n in nw_ops.items() if mapping.get(op) not in needed | {None}}
    scan = summarize(scan_walls)
    c7n = summarize(c7n_walls)
    policies_only = summarize(policy_walls)
    return {
        "regions": list(regions),
        "latency_s": latency_s,
        "floor": {
            "calls": floor.calls,
            "items": floor.items,
            "critical_path_calls": floor.critical_path_calls,
            "critical_path_s": floor.critical_path_s(latency_s),
            "worker_bound_s_16": floor.worker_bound_s(latency_s, 16),
        },
        "netwarden_scan_wall_s": scan.to_dict(),
        "netwarden_collect_wall_s": summarize(collect_walls).to_dict(),
        "netwarden_collect_inner_s": summarize(collect_inner).to_dict(),
        "custodian_run_wall_s": c7n.to_dict(),
        "ratio_median": c7n.median / scan.median,
        "netwarden_scan_no_baseline_wall_s": policies_only.to_dict(),
        "ratio_no_baseline_median": c7n.median / policies_only.median,
        "netwarden_calls_server": [sum(c.values()) for c in scan_calls],
        "netwarden_collect_calls_server": [sum(c.values()) for c in collect_calls],
        "netwarden_collect_calls_snapshot": collect_stats,
        "custodian_calls_server": [sum(c.values()) for c in c7n_calls],
        "netwarden_calls_by_operation": nw_ops,
        "custodian_calls_by_operation": c7n_ops,
        "types_needed_by_pack": sorted(needed),
        "netwarden_calls_on_unneeded_types": sum(extra_ops.values()),
        "netwarden_unneeded_operations": extra_ops,
    }


def measure_throttling(
    stack: Stack, regions: tuple[str, ...], reps: int, latency_s: float, rate: float, work: Path
) -> dict[str, Any]:
    """netwarden collect while a share of calls is throttled: retries and what they cost."""
    calls, stats = CallLog(), LatencyStats()
    server = measured_server(calls, stats, stack.memo, latency_s, rate)
    snapshot = work / "throttled.json"
    walls, inner, runs = [], [], []
    try:
        for _ in range(reps):
            throttled_before = stats.throttled
            walls.append(netwarden_collect(server.url, regions, snapshot))
            snap_stats = json.loads(snapshot.read_text())["stats"]
            inner.append(float(snap_stats["duration_s"]))
            runs.append(
                {
                    "server_requests": sum(calls.reset().values()),
                    "throttled": stats.throttled - throttled_before,
                    "api_calls": int(snap_stats["api_calls"]),
                    "retries": int(snap_stats.get("retries", 0)),
                }
            )
    finally:
        server.stop()
    return {
        "regions": list(regions),
        "throttle_rate": rate,
        "latency_s": latency_s,
        "collect_wall_s": summarize(walls).to_dict(),
        "collect_inner_s": summarize(inner).to_dict(),
        "runs": runs,
    }
