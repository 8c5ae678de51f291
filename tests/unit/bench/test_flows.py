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
    text = "\n".join(flows.render({"runs": [result]}))
    assert "## Flow logs: the 16 named queries" in text and "identical row for row" in text
    assert "| 4,000 | DuckDB |" in text and "| 4,000 | plain Python |" in text


ENGINE = {"wall_s": 1.0, "load_s": 1.0, "query_s": 0.0, "rows_per_s": 10.0,
          "cpu_s": 1.0, "records": 10, "peak_rss_mb": 50.0}  # fmt: skip


def _run(records: int, engines: tuple[str, ...], equal: bool | None) -> dict[str, object]:
    return {"records": records, "files": 1, "gzip_bytes": 1e6,
            "engines": {e: ENGINE for e in engines}, "answers_equal": equal,
            "differing": [] if equal is not False else ["TopTalkers"],
            "load_average": [1.0, 1.0, 1.0]}  # fmt: skip


def test_a_difference_is_said_and_a_single_engine_run_is_labelled() -> None:
    both = _run(10, flows.ENGINES, False)
    alone = _run(10_000_000, ("duckdb",), None)
    text = "\n".join(flows.render({"runs": [alone, both]}))
    assert "Answers **different** in TopTalkers." in text
    assert (
        "- 10,000,000 records: 1 files, 1 MB gzip; load average at the end 1.0, 1.0, 1.0." in text
    )
    assert "DuckDB only." in text
    # Smaller runs first.
    assert text.index("| 10 | DuckDB |") < text.index("| 10,000,000 | DuckDB |")


def test_a_new_run_replaces_only_the_same_size_and_engines() -> None:
    old = {"runs": [_run(10, flows.ENGINES, True), _run(20, ("duckdb",), None)]}
    again = _run(10, flows.ENGINES, True)
    merged = flows.merge(old, again)["runs"]
    assert [r["records"] for r in merged] == [20, 10] and merged[1] is again
    assert flows.merge(None, again) == {"runs": [again]}


def test_generated_files_are_made_once_per_size_and_kept(tmp_path: Path) -> None:
    messages: list[str] = []
    first, made = flows.cached_files(tmp_path, 2_000, messages.append, per_file=1_000)
    assert made is not None and len(sorted(first.rglob("*.log.gz"))) == 2
    again, reused = flows.cached_files(tmp_path, 2_000, messages.append, per_file=1_000)
    assert again == first and reused is None
    assert "from" in messages[-1] and "generating" in messages[0]
    # Another size is another entry; nothing half-built is left behind.
    other, _ = flows.cached_files(tmp_path, 1_000, messages.append, per_file=1_000)
    assert other != first and first.is_dir()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [flows.data_key(2_000, 1_000), flows.data_key(1_000, 1_000)]
    )


def test_an_entry_with_a_missing_or_truncated_file_is_made_again(tmp_path: Path) -> None:
    logs, _ = flows.cached_files(tmp_path, 2_000, lambda _m: None, per_file=1_000)
    victim = sorted(logs.rglob("*.log.gz"))[0]
    victim.write_bytes(victim.read_bytes()[:100])
    _, made = flows.cached_files(tmp_path, 2_000, lambda _m: None, per_file=1_000)
    assert made is not None
    with gzip.open(victim, "rt") as text:
        assert sum(1 for _ in text) == 1_001  # header and every record
    (logs.parent / "manifest.json").unlink()
    _, made = flows.cached_files(tmp_path, 2_000, lambda _m: None, per_file=1_000)
    assert made is not None


def test_entries_of_another_generator_version_are_removed(tmp_path: Path) -> None:
    stale = tmp_path / "flows-2000-1000-000000000000"
    (stale / "logs").mkdir(parents=True)
    flows.cached_files(tmp_path, 2_000, lambda _m: None, per_file=1_000)
    assert not stale.exists()
