"""The README's performance section, generated from ``bench/results.json``.

``python -m bench.readme [RESULTS_JSON [README_MD]]`` rewrites the block between the README's
``bench`` markers; ``make bench`` runs it after the benchmark, so the README states the
numbers of the last run and nothing else. ``tests/unit/bench/test_readme.py`` checks that
the block is what this module makes of the committed results.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from bench import report

START = "<!-- bench:start (make bench writes this block from bench/results.json) -->"
END = "<!-- bench:end -->"
HERE = Path(__file__).resolve().parent
X = report.X


def _comparison(net: dict[str, Any]) -> list[str]:
    shape = net["shape_per_region"]
    per_region = net["runs"][0]["floor"]["items"] // max(1, len(net["runs"][0]["regions"]))
    reps = net["runs"][0]["netwarden_scan_wall_s"]["runs"]
    out = [
        f"`make bench` seeds one moto world (about {per_region:,} network resources per "
        f"region: {shape['security_groups']} security groups, {shape['route_tables']} route "
        f"tables, {shape['network_acls']} ACLs and {shape['enis']} ENIs among them), serves it "
        f"through a proxy that adds {net['latency_s'] * 1000:.0f} ms per request, pages EC2 "
        "calls as AWS does and can inject throttling, and runs `netwarden scan` and the real "
        "`custodian run` (whole pack, its cache on, a fresh cache file) on the same world in "
        f"the same run: medians of {reps}, full tables in [bench/results.md](bench/results.md), "
        "method in [docs/benchmarks.md](docs/benchmarks.md).",
        "",
        "| regions | `custodian run` | `netwarden scan` (with baseline diff) | ratio "
        "| netwarden without a baseline | ratio |",
        "|---|---|---|---|---|---|",
    ]
    for run in net["runs"]:
        out.append(
            f"| {len(run['regions'])} | {run['custodian_run_wall_s']['median']:.2f} s "
            f"| {run['netwarden_scan_wall_s']['median']:.2f} s | {run['ratio_median']:.2f}{X} "
            f"| {run['netwarden_scan_no_baseline_wall_s']['median']:.2f} s "
            f"| {run['ratio_no_baseline_median']:.2f}{X} |"
        )
    floors = ", ".join(str(r["floor"]["calls"]) for r in net["runs"])
    theirs = ", ".join(str(r["custodian_calls_server"][-1]) for r in net["runs"])
    first = net["runs"][0]
    unneeded = first["netwarden_calls_on_unneeded_types"] // max(1, len(first["regions"]))
    out += [
        "",
        "- netwarden's API calls are the floor (the minimum paginated calls for the inventory) "
        f"at every region count: {floors}. It also inventories {unneeded} types per region "
        f"that no policy needs (for the baseline); Custodian, which reads only what the pack "
        f"needs, made {theirs}.",
    ]
    throttle = net.get("throttling")
    if throttle:
        retried = all(r["retries"] == r["throttled"] for r in throttle["runs"])
        at_floor = all(r["api_calls"] == throttle["runs"][0]["api_calls"] for r in throttle["runs"])
        out.append(
            f"- Under {throttle['throttle_rate']:.0%} throttling "
            + (
                "every throttled call was retried"
                if retried
                else "not every throttled call was retried"
            )
            + (
                " and the call count stayed at the floor."
                if at_floor
                else "; the call count moved between runs."
            )
        )
    return out


def _scale(data: dict[str, Any]) -> list[str]:
    rows = [r for r in data["rows"] if r.get("runs")]
    if not rows:
        return []
    parts = []
    for row in rows:
        cpu = row.get("cpu_s")
        parts.append(
            f"{row['resources']:,} resources in {row['end_to_end_s']['median']:.1f} s"
            + (f" (CPU {cpu['median']:.1f} s)" if cpu else "")
            + f" and {row['peak_rss_mb']['median']:,.0f} MB"
        )
    line = (
        "- The pure core, one process on one core (load, diff, evaluate, exposure and the "
        "later stages, render): " + "; ".join(parts) + "."
    )
    skipped = [r for r in data["rows"] if not r.get("runs")]
    if skipped:
        line += " Not run: " + "; ".join(f"{r['size']:,} ({r['skipped']})" for r in skipped) + "."
    if len(rows) >= 2:
        a, b = rows[0], rows[-1]
        k = report.growth_exponent(
            a["resources"], a["end_to_end_s"]["median"], b["resources"], b["end_to_end_s"]["median"]
        )
        line += f" Time grows as n^{k:.2f} from {a['resources']:,} to {b['resources']:,}."
    return [line]


def _exposure(data: dict[str, Any]) -> list[str]:
    return [
        f"- Exposure alone: {data['interfaces']:,} interfaces analysed in "
        f"{data['analyse_s']:.1f} s and {data['open_rule_findings']:,} open-rule findings judged "
        f"in {data['judge_s']:.1f} s, {data['peak_rss_mb']:,.0f} MB."
    ]


def _startup(boot: dict[str, Any]) -> list[str]:
    commands = boot["commands"]
    listed = ", ".join(
        f"`{label}` {stat['median']:.2f} s"
        for label, stat in commands.items()
        if "python" not in label
    )
    return [
        "- Start-up, whole processes (median of "
        f"{boot['reps']}): {listed}. Commands are imported when they run, and boto3, Cloud "
        "Custodian and rich only where used (a test checks which modules `--help` loads)."
    ]


def section(results: dict[str, Any]) -> str:
    """The generated block: the comparison, the scale, start-up and every target's verdict."""
    out: list[str] = []
    net = results.get("network")
    if net:
        out += _comparison(net)
    data = results.get("scale")
    if data:
        out += _scale(data)
    if results.get("exposure"):
        out += _exposure(results["exposure"])
    boot = results.get("startup")
    if boot:
        out += _startup(boot)
    verdicts = [line for line in report.targets(results) if line.startswith("- ")]
    met = [line for line in verdicts if line.endswith("**met**")]
    missed = [line for line in verdicts if line not in met and "(reported, no target)" not in line]
    out += [
        "",
        f"Issue 17's targets in this run: {len(met)} met, {len(missed)} not met or not measured:",
        "",
    ]
    out += missed + met
    env = results["environment"]
    load = env.get("load_average_start") or []
    out += [
        "",
        f"This run: {env['date'][:10]}, commit {env.get('commit') or '?'}, {env['cores']} "
        f"cores shared with other jobs (load average {load[0]:.1f} at the start), "
        f"`make bench` took {results.get('duration_s', 0) / 60:.0f} minutes. Timings on a "
        "shared VM vary by tens of percent between runs; compare the two tools within one "
        "run, as the report does.",
    ]
    if results.get("quick"):
        out.insert(0, "**Quick run (toy sizes): not the benchmark.**\n")
    return "\n".join(out).rstrip() + "\n"


def readme_block(readme: str) -> str:
    """The text between the markers."""
    return readme[readme.index(START) + len(START) : readme.index(END)].strip() + "\n"


def update_readme(readme: str, text: str) -> str:
    if START not in readme or END not in readme:
        raise ValueError(f"README has no {START!r} ... {END!r} block")
    head, tail = readme[: readme.index(START) + len(START)], readme[readme.index(END) :]
    return f"{head}\n{text.rstrip()}\n{tail}"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) > 2:
        print("usage: python -m bench.readme [RESULTS_JSON [README_MD]]", file=sys.stderr)
        return 2
    results_path = Path(args[0]) if args else HERE / "results.json"
    readme_path = Path(args[1]) if len(args) > 1 else HERE.parent / "README.md"
    results = json.loads(results_path.read_text("utf-8"))
    readme = readme_path.read_text("utf-8")
    readme_path.write_text(update_readme(readme, section(results)), encoding="utf-8")
    print(f"updated {readme_path} from {results_path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
