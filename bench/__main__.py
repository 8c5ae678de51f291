"""``python -m bench`` (``make bench``): the API benchmark against Custodian, the scale
benchmark of the pure core and the flow-log benchmark (DuckDB against plain Python); writes
``bench/results.json`` and ``bench/results.md``. ``python -m bench flows`` runs the flow-log
stage alone.

``--quick`` runs everything at toy sizes (a minute or two) to check the harness.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench import env, report
from bench.world import REGIONS, Shape

HERE = Path(__file__).resolve().parent
QUICK_SHAPE = Shape(
    vpcs=2,
    subnets_per_vpc=2,
    security_groups=30,
    route_tables=12,
    network_acls=12,
    enis=20,
    elastic_ips=2,
)
DEFAULT_SHAPE = Shape(
    vpcs=6,
    subnets_per_vpc=4,
    security_groups=300,
    route_tables=200,
    network_acls=200,
    enis=300,
    elastic_ips=6,
)


def _ints(text: str) -> list[int]:
    return [int(part) for part in text.split(",") if part.strip()]


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="toy sizes, to check the harness")
    parser.add_argument("--regions", type=_ints, default=None, help="region counts (1,4,17)")
    parser.add_argument("--reps", type=int, default=3, help="timed runs per figure")
    parser.add_argument("--latency", type=float, default=0.05, help="seconds per API request")
    parser.add_argument(
        "--throttle-rate",
        type=float,
        default=0.05,
        help="share of requests throttled in the throttling run",
    )
    parser.add_argument(
        "--sizes", type=_ints, default=None, help="scale benchmark sizes (10000,100000,1000000)"
    )
    parser.add_argument(
        "--scale-budget",
        type=float,
        default=1800.0,
        help="seconds the scale benchmark may take; a size whose projected "
        "time exceeds what is left runs once, or is skipped",
    )
    parser.add_argument("--skip-network", action="store_true")
    parser.add_argument("--skip-scale", action="store_true")
    parser.add_argument("--skip-startup", action="store_true")
    parser.add_argument("--skip-flows", action="store_true")
    parser.add_argument("--skip-exposure", action="store_true")
    parser.add_argument(
        "--exposure-enis", type=int, default=None, help="interfaces (default 100,000)"
    )
    parser.add_argument(
        "--flows-records", type=int, default=None, help="flow-log records (default 10,000,000)"
    )
    parser.add_argument(
        "--flows-cache",
        type=Path,
        default=None,
        help="where the generated flow logs are kept between runs (default bench/.cache)",
    )
    parser.add_argument("--out", type=Path, default=HERE, help="where results.{md,json} go")
    return parser.parse_args(argv)


def log_to_stderr(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def run_network(args: argparse.Namespace, work: Path, log: Callable[[str], None]) -> dict[str, Any]:
    from bench import network

    counts = args.regions or ([1, 2] if args.quick else [1, 4, 17])
    shape = QUICK_SHAPE if args.quick else DEFAULT_SHAPE
    regions = REGIONS[: max(counts)]
    stack = network.start(regions, shape, args.latency, 0.0, log)
    try:
        runs = []
        for n in counts:
            log(f"API benchmark: {n} region(s)")
            runs.append(
                network.measure_regions(
                    stack, regions[:n], args.reps, args.latency, work / f"regions-{n}", log
                )
            )
        throttle_regions = regions[: min(4, len(regions))]
        log(f"throttling: {len(throttle_regions)} region(s) at {args.throttle_rate:.0%}")
        throttling = network.measure_throttling(
            stack, throttle_regions, args.reps, args.latency, args.throttle_rate, work
        )
    finally:
        stack.stop()
    return {
        "shape_per_region": shape.to_dict(),
        "latency_s": args.latency,
        "max_workers": 16,
        "runs": runs,
        "throttling": throttling,
        "memo": {"hits": stack.memo.hits, "misses": stack.memo.misses},
    }


def run_scale(args: argparse.Namespace, work: Path, log: Callable[[str], None]) -> dict[str, Any]:
    from bench import scale
    from bench.stats import summarize

    sizes = args.sizes or ([2000, 5000] if args.quick else [10_000, 100_000, 1_000_000])
    deadline = time.monotonic() + args.scale_budget
    rows: list[dict[str, Any]] = []
    for size in sizes:
        directory = work / f"scale-{size}"
        previous = rows[-1] if rows and rows[-1].get("runs") else None
        projected = (
            previous["end_to_end_s"]["median"] * size / previous["resources"] if previous else 0.0
        )
        left = deadline - time.monotonic()
        rss = previous["peak_rss_mb"]["median"] * size / previous["resources"] if previous else 0
        memory = (env.describe().get("memory_gib") or 0) * 1024
        if previous and memory and rss > memory / 2:
            log(f"scale {size}: skipped, projected peak RSS {rss:.0f} MB")
            rows.append(
                {
                    "size": size,
                    "skipped": f"projected peak RSS {rss:,.0f} MB, over half the machine's memory",
                }
            )
            continue
        if previous and projected > left:
            log(f"scale {size}: skipped, projected {projected:.0f}s > {left:.0f}s left")
            rows.append(
                {
                    "size": size,
                    "skipped": f"projected {projected:.0f} s, "
                    f"{max(left, 0):.0f} s of the budget left",
                }
            )
            continue
        log(f"scale {size}: preparing")
        made = scale.prepare(size, directory)
        results: list[dict[str, Any]] = []
        # One run from a million resources on: a run is minutes, and its spread is small.
        reps = 1 if size >= 1_000_000 else args.reps
        for rep in range(reps):
            left = deadline - time.monotonic()
            if rep and results and results[-1]["stages_s"]["end_to_end"] * 1.3 > left:
                break
            results.append(scale.measure(directory))
            log(
                f"scale {size}: run {rep + 1} end to end "
                f"{results[-1]['stages_s']['end_to_end']:.1f}s"
            )
        stages = {
            name: summarize([r["stages_s"][name] for r in results]).to_dict()
            for name in results[0]["stages_s"]
        }
        stages_cpu = {
            name: summarize([r["stages_cpu_s"][name] for r in results]).to_dict()
            for name in results[0].get("stages_cpu_s", {})
        }
        rows.append(
            {
                "size": size,
                **made,
                "runs": len(results),
                "stages_s": stages,
                "stages_cpu_s": stages_cpu,
                "end_to_end_s": stages["end_to_end"],
                "peak_rss_mb": summarize([r["peak_rss_mb"] for r in results]).to_dict(),
                "cpu_s": summarize([r["cpu_s"] for r in results]).to_dict(),
                "drift_findings": results[0]["drift_findings"],
                "policy_findings": results[0]["policy_findings"],
            }
        )
        shutil.rmtree(directory, ignore_errors=True)
    return {"rows": rows, "budget_s": args.scale_budget}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["flows"]:
        # One stage alone: `python -m bench flows [--records N]`.
        from bench import flows

        return flows.main(argv[1:], HERE)
    args = parse_args(argv)
    started = time.monotonic()
    env.compile_bytecode()  # timed processes must not compile netwarden from source
    results: dict[str, Any] = {"environment": env.describe(), "quick": args.quick}
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="netwarden-bench-") as tmp:
        work = Path(tmp)
        if not args.skip_startup:
            from bench import startup

            log_to_stderr("start-up: whole netwarden processes")
            results["startup"] = startup.measure(3 if args.quick else 9)
            _save(args.out, results)
        if not args.skip_network:
            results["network"] = run_network(args, work, log_to_stderr)
            _save(args.out, results)
        if not args.skip_scale:
            results["scale"] = run_scale(args, work, log_to_stderr)
            _save(args.out, results)
        if not args.skip_exposure:
            from bench import exposure

            default_enis = exposure.QUICK_ENIS if args.quick else exposure.DEFAULT_ENIS
            results["exposure"] = exposure.run(args.exposure_enis or default_enis, log_to_stderr)
            _save(args.out, results)
        if not args.skip_flows:
            from bench import flows

            default = flows.QUICK_RECORDS if args.quick else flows.DEFAULT_RECORDS
            records = args.flows_records or default
            cache = args.flows_cache or flows.CACHE
            results["flows"] = {"runs": [flows.run(records, log_to_stderr, cache)]}
    results["environment"]["load_average_end"] = list(os.getloadavg())
    results["environment"]["commit_end"] = env.git_commit()
    results["environment"]["code_digest_end"] = env.code_digest()
    results["environment"]["code_changed_during_run"] = (
        results["environment"]["code_digest_end"] != results["environment"]["code_digest"]
    )
    results["duration_s"] = round(time.monotonic() - started, 1)
    _save(args.out, results)
    (args.out / "results.md").write_text(report.render(results), encoding="utf-8")
    log_to_stderr(f"wrote {args.out / 'results.md'} in {results['duration_s']:.0f}s")
    return 0


def _save(out: Path, results: dict[str, Any]) -> None:
    (out / "results.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
