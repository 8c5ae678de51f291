"""Flow-log benchmark: the 16 named queries over N generated records (10M by default), with
DuckDB as ``netwarden flows`` runs it, against reading the same gzip files with plain Python
(one streamed pass, dict aggregates: :mod:`bench.flows_python`). Each engine runs in its own
fresh process, so its peak RSS is its own (``VmHWM``, read by the process itself at its end).
The two engines' answers are compared row for row.

The files are generated once per size and kept in ``bench/.cache`` (keyed by the size and a
digest of the generator), so a second run measures the engines only.

``python -m bench flows [--records N] [--engines duckdb,python] [--out DIR]`` runs this stage
alone and writes its section of ``DIR/results.md`` (merged into ``DIR/results.json``; the
default DIR is ``bench/``); ``make bench`` runs it with the other stages
(``make bench BENCH_ARGS='--skip-startup --skip-network --skip-scale'`` is the same stage
through the full harness).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.stats import peak_rss_mb

DEFAULT_RECORDS = 10_000_000
QUICK_RECORDS = 200_000
RECORDS_PER_FILE = 250_000
# Generated files are kept between runs (git-ignored): 10M records take minutes to make.
CACHE = Path(__file__).resolve().parent / ".cache"
DAYS = 10
T0 = 1_764_633_600  # 2025-12-02T00:00:00Z
ACCOUNT = "123456789012"
REGION = "eu-west-1"
ADDRESS = "203.0.0.9"  # for TrafficFrmSrcAddr / TrafficToDstAddr
FIELDS = (
    "version", "account-id", "interface-id", "srcaddr", "dstaddr", "srcport", "dstport",
    "protocol", "packets", "bytes", "start", "end", "action", "log-status", "vpc-id",
    "subnet-id", "instance-id", "type", "pkt-srcaddr", "pkt-dstaddr", "flow-direction",
)  # fmt: skip

# One record per row of range(first, last): every value a hash of the row number, so the
# files are the same on every machine. 1,024 internet and 64 VPC addresses (a tenth IPv6),
# 12 ports, TCP/UDP/ICMP, 70% accepted, 60% inbound, times spread over the days in order.
# Each column draws its own hash(i * 16 + k): DuckDB's two-argument hash(i, k) is not
# independent across k (hash(i, 1) % 1024 fixed hash(i, 2) % 64), which had every internet
# address talk to one VPC address only: 2,560 conversations where there are 196,608.
_RECORD_SQL = """
SELECT 5 AS "version", '{account}' AS "account-id",
  'eni-' || lpad(CAST(y % 64 AS VARCHAR), 17, '0') AS "interface-id",
  CASE WHEN inbound THEN ext ELSE int END AS "srcaddr",
  CASE WHEN inbound THEN int ELSE ext END AS "dstaddr",
  CASE WHEN proto = 1 THEN 0 ELSE 1024 + CAST(hash(i * 16 + 11) % 64000 AS INTEGER) END
    AS "srcport",
  CASE WHEN proto = 1 THEN 0 ELSE port END AS "dstport",
  proto AS "protocol", packets AS "packets",
  packets * (40 + CAST(hash(i * 16 + 8) % 1460 AS BIGINT)) AS "bytes",
  "start", "start" + 1 + CAST(hash(i * 16 + 12) % 600 AS BIGINT) AS "end",
  CASE WHEN hash(i * 16 + 9) % 10 < 7 THEN 'ACCEPT' ELSE 'REJECT' END AS "action",
  'OK' AS "log-status", 'vpc-0a1b2c3d' AS "vpc-id",
  'subnet-' || lpad(CAST(y % 8 AS VARCHAR), 8, '0') AS "subnet-id",
  CASE WHEN y % 64 = 63 THEN NULL ELSE 'i-' || lpad(CAST(y % 64 AS VARCHAR), 17, '0') END
    AS "instance-id",
  CASE WHEN six THEN 'IPv6' ELSE 'IPv4' END AS "type",
  CASE WHEN inbound THEN ext ELSE int END AS "pkt-srcaddr",
  CASE WHEN inbound THEN int ELSE ext END AS "pkt-dstaddr",
  CASE WHEN inbound THEN 'ingress' ELSE 'egress' END AS "flow-direction"
FROM (
  SELECT i, x, y, six, inbound, port, proto, packets, "start",
    CASE WHEN six THEN '2001:db8::' || lower(printf('%x', x % 512 + 1))
         ELSE '203.0.' || CAST(x % 4 AS VARCHAR) || '.' || CAST(x // 4 % 256 AS VARCHAR) END
      AS ext,
    CASE WHEN six THEN 'fd00::' || lower(printf('%x', y % 64 + 1))
         ELSE '10.0.' || CAST(y % 4 AS VARCHAR) || '.' || CAST(y // 4 % 16 + 1 AS VARCHAR) END
      AS int
  FROM (
    SELECT i,
      CAST(hash(i * 16 + 1) % 1024 AS BIGINT) AS x,
      CAST(hash(i * 16 + 2) % 64 AS BIGINT) AS y,
      hash(i * 16 + 7) % 10 = 0 AS six,
      hash(i * 16 + 3) % 10 < 6 AS inbound,
      [22, 3389, 443, 80, 3306, 5432, 8080, 53, 23, 5985, 6379, 9200]
        [CAST(hash(i * 16 + 4) % 12 AS BIGINT) + 1] AS port,
      [6, 6, 6, 6, 6, 6, 6, 6, 17, 17, 17, 1][CAST(hash(i * 16 + 5) % 12 AS BIGINT) + 1] AS proto,
      1 + CAST(hash(i * 16 + 6) % 400 AS BIGINT) AS packets,
      {start} + i * {span} // {total} AS "start"
    FROM range({first}, {last}) AS t(i)
  )
)
"""


def generate(directory: Path, records: int, per_file: int = RECORDS_PER_FILE) -> list[Path]:
    """gzip text files of ``records`` records in the AWS layout, one day's folder per tenth
    of the records (DuckDB writes them: generating 10M lines in Python would take minutes)."""
    import duckdb

    span = DAYS * 86_400
    files = []
    with duckdb.connect() as db:
        db.execute("SET enable_progress_bar = false")  # a bar per file in the bench's log
        for number, first in enumerate(range(0, records, per_file)):
            last = min(first + per_file, records)
            # The day folder of the file's first record (records are in time order).
            day = datetime.fromtimestamp(T0 + first * span // records, UTC)
            folder = directory / "AWSLogs" / ACCOUNT / "vpcflowlogs" / REGION / f"{day:%Y/%m/%d}"
            folder.mkdir(parents=True, exist_ok=True)
            target = folder / f"{ACCOUNT}_vpcflowlogs_{REGION}_fl-bench_{number:05d}.log.gz"
            sql = _RECORD_SQL.format(
                account=ACCOUNT, start=T0, span=span, total=records, first=first, last=last
            )
            db.execute(
                f"COPY ({sql}) TO '{target}' "
                "(FORMAT csv, DELIMITER ' ', HEADER, NULLSTR '-', QUOTE '', COMPRESSION gzip)"
            )
            files.append(target)
    return files


# ---- the engines, each run in a child process ----------------------------------------------


def run_duckdb(directory: Path) -> dict[str, Any]:
    """``netwarden flows`` over the directory: load, then every named query."""
    from scanner.flows.dataset import FlowsOptions, open_flows
    from scanner.flows.queries import QUERIES, parameters

    started = time.perf_counter()
    opened = open_flows(FlowsOptions(str(directory)))
    loaded = time.perf_counter()
    answers = {}
    try:
        for query in QUERIES:
            _cols, rows = opened.store.query(query.sql, parameters(query, ADDRESS))
            answers[query.name] = [list(r) for r in rows]
    finally:
        opened.store.close()
    done = time.perf_counter()
    return {
        "records": opened.stats.records,
        "files": opened.stats.files,
        "load_s": loaded - started,
        "query_s": done - loaded,
        "answers": answers,
    }


def run_python(directory: Path) -> dict[str, Any]:
    """The same answers in plain Python (:mod:`bench.flows_python`)."""
    from bench.flows_python import run_python as plain

    return plain(directory, ADDRESS)


def _child(engine: str, directory: str) -> None:
    run = run_duckdb if engine == "duckdb" else run_python
    result = run(Path(directory))
    # This process's own peak (VmHWM), not ru_maxrss: that one carries over the peak of the
    # bench process that started this one (vfork/exec), which had generated the files in
    # DuckDB, so both engines showed the parent's 1,029 MB.
    result["peak_rss_mb"] = peak_rss_mb()
    print(json.dumps(result, default=str))


def measure_engine(engine: str, directory: Path) -> dict[str, Any]:
    started = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run(
        [sys.executable, "-m", "bench.flows", "--child", engine, str(directory)],
        check=False, capture_output=True, text=True,
    )  # fmt: skip
    if out.returncode:
        tail = out.stderr.strip().splitlines()[-3:]
        raise RuntimeError(f"the {engine} engine failed ({out.returncode}): {' '.join(tail)}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    result["wall_s"] = time.perf_counter() - started
    result["cpu_s"] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    result["rows_per_s"] = result["records"] / (result["load_s"] + result["query_s"])
    return result


def _same(a: Sequence[Any], b: Sequence[Any]) -> bool:
    return [[str(v) for v in row] for row in a] == [[str(v) for v in row] for row in b]


ENGINES = ("duckdb", "python")


def data_key(records: int, per_file: int = RECORDS_PER_FILE) -> str:
    """The cache entry of one size: the records and file size, and a digest of everything the
    files' bytes depend on (the generator's SQL and constants, and DuckDB's version, whose
    ``hash`` makes the values)."""
    import duckdb

    made_by = "|".join(
        map(str, (_RECORD_SQL, FIELDS, T0, DAYS, ACCOUNT, REGION, duckdb.__version__))
    )
    digest = hashlib.sha256(made_by.encode()).hexdigest()[:12]
    return f"flows-{records}-{per_file}-{digest}"


def cached_files(
    cache: Path, records: int, log: Callable[[str], None], per_file: int = RECORDS_PER_FILE
) -> tuple[Path, float | None]:
    """The directory of the generated files for ``records``, from ``cache`` when an earlier run
    made them (generation seconds ``None``), else generated now and kept there. An entry
    counts only with its manifest, written last and moved in with the files in one rename,
    so an interrupted generation is never read; entries of other generator versions go."""
    key = data_key(records, per_file)
    entry = cache / key
    if _complete(entry):
        log(f"flows: {records:,} records from {entry}")
        return entry / "logs", None
    cache.mkdir(parents=True, exist_ok=True)
    digest = key.rsplit("-", 1)[1]
    for stale in cache.glob("flows-*"):
        if not stale.name.endswith(f"-{digest}"):
            shutil.rmtree(stale, ignore_errors=True)
    log(f"flows: generating {records:,} records into {entry}")
    building = Path(tempfile.mkdtemp(prefix=f".{key}-", dir=cache))
    try:
        started = time.perf_counter()
        files = generate(building / "logs", records, per_file)
        generated = time.perf_counter() - started
        manifest = {str(f.relative_to(building)): f.stat().st_size for f in files}
        (building / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        shutil.rmtree(entry, ignore_errors=True)
        building.rename(entry)
    finally:
        shutil.rmtree(building, ignore_errors=True)
    return entry / "logs", generated


def _complete(entry: Path) -> bool:
    """Whether every file of the entry's manifest is there, at its size."""
    try:
        manifest = json.loads((entry / "manifest.json").read_text(encoding="utf-8"))
        return bool(manifest) and all(
            (entry / name).stat().st_size == size for name, size in manifest.items()
        )
    except (OSError, ValueError, AttributeError):
        return False


def run(
    records: int,
    log: Callable[[str], None],
    cache: Path = CACHE,
    engines: Sequence[str] = ENGINES,
) -> dict[str, Any]:
    """Each engine once over the generated files (cached in ``cache``): one run as
    results.json keeps it (with both engines, their answers compared)."""
    directory, generated = cached_files(cache, records, log)
    files = sorted(directory.rglob("*.log.gz"))
    size = sum(f.stat().st_size for f in files)
    measured = {}
    for engine in engines:
        log(f"flows: {engine}")
        measured[engine] = measure_engine(engine, directory)
        log(f"flows: {engine} {measured[engine]['wall_s']:.1f}s")
    equal: bool | None = None
    differing: list[str] = []
    if set(ENGINES) <= set(measured):
        duck, plain = measured["duckdb"]["answers"], measured["python"]["answers"]
        differing = [n for n in duck if n not in plain or not _same(duck[n], plain[n])]
        equal = not differing and len(duck) == len(plain) == 16
    for figures in measured.values():
        figures.pop("answers")
    return {
        "records": records,
        "files": len(files),
        "gzip_bytes": size,
        "generate_s": None if generated is None else round(generated, 1),
        "engines": measured,
        "queries": 16,
        "answers_equal": equal,
        "differing": differing,
        "load_average": list(os.getloadavg()),
    }


def _runs(flows: dict[str, Any]) -> list[dict[str, Any]]:
    return list(flows.get("runs") or [flows])


def render(flows: dict[str, Any]) -> list[str]:
    """The section of bench/results.md: every run (size x engines) of ``flows["runs"]``."""
    runs = sorted(_runs(flows), key=lambda r: r["records"])
    lines = [
        "## Flow logs: the 16 named queries",
        "",
        "Generated records (`bench/flows.py`) in gzip text files of 250,000 (AWS layout, "
        "version 5 fields), then all 16 named queries: DuckDB as `netwarden flows` runs it "
        "(load into its database file, then the queries), against plain Python reading the "
        "same files (`bench/flows_python.py`: one streamed pass, one dict of groups that the "
        "queries roll up). One run each, each engine in its own fresh process; peak RSS is "
        "that process's own high-water mark (`VmHWM`).",
        "",
        "| Records | Engine | Wall s | Load s | Queries s | Rows/s | CPU s | Rows per CPU s "
        "| Peak RSS MB |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    names = {"duckdb": "DuckDB", "python": "plain Python"}
    for one in runs:
        for engine, e in one["engines"].items():
            lines.append(
                f"| {one['records']:,} | {names.get(engine, engine)} | {e['wall_s']:.1f} | "
                f"{e['load_s']:.1f} | {e['query_s']:.1f} | {e['rows_per_s']:,.0f} | "
                f"{e['cpu_s']:.1f} | {e['records'] / max(e['cpu_s'], 1e-9):,.0f} | "
                f"{e['peak_rss_mb']:,.0f} |"
            )
    lines.append("")
    for one in runs:
        load = ", ".join(f"{x:.1f}" for x in one["load_average"])
        text = (
            f"- {one['records']:,} records: {one['files']} files, "
            f"{one['gzip_bytes'] / 1e6:,.0f} MB gzip; load average at the end {load}."
        )
        engines = one["engines"]
        if one.get("answers_equal") is not None:
            duck, plain = engines["duckdb"], engines["python"]
            ratio = duck["rows_per_s"] / plain["rows_per_s"] if plain["rows_per_s"] else 0.0
            cpu = (duck["records"] / max(duck["cpu_s"], 1e-9)) / max(
                plain["records"] / max(plain["cpu_s"], 1e-9), 1e-9
            )
            agreed = "identical row for row"
            if not one["answers_equal"]:
                agreed = f"**different** in {', '.join(one['differing'])}"
            text += (
                f" Answers {agreed}. DuckDB: {ratio:.1f}x the rows per second ({cpu:.1f}x per "
                f"CPU second), in {duck['peak_rss_mb'] / max(plain['peak_rss_mb'], 1):.1f}x "
                "the memory (its limit is 1 GB; past it, it spills to its temporary directory)."
            )
        else:
            text += " " + " and ".join(names.get(e, e) for e in engines) + " only."
        lines.append(text)
    lines.append("")
    return lines


def merge(flows: dict[str, Any] | None, one: dict[str, Any]) -> dict[str, Any]:
    """The runs with ``one`` in place of any run of the same size and engines."""
    kept = [
        r
        for r in (_runs(flows) if flows else [])
        if (r["records"], sorted(r["engines"])) != (one["records"], sorted(one["engines"]))
    ]
    return {"runs": [*kept, one]}


def main(argv: list[str], out: Path) -> int:
    """``python -m bench flows``: this stage alone, merged into results.json/results.md."""
    from bench import report

    parser = argparse.ArgumentParser(prog="python -m bench flows", description=__doc__)
    parser.add_argument("--records", type=int, default=DEFAULT_RECORDS)
    parser.add_argument("--engines", default=",".join(ENGINES), help="duckdb,python (default both)")
    parser.add_argument("--out", type=Path, default=out)
    parser.add_argument(
        "--cache", type=Path, default=CACHE, help=f"where generated files are kept ({CACHE})"
    )
    args = parser.parse_args(argv)
    engines = [e for e in args.engines.split(",") if e]
    if not engines or set(engines) - set(ENGINES):
        parser.error(f"--engines: a comma-separated list of {', '.join(ENGINES)}")

    def log(message: str) -> None:
        print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)

    results_file = args.out / "results.json"
    results: dict[str, Any] = {}
    if results_file.is_file():
        results = json.loads(results_file.read_text(encoding="utf-8"))
    one = run(args.records, log, args.cache, engines)
    results["flows"] = merge(results.get("flows"), one)
    results_file.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    if "environment" in results:
        (args.out / "results.md").write_text(report.render(results), encoding="utf-8")
    else:
        text = "\n".join(render(results["flows"]))
        (args.out / "results.md").write_text(text, encoding="utf-8")
    log(f"wrote {args.out / 'results.md'}")
    return 1 if one["answers_equal"] is False else 0


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        _child(sys.argv[2], sys.argv[3])
    else:
        sys.exit(main(sys.argv[1:], Path(__file__).resolve().parent))
