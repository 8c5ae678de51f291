"""``bench/results.md`` from the results dict: environment, method, tables, growth, and
each target of issue 17 with whether this run met it."""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from typing import Any

X = "\u00d7"  # the multiplication sign
DASH = "\u2013"
# Issue 17's targets ("Done when"), all judged on one `make bench` run.
RATIO_TARGET = 10.0  # netwarden scan vs custodian run at 4 regions, 50 ms per request
SCALE_TARGETS = {  # size requested: (end to end seconds, peak RSS MB), on one core
    100_000: (10.0, 1024.0),
    1_000_000: (100.0, 6 * 1024.0),
}
LINEAR_K = 1.1  # time ∝ n^k counts as linear up to this k
# The scale table's stage columns, in pipeline order; a stage the benchmark times that is
# not listed here (a new one) is shown after these, so no measured time goes unreported.
STAGE_COLUMNS = {
    "load_snapshot": "load snapshot",
    "load_policies": "load policies",
    "load_baseline": "load baseline",
    "diff": "diff",
    "evaluate": "evaluate",
    "exposure": "exposure",
    "flows": "flow evidence",
    "waivers": "waivers",
    "render": "render",
    "other": "other stages",
}


def _s(stat: dict[str, float], digits: int = 2) -> str:
    return f"{stat['median']:.{digits}f} ({stat['min']:.{digits}f}{DASH}{stat['max']:.{digits}f})"


def _table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return lines


def growth_exponent(n1: float, t1: float, n2: float, t2: float) -> float:
    """k in t ∝ n^k between two sizes (1.0 is linear)."""
    return math.log(t2 / t1) / math.log(n2 / n1)


def _yes(ok: bool) -> str:
    return "**met**" if ok else "**not met**"


def environment(results: dict[str, Any]) -> list[str]:
    e = results["environment"]
    versions = ", ".join(f"{k} {v}" for k, v in e["versions"].items())
    load = e.get("load_average_start", [])
    load_end = e.get("load_average_end", [])
    return [
        "## Environment",
        "",
        *_table(
            ["", ""],
            [
                ["date (UTC)", e["date"]],
                [
                    "commit",
                    f"{e.get('commit') or '?'} at the start, {e.get('commit_end') or '?'} at "
                    "the end; product code changed during the run: "
                    f"{'**yes**' if e.get('code_changed_during_run') else 'no'}",
                ],
                ["CPU", f"{e['cpu']}, {e['cores']} cores"],
                ["memory", f"{e['memory_gib']} GiB"],
                ["OS", e["os"]],
                ["Python", e["python"]],
                ["packages", versions],
                [
                    "load average (1/5/15 min)",
                    f"start {', '.join(f'{x:.1f}' for x in load)}; "
                    f"end {', '.join(f'{x:.1f}' for x in load_end)}",
                ],
                ["`make bench` took", f"{results.get('duration_s', 0):.0f} s"],
            ],
        ),
        "",
        "The machine is shared: a load average above the core count means other jobs ran "
        "alongside and every wall time here is inflated by them, for both tools alike.",
        "",
    ]


def network(results: dict[str, Any]) -> list[str]:
    net = results.get("network")
    if not net:
        return []
    shape = net["shape_per_region"]
    out = [
        "## netwarden vs `custodian run`, same world, same run",
        "",
        f"Per region: {shape['vpcs']} VPCs {X} {shape['subnets_per_vpc']} subnets, "
        f"{shape['security_groups']} security groups (1{DASH}4 rules each), "
        f"{shape['route_tables']} route tables, {shape['network_acls']} network ACLs, "
        f"{shape['enis']} ENIs, {shape['elastic_ips']} Elastic IPs, flow logs, a NAT gateway "
        "with alarms, Config, GuardDuty; one multi-region trail (plus moto's default VPC). "
        f"Every API request waits {net['latency_s'] * 1000:.0f} ms; EC2 Describe calls are "
        f"paged as AWS pages them. Wall times are seconds, median (min{DASH}max) of "
        f"{net['runs'][0]['netwarden_scan_wall_s']['runs']} runs; the ratio is Custodian's "
        "median over netwarden's (above 1: netwarden is faster). `netwarden scan` diffs "
        "against a baseline of the same world (made beforehand) as well as evaluating the "
        'pack; "no baseline" is the same scan with an empty baseline directory, i.e. the '
        "work `custodian run` does: collect, evaluate, report.",
        "",
    ]
    rows = []
    for run in net["runs"]:
        rows.append(
            [
                len(run["regions"]),
                run["floor"]["items"],
                _s(run["netwarden_scan_wall_s"]),
                _s(run["netwarden_scan_no_baseline_wall_s"]),
                _s(run["custodian_run_wall_s"]),
                f"{run['ratio_median']:.2f}{X}",
                f"{run['ratio_no_baseline_median']:.2f}{X}",
                run["netwarden_calls_server"][-1],
                run["custodian_calls_server"][-1],
                run["netwarden_calls_on_unneeded_types"],
            ]
        )
    out += _table(
        [
            "regions",
            "resources",
            "`netwarden scan` (s)",
            "`netwarden scan`, no baseline (s)",
            "`custodian run` (s)",
            "ratio",
            "ratio, no baseline",
            "netwarden calls",
            "Custodian calls",
            "netwarden calls on types no policy needs",
        ],
        rows,
    )
    out += [
        "",
        "### netwarden's collection against the floor",
        "",
        "Floor: Σ over (region, type) of max(1, ⌈items / max page size⌉), plus one "
        "GetTrailStatus per trail, recorder status + delivery channels where there is a "
        "recorder, GetDetector + GetAdministratorAccount per detector, and "
        "GetCallerIdentity + DescribeOrganization per account (no DescribeRegions: "
        "`--regions` is given). Critical path: the calls of the slowest (region, type) after "
        f"the account's two, {X} latency. With 16 workers, every call once 16 at a time is the "
        "other bound (worker bound). `collect` (in-process) is the snapshot's `duration_s`; "
        "`collect` (process) adds interpreter start-up and imports.",
        "",
    ]
    rows = []
    for run in net["runs"]:
        floor = run["floor"]
        bound = max(floor["critical_path_s"], floor["worker_bound_s_16"])
        inner = run["netwarden_collect_inner_s"]["median"]
        rows.append(
            [
                len(run["regions"]),
                floor["calls"],
                f"{run['netwarden_collect_calls_server'][-1]} / "
                f"{run['netwarden_collect_calls_snapshot'][-1]}",
                _yes(
                    all(c == floor["calls"] for c in run["netwarden_collect_calls_server"])
                    and all(c == floor["calls"] for c in run["netwarden_collect_calls_snapshot"])
                ),
                f"{floor['critical_path_s']:.2f}",
                f"{floor['worker_bound_s_16']:.2f}",
                _s(run["netwarden_collect_inner_s"]),
                _s(run["netwarden_collect_wall_s"]),
                f"{inner / floor['critical_path_s']:.1f}{X} / {inner / bound:.1f}{X}",
            ]
        )
    out += _table(
        [
            "regions",
            "floor (calls)",
            "netwarden calls (server / snapshot)",
            "calls = floor",
            "critical path (s)",
            "worker bound (s)",
            "`collect` in-process (s)",
            "`collect` process (s)",
            "in-process ÷ critical path / ÷ max(bounds)",
        ],
        rows,
    )
    throttle = net.get("throttling")
    if throttle:
        runs = throttle["runs"]
        out += [
            "",
            f"### Throttling: {len(throttle['regions'])} regions, "
            f"{throttle['throttle_rate']:.0%} of requests answered `RequestLimitExceeded`",
            "",
            *_table(
                [
                    "run",
                    "requests at server",
                    "throttled",
                    "api_calls",
                    "retries",
                    "collect in-process (s)",
                ],
                [
                    [i + 1, r["server_requests"], r["throttled"], r["api_calls"], r["retries"], ""]
                    for i, r in enumerate(runs)
                ]
                + [["median", "", "", "", "", _s(throttle["collect_inner_s"])]],
            ),
            "",
            "Every throttled request was retried by botocore's adaptive mode and the snapshot "
            "has no errors; `api_calls` stays at the floor, the retries are extra requests.",
        ]
    last = net["runs"][-1]
    out += [
        "",
        f"Custodian's calls at {len(last['regions'])} regions, by operation: "
        + ", ".join(f"{k} {v}" for k, v in last["custodian_calls_by_operation"].items())
        + ".",
        "",
        "Types the pack needs (its resources, and every type whose API Custodian called for "
        "it): " + ", ".join(last["types_needed_by_pack"]) + ". netwarden's calls on the others "
        "(for the baseline and drift): "
        + ", ".join(f"{k} {v}" for k, v in last["netwarden_unneeded_operations"].items())
        + ".",
        "",
    ]
    return out


def stage_names(rows: Sequence[dict[str, Any]]) -> list[str]:
    """The timed stages of the measured rows, in :data:`STAGE_COLUMNS` order, then any new
    ones; ``end_to_end`` last."""
    seen: list[str] = []
    for row in rows:
        for name in row["stages_s"]:
            if name != "end_to_end" and name not in seen:
                seen.append(name)
    known = [name for name in STAGE_COLUMNS if name in seen]
    return [*known, *(name for name in seen if name not in STAGE_COLUMNS), "end_to_end"]


def _stage_label(name: str) -> str:
    return "end to end" if name == "end_to_end" else STAGE_COLUMNS.get(name, name)


def scale(results: dict[str, Any]) -> list[str]:
    data = results.get("scale")
    if not data:
        return []
    measured = [r for r in data["rows"] if r.get("runs")]
    stages = stage_names(measured)
    out = [
        "## Scale of the pure core",
        "",
        "Synthetic snapshots in the snapshot format, 2,500 resources per (account, region) "
        "(accounts of 17 regions), a baseline with 1% of the resources drifted, the full rule "
        "pack. One fresh interpreter per run, one process on one core (`scan --processes 1`): "
        "load the snapshot, load the policies, load the baseline (YAML), project and diff, "
        "evaluate every policy, the scan's later stages (exposure and the others, as timed), "
        f"render SARIF + Markdown + JSON. Seconds of wall time, median (min{DASH}max); CPU is "
        "the process's CPU seconds for the whole pipeline (on a loaded machine wall time also "
        "counts the time other jobs held the core); peak RSS of the whole run.",
        "",
    ]
    rows = []
    for row in data["rows"]:
        if not row.get("runs"):
            rows.append(
                [f"{row['size']:,}", "skipped: " + row["skipped"], *[""] * (len(stages) + 3)]
            )
            continue
        st = row["stages_s"]
        cpu = row.get("cpu_s")
        rows.append(
            [
                f"{row['resources']:,}",
                row["account_regions"],
                *(_s(st[name]) if name in st else "" for name in stages),
                f"{cpu['median']:.2f}" if cpu else "",
                f"{row['peak_rss_mb']['median']:,.0f}",
                f"{row['drift_findings']:,} / {row['policy_findings']:,}",
                row["runs"],
            ]
        )
    out += _table(
        [
            "resources",
            "account-regions",
            *(_stage_label(name) for name in stages),
            "CPU (s)",
            "peak RSS (MB)",
            "findings (drift / policy)",
            "runs",
        ],
        rows,
    )
    out += [""]
    with_cpu = [r for r in measured if r.get("stages_cpu_s")]
    if with_cpu:
        out += [
            f"CPU seconds of the process per stage, median (min{DASH}max): what each stage costs "
            "on one core, whatever else the machine ran:",
            "",
        ]
        cpu_rows = [
            [
                f"{row['resources']:,}",
                *(
                    _s(row["stages_cpu_s"][name]) if name in row["stages_cpu_s"] else ""
                    for name in stages
                ),
            ]
            for row in with_cpu
        ]
        out += _table(["resources", *(_stage_label(name) for name in stages)], cpu_rows)
        out += [""]
    if len(measured) >= 2:
        out += ["Growth, as k in time ∝ n^k between consecutive sizes (1.0 is linear):", ""]
        grow_rows = []
        for a, b in itertools.pairwise(measured):
            cells = [f"{a['resources']:,} → {b['resources']:,}"]
            for name in stages:
                if name not in a["stages_s"] or name not in b["stages_s"]:
                    cells.append("")
                    continue
                t1, t2 = a["stages_s"][name]["median"], b["stages_s"][name]["median"]
                cells.append(
                    f"{growth_exponent(a['resources'], t1, b['resources'], t2):.2f}"
                    if t1 > 0 and t2 > 0
                    else ""
                )
            m1, m2 = a["peak_rss_mb"]["median"], b["peak_rss_mb"]["median"]
            cells.append(f"{growth_exponent(a['resources'], m1, b['resources'], m2):.2f}")
            grow_rows.append(cells)
        out += _table(["sizes", *(_stage_label(n) for n in stages), "peak RSS"], grow_rows)
        out += [""]
    return out


def _network_targets(net: dict[str, Any]) -> list[str]:
    out = []
    by_n = {len(r["regions"]): r for r in net["runs"]}
    latency = f"{net['latency_s'] * 1000:.0f} ms"
    four = by_n.get(4)
    if four is None:
        out.append(f"- \u2265 {RATIO_TARGET:.0f}{X} at 4 regions: not measured (no 4-region run)")
    else:
        for key, label in (
            ("ratio_median", "`netwarden scan`"),
            ("ratio_no_baseline_median", "`netwarden scan` without a baseline"),
        ):
            if key in four:
                out.append(
                    f"- \u2265 {RATIO_TARGET:.0f}{X} faster than `custodian run` at 4 regions "
                    f"and {latency}, whole pack, same world, same run, {label}: "
                    f"{four[key]:.2f}{X} \u2014 {_yes(four[key] >= RATIO_TARGET)}"
                )
    ratios = [by_n[n]["ratio_median"] for n in sorted(by_n)]
    pairs = list(itertools.pairwise(ratios))
    out.append(
        "- ratio growing with regions ("
        + ", ".join(f"{n}: {by_n[n]['ratio_median']:.2f}{X}" for n in sorted(by_n))
        + f") \u2014 {_yes(len(ratios) >= 2 and all(b >= a for a, b in pairs))}"
    )
    calls_ok = all(
        all(c == r["floor"]["calls"] for c in r["netwarden_collect_calls_server"])
        for r in net["runs"]
    )
    out.append(
        "- netwarden's API calls = the floor at every region count ("
        + ", ".join(f"{n}: {by_n[n]['floor']['calls']}" for n in sorted(by_n))
        + f") \u2014 {_yes(calls_ok)}"
    )
    return out


def _scale_targets(data: dict[str, Any], sizes_hint: str) -> list[str]:
    out = []
    rows = [r for r in data["rows"] if r.get("runs")]
    by_size = {r["size"]: r for r in data["rows"]}
    for size, (limit_s, limit_mb) in SCALE_TARGETS.items():
        label = f"{size // 1000:,}k" if size < 1_000_000 else f"{size // 1_000_000}M"
        head = (
            f"- {label} resources end to end under {limit_s:.0f} s and "
            f"{limit_mb / 1024:.0f} GB on one core"
        )
        row = by_size.get(size)
        if row is None:
            out.append(f"{head}: not measured in this run ({sizes_hint})")
            continue
        if not row.get("runs"):
            out.append(f"{head}: not measured in this run ({row['skipped']})")
            continue
        t = row["end_to_end_s"]["median"]
        m = row["peak_rss_mb"]["median"]
        cpu = row.get("cpu_s")
        cpu_text = ""
        if cpu:
            cpu_text = f" (CPU {cpu['median']:.1f} s"
            if t >= limit_s > cpu["median"]:
                cpu_text += (
                    ": the CPU time alone is under the limit, the rest was waiting for a core"
                )
            cpu_text += ")"
        out.append(
            f"{head}: {t:.1f} s{cpu_text}, {m:,.0f} MB \u2014 {_yes(t < limit_s and m < limit_mb)}"
        )
    if len(rows) >= 2:
        a, b = rows[0], rows[-1]
        k = growth_exponent(
            a["resources"], a["end_to_end_s"]["median"], b["resources"], b["end_to_end_s"]["median"]
        )
        out.append(
            f"- linear growth ({a['resources']:,} \u2192 {b['resources']:,}): k = {k:.2f} end to "
            f"end \u2014 {_yes(k <= LINEAR_K)}"
        )
    return out


def _collection(net: dict[str, Any]) -> list[str]:
    """Collection against its bounds: reported, as issue 17 asks, with no target of its own."""
    parts = []
    for run in net["runs"]:
        floor = run["floor"]
        inner = run["netwarden_collect_inner_s"]["median"]
        bound = max(floor["critical_path_s"], floor["worker_bound_s_16"])
        critical = inner / floor["critical_path_s"]
        n = len(run["regions"])
        parts.append(
            f"{n} region{'s' if n > 1 else ''} {inner:.2f} s ({critical:.1f}{X} "
            f"the critical path, {inner / bound:.1f}{X} max(critical path, worker bound))"
        )
    return ["- collection in-process (reported, no target): " + "; ".join(parts)]


def targets(results: dict[str, Any]) -> list[str]:
    out = ["## Targets of issue 17, this run", ""]
    net = results.get("network")
    if net:
        out += _network_targets(net)
    else:
        out.append("- the comparison with `custodian run`: not measured in this run")
    data = results.get("scale")
    sizes_hint = "the sizes run are set by `make bench BENCH_ARGS='--sizes 10000,100000,1000000'`"
    if data:
        out += _scale_targets(data, sizes_hint)
    else:
        out.append("- scale: not measured in this run")
    boot = results.get("startup")
    if boot and "netwarden --help" in boot["commands"]:
        t = boot["commands"]["netwarden --help"]["median"]
        limit = boot["target_help_s"]
        out.append(f"- `netwarden --help` under {limit} s: {t:.3f} s \u2014 {_yes(t < limit)}")
    else:
        out.append("- `netwarden --help` under 0.3 s: not measured in this run")
    if net:
        out += _collection(net)
    out.append("")
    return out


def render(results: dict[str, Any]) -> str:
    lines = [
        "# netwarden benchmarks",
        "",
        "Written by `make bench` (`python -m bench`); raw numbers in `bench/results.json`, "
        "method in `docs/benchmarks.md`."
        + (" **Quick run (toy sizes): not the benchmark.**" if results.get("quick") else ""),
        "",
    ]
    lines += targets(results)
    if results.get("startup"):
        from bench import startup

        lines += startup.render(results["startup"])
    lines += network(results)
    lines += scale(results)
    if results.get("exposure"):
        from bench import exposure

        lines += exposure.render(results["exposure"])
    if results.get("flows"):
        from bench import flows

        lines += flows.render(results["flows"])
    lines += environment(results)
    return "\n".join(lines).rstrip() + "\n"
