"""Flow-log benchmark: the 16 named queries over N generated records (10M by default), with
DuckDB as ``netwarden flows`` runs it, against reading the same gzip files with plain Python
(one pass, every query's groups in dicts). Each engine runs in its own process, so its peak
RSS is its own. The two engines' answers are compared row for row.

``python -m bench flows [--records N] [--files F]`` runs this stage alone and writes its
section of ``bench/results.md`` (merged into ``bench/results.json``); ``make bench`` runs it
with the other stages.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

DEFAULT_RECORDS = 10_000_000
QUICK_RECORDS = 200_000
RECORDS_PER_FILE = 250_000
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
_RECORD_SQL = """
SELECT 5 AS "version", '{account}' AS "account-id",
  'eni-' || lpad(CAST(y % 64 AS VARCHAR), 17, '0') AS "interface-id",
  CASE WHEN inbound THEN ext ELSE int END AS "srcaddr",
  CASE WHEN inbound THEN int ELSE ext END AS "dstaddr",
  CASE WHEN proto = 1 THEN 0 ELSE 1024 + CAST(hash(i, 11) % 64000 AS INTEGER) END AS "srcport",
  CASE WHEN proto = 1 THEN 0 ELSE port END AS "dstport",
  proto AS "protocol", packets AS "packets",
  packets * (40 + CAST(hash(i, 8) % 1460 AS BIGINT)) AS "bytes",
  "start", "start" + 1 + CAST(hash(i, 12) % 600 AS BIGINT) AS "end",
  CASE WHEN hash(i, 9) % 10 < 7 THEN 'ACCEPT' ELSE 'REJECT' END AS "action",
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
      CAST(hash(i, 1) % 1024 AS BIGINT) AS x,
      CAST(hash(i, 2) % 64 AS BIGINT) AS y,
      hash(i, 7) % 10 = 0 AS six,
      hash(i, 3) % 10 < 6 AS inbound,
      [22, 3389, 443, 80, 3306, 5432, 8080, 53, 23, 5985, 6379, 9200]
        [CAST(hash(i, 4) % 12 AS BIGINT) + 1] AS port,
      [6, 6, 6, 6, 6, 6, 6, 6, 17, 17, 17, 1][CAST(hash(i, 5) % 12 AS BIGINT) + 1] AS proto,
      1 + CAST(hash(i, 6) % 400 AS BIGINT) AS packets,
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


_INT_FIELDS = ("srcport", "dstport", "protocol", "packets", "bytes", "start", "end")
_ADMIN = {22, 23, 3389, 5900, 5985, 5986}
_SSH_RDP = {22, 3389}


def _queries() -> list[
    tuple[str, Callable[[dict[str, Any]], bool], tuple[str, ...], str, tuple[str, ...]]
]:
    flow = ("srcaddr", "dstaddr", "dstport", "protocol")
    return [
        ("AcceptedTraffic", lambda r: r["action"] == "ACCEPT", flow, "flows", ("packets", "bytes")),
        ("AdminPortTraffic", lambda r: r["dstport"] in _ADMIN,
         ("srcaddr", "dstaddr", "dstport", "action"), "flows", ("bytes",)),
        ("IPv4Traffic", lambda r: ":" not in r["srcaddr"], ("srcaddr", "dstaddr"), "bytes",
         ("flows", "packets")),
        ("IPv6Traffic", lambda r: ":" in r["srcaddr"], ("srcaddr", "dstaddr"), "bytes",
         ("flows", "packets")),
        ("RejectedTCPTraffic", lambda r: r["action"] == "REJECT" and r["protocol"] == 6,
         ("srcaddr", "dstaddr", "dstport"), "flows", ("packets",)),
        ("RejectedTraffic", lambda r: r["action"] == "REJECT", flow, "flows",
         ("packets", "bytes")),
        ("SshRdpTraffic", lambda r: r["dstport"] in _SSH_RDP,
         ("srcaddr", "dstaddr", "dstport", "action"), "flows", ("bytes",)),
        ("TopTalkers", lambda r: True, ("srcaddr",), "bytes", ("flows", "packets")),
        ("TopTalkersPacketLevel", lambda r: r["pkt_srcaddr"] is not None, ("pkt_srcaddr",),
         "bytes", ("flows", "packets")),
        ("TopTalkingInstances", lambda r: r["instance_id"] is not None, ("instance_id",),
         "bytes", ("flows", "packets")),
        ("TopTalkingSubnets", lambda r: r["subnet_id"] is not None, ("subnet_id",), "bytes",
         ("flows", "packets")),
        ("TopTCPTraffic", lambda r: r["protocol"] == 6, ("srcaddr", "dstaddr", "dstport"),
         "bytes", ("flows", "packets")),
        ("TotalBytesTransferred", lambda r: True, ("srcaddr", "dstaddr"), "bytes",
         ("packets",)),
        ("TotalBytesTransferredPacketLevel",
         lambda r: r["pkt_srcaddr"] is not None and r["pkt_dstaddr"] is not None,
         ("pkt_srcaddr", "pkt_dstaddr"), "bytes", ("packets",)),
        ("TrafficFrmSrcAddr", lambda r: r["srcaddr"] == ADDRESS,
         ("dstaddr", "dstport", "protocol", "action"), "bytes",
         ("flows", "first_seen", "last_seen")),
        ("TrafficToDstAddr", lambda r: r["dstaddr"] == ADDRESS,
         ("srcaddr", "dstport", "protocol", "action"), "bytes",
         ("flows", "first_seen", "last_seen")),
    ]  # fmt: skip


def _records(paths: Iterable[Path]) -> Iterable[dict[str, Any]]:
    """Each file's header names its columns (``-`` in names as ``_``), ``-`` is None."""
    for path in paths:
        with gzip.open(path, "rt", encoding="ascii") as lines:
            names = [n.replace("-", "_") for n in next(lines).split()]
            for line in lines:
                record: dict[str, Any] = {
                    n: (None if v == "-" else v) for n, v in zip(names, line.split(), strict=True)
                }
                for name in _INT_FIELDS:
                    value = record.get(name)
                    if value is not None:
                        record[name] = int(value)
                yield record


def run_python(directory: Path) -> dict[str, Any]:
    """The same answers in plain Python: one pass over the files, a dict of groups per query."""
    started = time.perf_counter()
    paths = sorted(directory.rglob("*.log.gz"))
    queries = _queries()
    groups: list[dict[tuple[Any, ...], list[Any]]] = [{} for _ in queries]
    count = 0
    for record in _records(paths):
        count += 1
        if record.get("log_status", "OK") not in ("OK", None):
            continue
        packets, size = record["packets"] or 0, record["bytes"] or 0
        start, end = record["start"], record["end"]
        for (_name, keep, keys, _measure, _extra), table in zip(queries, groups, strict=True):
            if not keep(record):
                continue
            key = tuple(record[k] for k in keys)
            g = table.get(key)
            if g is None:
                table[key] = [1, packets, size, start, end]
            else:
                g[0] += 1
                g[1] += packets
                g[2] += size
                g[3] = min(g[3], start)
                g[4] = max(g[4], end)
    index = {"flows": 0, "packets": 1, "bytes": 2, "first_seen": 3, "last_seen": 4}
    answers = {}
    for (name, _keep, _keys, measure, extra), table in zip(queries, groups, strict=True):
        at = index[measure]
        ranked = sorted(
            table.items(), key=lambda kv: (-kv[1][at], *((v is None, v) for v in kv[0]))
        )[:50]
        answers[name] = [[*k, g[at], *(g[index[e]] for e in extra)] for k, g in ranked]
    done = time.perf_counter()
    return {"records": count, "files": len(paths), "load_s": done - started, "query_s": 0.0,
            "answers": answers}  # fmt: skip


def _child(engine: str, directory: str) -> None:
    run = run_duckdb if engine == "duckdb" else run_python
    result = run(Path(directory))
    # ru_maxrss is in KiB on Linux.
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
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


def run(
    records: int,
    log: Callable[[str], None],
    work: Path | None = None,
    engines: Sequence[str] = ENGINES,
) -> dict[str, Any]:
    """Generate, then each engine once: one run as results.json keeps it (with both engines,
    their answers compared)."""
    with tempfile.TemporaryDirectory(prefix="netwarden-bench-flows-", dir=work) as tmp:
        directory = Path(tmp)
        log(f"flows: generating {records:,} records")
        started = time.perf_counter()
        files = generate(directory, records)
        generated = time.perf_counter() - started
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
        differing = [n for n in duck if not _same(duck[n], plain[n])]
        equal = not differing
    for engine in measured.values():
        engine.pop("answers")
    return {
        "records": records,
        "files": len(files),
        "gzip_bytes": size,
        "generate_s": round(generated, 1),
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
        "same files (one pass, every query's groups in dicts). One run each, each engine in its "
        "own process.",
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
    one = run(args.records, log, engines=engines)
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
