"""Scale of the pure core: load a synthetic snapshot, diff it against a baseline with 1%
drift, evaluate every policy, the scan's later stages (exposure, flow evidence, waivers and
the rest), render all three reports; time each stage, the CPU time and the peak RSS.

Each measurement runs in a fresh interpreter (``python -m bench.scale MEASURE_DIR``) so that
its peak memory (``VmHWM``) is that of the one pipeline, nothing else. The inputs are prepared (and
written to files) beforehand, untimed.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import yaml

from bench import synth
from bench.stats import peak_rss_mb

REPO = Path(__file__).resolve().parent.parent


def _write_baselines(base_snapshot: dict[str, Any], directory: Path) -> int:
    """Baseline files in the layout and key order ``baseline create`` writes, through the C
    emitter (setup only: the measured part is reading them)."""
    from scanner.baseline import store

    class Dumper(yaml.CSafeDumper):
        def ignore_aliases(self, data: Any) -> bool:
            return True

    files = 0
    for (account, region), resources in store.project_snapshot(base_snapshot).items():
        body = {
            "account": account,
            "region": region,
            "resources": {
                rtype: {
                    rid: {k: store._canonical(v) for k, v in fields.items()}
                    for rid, fields in sorted(resources[rtype].items())
                }
                for rtype in sorted(resources)
            },
        }
        text = store.HEADER.format(account=account, region=region) + yaml.dump(
            body, Dumper=Dumper, sort_keys=False, default_flow_style=False, width=10_000
        )
        path = store.baseline_path(directory, account, region)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        files += 1
    return files


def prepare(size: int, directory: Path) -> dict[str, Any]:
    """Write ``snapshot.json`` and ``baselines/`` for a size; return what was made."""
    directory.mkdir(parents=True, exist_ok=True)
    snap = synth.snapshot(size)
    (directory / "snapshot.json").write_text(json.dumps(snap), encoding="utf-8")
    base, drifted = synth.baseline_source(snap)
    files = _write_baselines(base, directory / "baselines")
    return {
        "resources": synth.count_resources(snap),
        "account_regions": files,
        "drifted_resources": drifted,
        "snapshot_bytes": (directory / "snapshot.json").stat().st_size,
    }


# Which of the pipeline's stages each measured stage is (bench/report.py's columns).
STAGE_OF = {
    "load_policies": "load_policies",
    "read_snapshot": "load_snapshot",
    "check_drift": "diff",
    "start_policies": "evaluate",
    "finish_policies": "evaluate",
    "compute_exposure": "exposure",
    "mark_exposure_drift": "exposure",
    "judge_reachability": "exposure",
    "add_traffic": "flows",
    "apply_waivers": "waivers",
    "describe_run": "render",
    "write_reports": "render",
}


class StageClock:
    """A progress callback that charges the time between stage starts to each stage: wall
    seconds (``stages``) and this process's CPU seconds (``cpu``), which stay meaningful on
    a machine other jobs are loading."""

    def __init__(self) -> None:
        names = ("load_snapshot", "load_policies", "load_baseline", "diff", "evaluate", "render")
        self.stages: dict[str, float] = dict.fromkeys(names, 0.0)
        self.cpu: dict[str, float] = dict.fromkeys(names, 0.0)
        self._current: str | None = None
        self._since = time.perf_counter()
        self._cpu_since = time.process_time()

    def charge(self, stage: str, wall: float, cpu: float) -> None:
        self.stages[stage] = self.stages.get(stage, 0.0) + wall
        self.cpu[stage] = self.cpu.get(stage, 0.0) + cpu

    def __call__(self, event: Any) -> None:
        if event.stage != self._current:
            self.stop()
            self._current = event.stage

    def stop(self) -> None:
        now, cpu_now = time.perf_counter(), time.process_time()
        if self._current is not None:
            # A stage not (yet) mapped to a column is still counted, as "other".
            stage = STAGE_OF.get(self._current, "other")
            self.charge(stage, now - self._since, cpu_now - self._cpu_since)
        self._since, self._cpu_since = now, cpu_now


def pipeline(directory: Path, engine: str = "native") -> dict[str, Any]:
    """What ``netwarden scan --snapshot [--engine E]`` does (``scanner.pipeline.scan``, no
    git, no AWS, policies evaluated in this one process), timed stage by stage, with the
    command line's garbage-collector settings."""
    # Imported before the clock starts, as the command line has them by the time it scans.
    import scanner.drift.against
    import scanner.drift.findings
    import scanner.policy.loader
    import scanner.policy.parallel
    import scanner.report  # noqa: F401
    from scanner import gcpolicy
    from scanner.baseline import store
    from scanner.pipeline import ScanRequest, scan

    gcpolicy.tune()
    clock = StageClock()
    baseline_dir = directory / "baselines"

    class TimedBaselines(store.BaselineDir):
        """Scan reads each region's baseline when it diffs that region: time the reads."""

        def __getitem__(self, key: tuple[str, str]) -> store.RegionBaseline:
            started, cpu_started = time.perf_counter(), time.process_time()
            try:
                return super().__getitem__(key)
            finally:
                wall = time.perf_counter() - started
                clock.charge("load_baseline", wall, time.process_time() - cpu_started)

        def get_against(
            self, key: tuple[str, str], live: store.TypeResources
        ) -> store.RegionBaseline | None:
            started, cpu_started = time.perf_counter(), time.process_time()
            try:
                return super().get_against(key, live)
            finally:
                wall = time.perf_counter() - started
                clock.charge("load_baseline", wall, time.process_time() - cpu_started)

    started = time.perf_counter()
    cpu_started = time.process_time()
    result = scan(
        ScanRequest(
            snapshot=directory / "snapshot.json",
            baseline_dir=str(baseline_dir),
            baselines=TimedBaselines(baseline_dir),
            policies_dir=str(REPO / "policies"),
            output_dir=directory / "reports",
            baseline_commit=False,
            processes=1,  # the pure core on one core
            engine=engine,
        ),
        clock,
    )
    clock.stop()
    stages, cpu = clock.stages, clock.cpu
    # The baseline is read inside the drift stage: charged to load_baseline, not twice.
    stages["diff"] -= stages["load_baseline"]
    cpu["diff"] -= cpu["load_baseline"]
    stages["end_to_end"] = time.perf_counter() - started
    cpu["end_to_end"] = time.process_time() - cpu_started
    return {
        "stages_s": stages,
        "stages_cpu_s": cpu,
        # CPU seconds of the one process: what the pipeline costs on one core, whatever else
        # the machine was running.
        "cpu_s": cpu["end_to_end"],
        "drift_findings": sum(1 for f in result.findings if f.kind == "drift"),
        "policy_findings": sum(1 for f in result.findings if f.kind == "policy"),
        "peak_rss_mb": peak_rss_mb(),
    }


def measure(directory: Path, timeout: float = 3600, engine: str = "native") -> dict[str, Any]:
    """One pipeline run in a fresh interpreter."""
    proc = subprocess.run(
        [sys.executable, "-m", "bench.scale", str(directory), engine],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"scale run failed: {proc.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


if __name__ == "__main__":
    print(json.dumps(pipeline(Path(sys.argv[1]), *sys.argv[2:3])))
