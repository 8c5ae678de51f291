"""Start-up time of the command line: wall time of whole ``netwarden`` processes.

``python -m bench.startup [--reps N]`` prints JSON; ``make bench`` runs it as one section.
Each figure is the median of N fresh processes (the first run, which warms the page cache
and writes bytecode, is not counted). ``policies list`` loads and validates the whole pack
with Custodian's schema, so it measures the import of c7n as well.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.stats import summarize

ROOT = Path(__file__).resolve().parents[1]
TARGET_HELP_S = 0.3  # issue 17: `netwarden --help` under 0.3 s
COMMANDS: dict[str, list[str]] = {
    "netwarden --help": ["--help"],
    "netwarden --version": ["--version"],
    "netwarden scan --help": ["scan", "--help"],
    "netwarden policies list": ["policies", "list", "--policies", str(ROOT / "policies")],
}


def _executable() -> list[str]:
    found = Path(sys.executable).with_name("netwarden")
    if found.exists():
        return [str(found)]
    which = shutil.which("netwarden")
    return [which] if which else [sys.executable, "-m", "scanner"]


def time_once(argv: list[str]) -> float:
    """Seconds from spawn to exit of one ``netwarden`` process (output discarded)."""
    start = time.perf_counter()
    subprocess.run(
        [*_executable(), *argv],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=True,
        timeout=120,
        env={**os.environ, "NO_COLOR": "1"},
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
    for label, argv in COMMANDS.items():
        time_once(argv)  # warm-up, not counted
        rows[label] = summarize([time_once(argv) for _ in range(reps)]).to_dict()
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
