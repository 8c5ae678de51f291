"""bench/flows.py at a toy size: both engines read the generated files and give the same
answers to all 16 queries, and the section renders their numbers."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from bench import flows


def test_generated_files_have_the_aws_layout_and_header(tmp_path: Path) -> None:
    files = flows.generate(tmp_path, 3_000, per_file=1_000)
    assert len(files) == 3
    assert all("/AWSLogs/123456789012/vpcflowlogs/eu-west-1/2025/12/" in str(f) for f in files)
    with gzip.open(files[0], "rt") as text:
        assert text.readline().split() == list(flows.FIELDS)
        assert len(text.readline().split()) == len(flows.FIELDS)


@pytest.mark.slow  # runs each engine in a child process
def test_both_engines_agree_and_the_section_renders(tmp_path: Path) -> None:
    result = flows.run(4_000, lambda _message: None, tmp_path)
    assert result["answers_equal"], result["differing"]
    for engine in result["engines"].values():
        assert engine["records"] == 4_000 and engine["peak_rss_mb"] > 0
    text = "\n".join(flows.render(result))
    assert "## Flow logs: the 16 named queries" in text and "identical row for row" in text
    assert "| DuckDB |" in text and "| plain Python |" in text


def test_a_difference_is_said() -> None:
    engine = {"wall_s": 1.0, "load_s": 1.0, "query_s": 0.0, "rows_per_s": 10.0,
              "cpu_s": 1.0, "records": 10, "peak_rss_mb": 50.0}  # fmt: skip
    result = {"records": 10, "files": 1, "gzip_bytes": 1e6, "engines": {
        "duckdb": engine, "python": engine}, "answers_equal": False,
        "differing": ["TopTalkers"], "load_average": [1.0, 1.0, 1.0]}  # fmt: skip
    assert "**differ** in TopTalkers." in "\n".join(flows.render(result))
