"""Scale of the pure core: load a synthetic snapshot, diff it against a baseline with 1%
drift, evaluate every policy, render all three reports; time each stage and the peak RSS.

Each measurement runs in a fresh interpreter (``python -m bench.scale MEASURE_DIR``) so that
its peak memory (``VmHWM``) is that of the one pipeline, nothing else. The inputs are prepared (and
written to files) beforehand, untimed.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable
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


def _timed(stages: dict[str, float], name: str, fn: Callable[[], Any]) -> Any:
    started = time.perf_counter()
    result = fn()
    stages[name] = time.perf_counter() - started
    return result


def _timed_add(stages: dict[str, float], name: str, fn: Callable[[], Any]) -> Any:
    started = time.perf_counter()
    result = fn()
    stages[name] += time.perf_counter() - started
    return result


def pipeline(directory: Path) -> dict[str, Any]:
    """What ``netwarden scan --snapshot`` does, stage by stage (no git, no AWS), with the
    command line's garbage-collector settings."""
    from scanner import gcpolicy
    from scanner import snapshot as snapshot_mod
    from scanner.baseline import store
    from scanner.drift.engine import diff
    from scanner.drift.findings import drift_findings
    from scanner.policy.evaluate import evaluate
    from scanner.policy.loader import load_policy_pack
    from scanner.report import write_reports
    from scanner.report.run import rule_from_metadata, run_info_from_snapshot

    gcpolicy.tune()
    stages: dict[str, float] = {}
    started = time.perf_counter()
    snap = _timed(stages, "load_snapshot", lambda: snapshot_mod.load(directory / "snapshot.json"))
    pack = _timed(stages, "load_policies", lambda: load_policy_pack(str(REPO / "policies")))
    baseline_dir = directory / "baselines"

    class TimedBaselines(store.BaselineDir):
        """Scan reads each region's baseline when it diffs that region: time the reads."""

        def __getitem__(self, key: tuple[str, str]) -> store.RegionBaseline:
            parent = super().__getitem__
            return _timed_add(stages, "load_baseline", lambda: parent(key))

    stages["load_baseline"] = 0.0

    def drift() -> list[Any]:
        live = store.project_snapshot(snap)
        baselines = TimedBaselines(baseline_dir)
        deltas = diff(live, baselines, lambda a, r: store.baseline_path(baseline_dir, a, r))
        return drift_findings(deltas)

    drifts = _timed(stages, "diff", drift)
    stages["diff"] -= stages["load_baseline"]
    policy = _timed(stages, "evaluate", lambda: evaluate(snap, pack))

    def render() -> list[Path]:
        from scanner.model import Location

        run = run_info_from_snapshot(
            snap,
            rules=[rule_from_metadata(p.metadata, Location(p.path, p.line)) for p in pack.policies],
            policy_pack_dir="policies",
            policy_pack_digest=pack.digest,
            baseline_dir=str(baseline_dir),
        )
        return write_reports([*drifts, *policy], run, directory / "reports")

    _timed(stages, "render", render)
    stages["end_to_end"] = time.perf_counter() - started
    return {
        "stages_s": stages,
        "drift_findings": len(drifts),
        "policy_findings": len(policy),
        "peak_rss_mb": peak_rss_mb(),
    }


def measure(directory: Path, timeout: float = 3600) -> dict[str, Any]:
    """One pipeline run in a fresh interpreter."""
    proc = subprocess.run(
        [sys.executable, "-m", "bench.scale", str(directory)],
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
    print(json.dumps(pipeline(Path(sys.argv[1]))))
