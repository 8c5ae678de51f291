"""Start-up time of the command line: wall time of whole ``netwarden`` processes.

``python -m bench.startup [--reps N]`` prints JSON; ``make bench`` runs it as one section.
Each figure is the median of N fresh processes (the first run, which warms the page cache
and writes bytecode, is not counted). ``policies list`` is measured twice: on a pack this
installation has not seen pass, which it validates with Custodian's schema (so the import
of c7n is in the figure), and on a pack that passed before, which it lists from the memory of
validated packs without importing Custodian (``scanner.policy.validated``). Every run gets
its own empty ``XDG_CACHE_HOME`` but the last, which keeps the one its warm-up filled.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.stats import summarize

ROOT = Path(__file__).resolve().parents[1]
TARGET_HELP_S = 0.3  # issue 17: `netwarden --help` under 0.3 s
LIST = ["policies", "list", "--policies", str(ROOT / "policies")]
COMMANDS: dict[str, list[str]] = {
    "netwarden --help": ["--help"],
    "netwarden --version": ["--version"],
    "netwarden scan --help": ["scan", "--help"],
    "netwarden policies list": LIST,
    "netwarden policies list (a pack that passed before)": LIST,
}
KEEPS_CACHE = frozenset({"netwarden policies list (a pack that passed before)"})


def _executable() -> list[str]:
    found = Path(sys.executable).with_name("netwarden")
    if found.exists():
        return [str(found)]
    which = shutil.which("netwarden")
    return [which] if which else [sys.executable, "-m", "scanner"]


def time_once(argv: list[str], cache: str | None = None) -> float:
    """Seconds from spawn to exit of one ``netwarden`` process (output discarded), with
    ``cache`` as its XDG_CACHE_HOME (a new empty one when None)."""
    with tempfile.TemporaryDirectory(prefix="nw-bench-cache-") as fresh:
        env = {**os.environ, "NO_COLOR": "1", "XDG_CACHE_HOME": cache or fresh}
        start = time.perf_counter()
        subprocess.run(
            [*_executable(), *argv],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=True,
            timeout=120,
            env=env,
        )
        return time.perf_counter() - start


def _interpreter(reps: int) -> dict[str, float]:
    """The floor: the same interpreter starting and doing nothing."""

    def once() -> float:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True, timeout=60)
        return time.perf_counter() - start

    once()
    return summarize([once() for _ in range(reps)]).to_dict()


def measure(reps: int = 7) -> dict[str, Any]:
    """Median, min and max wall time of each command over ``reps`` fresh processes."""
    rows = {"python -c pass (the interpreter alone)": _interpreter(reps)}
    with tempfile.TemporaryDirectory(prefix="nw-bench-cache-") as kept:
        for label, argv in COMMANDS.items():
            cache = kept if label in KEEPS_CACHE else None
            time_once(argv, cache)  # warm-up, not counted
            rows[label] = summarize([time_once(argv, cache) for _ in range(reps)]).to_dict()
    return {"reps": reps, "commands": rows, "target_help_s": TARGET_HELP_S}


def render(results: dict[str, Any]) -> list[str]:
    """The Markdown section of bench/results.md."""
    out = [
        "## Start-up",
        "",
        f"Wall time of a whole `netwarden` process, median of {results['reps']} runs "
        "(`python -m bench.startup`).",
        "",
        "| command | median | min | max |",
        "| --- | --- | --- | --- |",
    ]
    for label, stat in results["commands"].items():
        out.append(
            f"| `{label}` | {stat['median']:.3f} s | {stat['min']:.3f} s | {stat['max']:.3f} s |"
        )
    out.append("")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.startup", description=__doc__)
    parser.add_argument("--reps", type=int, default=7)
    args = parser.parse_args(argv)
    print(json.dumps(measure(args.reps), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
