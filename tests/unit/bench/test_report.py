"""bench/report.py and bench/readme.py on literal results: each target of issue 17 judged,
a size the run left out said to be unmeasured, and the README block made from the committed
bench/results.json."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from bench import readme, report

ROOT = Path(__file__).resolve().parents[3]
X = report.X


def _stat(median: float) -> dict[str, float]:
    return {"median": median, "min": median, "max": median, "runs": 3}


def _row(size: int, end_to_end: float, cpu: float, rss: float, **extra: float) -> dict[str, Any]:
    stages = {"load_snapshot": 0.1, "diff": 0.2, "evaluate": 0.3, "render": 0.4, **extra}
    stages["end_to_end"] = end_to_end
    return {
        "size": size,
        "resources": size - size // 250,
        "account_regions": size // 2500,
        "runs": 3,
        "stages_s": {name: _stat(v) for name, v in stages.items()},
        "end_to_end_s": _stat(end_to_end),
        "cpu_s": _stat(cpu),
        "peak_rss_mb": _stat(rss),
        "drift_findings": 1,
        "policy_findings": 2,
    }


def _net_run(regions: int, ratio: float, calls: int, floor: int) -> dict[str, Any]:
    return {
        "regions": [f"r{i}" for i in range(regions)],
        "floor": {
            "calls": floor,
            "items": 1000 * regions,
            "critical_path_s": 0.2,
            "worker_bound_s_16": 0.1 * regions,
        },
        "netwarden_scan_wall_s": _stat(1.0),
        "netwarden_scan_no_baseline_wall_s": _stat(1.0),
        "netwarden_collect_inner_s": _stat(0.4),
        "custodian_run_wall_s": _stat(ratio),
        "ratio_median": ratio,
        "ratio_no_baseline_median": ratio,
        "netwarden_collect_calls_server": [calls] * 3,
        "custodian_calls_server": [calls // 2] * 3,
        "netwarden_calls_on_unneeded_types": 7 * regions,
    }


RESULTS: dict[str, Any] = {
    "quick": False,
    "duration_s": 600.0,
    "environment": {
        "date": "2026-12-02T21:45:00+00:00",
        "commit": "abc1234",
        "cores": 2,
        "load_average_start": [3.0, 2.0, 1.0],
    },
    "startup": {
        "reps": 9,
        "target_help_s": 0.3,
        "commands": {"netwarden --help": _stat(0.18), "netwarden --version": _stat(0.17)},
    },
    "network": {
        "latency_s": 0.05,
        "shape_per_region": {
            "security_groups": 300,
            "route_tables": 200,
            "network_acls": 200,
            "enis": 300,
        },
        "runs": [
            _net_run(1, 4.0, 33, 33),
            _net_run(4, 11.0, 126, 126),
            _net_run(17, 15.0, 529, 529),
        ],
    },
    "scale": {
        "rows": [
            _row(10_000, 1.2, 1.0, 150),
            _row(100_000, 11.0, 8.0, 800, exposure=0.5),
            {"size": 1_000_000, "skipped": "projected 200 s, 100 s of the budget left"},
        ]
    },
}


def _targets(results: dict[str, Any]) -> list[str]:
    return [line for line in report.targets(results) if line.startswith("- ")]


def test_every_target_of_issue_17_is_judged() -> None:
    lines = _targets(RESULTS)
    assert any(
        "4 regions and 50 ms" in line and f"11.00{X}" in line and "**met**" in line
        for line in lines
    )
    assert any(line.startswith("- ratio growing") and line.endswith("**met**") for line in lines)
    assert any("API calls = the floor" in line and line.endswith("**met**") for line in lines)
    hundred = next(line for line in lines if line.startswith("- 100k"))
    # 11 s of wall time misses the 10 s target, though the CPU time alone (8 s) is under it.
    assert "11.0 s" in hundred and "CPU 8.0 s" in hundred and hundred.endswith("**not met**")
    million = next(line for line in lines if line.startswith("- 1M"))
    assert "not measured in this run" in million and "projected 200 s" in million
    assert any("`netwarden --help` under 0.3 s: 0.180 s" in line for line in lines)


def test_a_ratio_that_falls_with_regions_and_calls_above_the_floor_are_not_met() -> None:
    results = copy.deepcopy(RESULTS)
    results["network"]["runs"][2]["ratio_median"] = 9.0
    results["network"]["runs"][1]["netwarden_collect_calls_server"] = [127, 126, 126]
    lines = _targets(results)
    assert next(line for line in lines if line.startswith("- ratio growing")).endswith(
        "**not met**"
    )
    assert next(line for line in lines if "API calls" in line).endswith("**not met**")


def test_a_size_the_run_left_out_is_not_measured_not_met() -> None:
    results = copy.deepcopy(RESULTS)
    del results["scale"]["rows"][2]
    million = next(line for line in _targets(results) if line.startswith("- 1M"))
    assert "not measured in this run" in million and "--sizes" in million


def test_a_new_stage_gets_its_own_column() -> None:
    header = next(line for line in report.scale(RESULTS) if line.startswith("| resources"))
    columns = [c.strip() for c in header.strip("|").split("|")]
    assert columns.index("evaluate") < columns.index("exposure") < columns.index("render")
    assert columns[-5:] == [
        "end to end",
        "CPU (s)",
        "peak RSS (MB)",
        "findings (drift / policy)",
        "runs",
    ]


def test_the_readme_section_states_the_verdicts() -> None:
    text = readme.section(RESULTS)
    assert f"| 4 | 11.00 s | 1.00 s | 11.00{X} |" in text
    assert "6 met, 2 not met or not measured" in text
    assert text.index("**not met**") < text.index("**met**")


def test_update_readme_replaces_only_the_block() -> None:
    doc = f"intro\n{readme.START}\nold\n{readme.END}\noutro\n"
    updated = readme.update_readme(doc, "new\n")
    assert updated == f"intro\n{readme.START}\nnew\n{readme.END}\noutro\n"
    assert readme.readme_block(updated) == "new\n"
    with pytest.raises(ValueError):
        readme.update_readme("no markers\n", "new\n")


def test_the_readme_is_made_from_the_committed_results() -> None:
    results = json.loads((ROOT / "bench" / "results.json").read_text("utf-8"))
    text = (ROOT / "README.md").read_text("utf-8")
    assert readme.readme_block(text) == readme.section(results), "run python -m bench.readme"


def test_cpu_seconds_per_stage_have_their_own_table() -> None:
    row = _row(100_000, 20.0, 9.0, 800.0)
    row["stages_cpu_s"] = {name: _stat(1.5) for name in row["stages_s"]}
    row["stages_cpu_s"]["end_to_end"] = _stat(9.0)
    lines = report.scale({"scale": {"rows": [row], "budget_s": 1}})
    tables = [i for i, line in enumerate(lines) if line.startswith("| resources")]
    assert len(tables) == 2
    header = [c.strip() for c in lines[tables[1]].strip("|").split("|")]
    assert header[0] == "resources" and header[-1] == "end to end"
    cells = [c.strip() for c in lines[tables[1] + 2].strip("|").split("|")]
    assert cells[-1] == "9.00 (9.00\u20139.00)" and cells[1] == "1.50 (1.50\u20131.50)"
    # rows measured before stages had CPU times: no second table
    assert len([x for x in report.scale(RESULTS) if x.startswith("| resources")]) == 1


EXPOSURE = {
    "interfaces": 100_000,
    "resources": 833_333,
    "exposures": 25_000,
    "blocked": 300,
    "open_rule_findings": 9_140,
    "lowered": 7_000,
    "analyse_s": 1.58,
    "judge_s": 0.62,
    "peak_rss_mb": 2048.4,
}


def test_the_exposure_stage_has_its_section_and_readme_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(report, "environment", lambda results: [])
    results = {
        **copy.deepcopy({k: v for k, v in RESULTS.items() if k != "network"}),
        "exposure": EXPOSURE,
    }
    text = report.render(results)
    assert "## Exposure at scale" in text
    row = "| 100,000 | 833,333 | 25,000 | 300 | 1.58 | 9,140 | 0.62 | 7,000 | 2,048 |"
    assert row in text.splitlines()
    assert "100,000 interfaces analysed in 1.6 s" in readme.section(results)
    # a run without the stage says nothing about it
    del results["exposure"]
    assert "## Exposure at scale" not in report.render(results)
    assert "interfaces analysed" not in readme.section(results)
