"""The benchmark's plain-Python engine (bench/flows_python.py) against the unit suite's own
oracle of the 16 queries (tests/unit/flows/oracle.py): two independent plain-Python readings of
the same records, over files in both layouts and field orders, with NODATA/SKIPDATA, IPv6,
NULL fields, ties on the measure, and an address that talks to itself."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bench.flows_python import run_python
from scanner.flows import synth
from scanner.flows.queries import NAMES
from tests.unit.flows.oracle import expected

ACCT = "123456789012"
ADDRESS = "203.0.113.7"
RECORDS = synth.generate(6000, seed=21)
RECORDS += [dict(r, start=r["start"] + 1) for r in RECORDS[:300]]  # ties
LOOP = {**RECORDS[0], "log_status": "OK", "srcaddr": ADDRESS, "dstaddr": ADDRESS,
        "pkt_srcaddr": ADDRESS, "pkt_dstaddr": None, "dstport": 22, "protocol": 6,
        "action": "ACCEPT", "packets": 3, "bytes": 180}  # fmt: skip
RECORDS.append(LOOP)
THIRD = len(RECORDS) // 3
V2 = {f.replace("-", "_") for f in synth.DEFAULT_FORMAT}
WRITTEN = [{k: v for k, v in r.items() if k in V2} for r in RECORDS[:THIRD]] + RECORDS[THIRD:]


@pytest.fixture(scope="module")
def answers(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[list[object]]]:
    root: Path = tmp_path_factory.mktemp("plain")
    day = date(2025, 12, 2)
    synth.write_text(root / synth.aws_key(ACCT, "eu-west-1", day, "a.log.gz"), RECORDS[:THIRD])
    synth.write_text(
        root / synth.hive_key(ACCT, "eu-west-1", day, "b.log.gz"),
        RECORDS[THIRD : 2 * THIRD],
        synth.CUSTOM_V5,
    )
    synth.write_text(
        root / synth.aws_key(ACCT, "eu-west-1", day, "c.log.gz"),
        RECORDS[2 * THIRD :],
        tuple(reversed(synth.CUSTOM_V5)),
    )
    result = run_python(root, ADDRESS)
    assert result["records"] == len(RECORDS) and result["files"] == 3
    answers: dict[str, list[list[object]]] = result["answers"]
    return answers


@pytest.mark.parametrize("name", NAMES)
def test_each_query_equals_the_oracle(name: str, answers: dict[str, list[list[object]]]) -> None:
    want = expected(name, WRITTEN, ADDRESS)
    assert want, "the records must exercise the query"
    assert [tuple(row) for row in answers[name]] == want


def test_the_address_talking_to_itself_counts_on_both_sides(
    answers: dict[str, list[list[object]]],
) -> None:
    assert [ADDRESS, 22, 6, "ACCEPT"] in [r[:4] for r in answers["TrafficFrmSrcAddr"]]
    assert [ADDRESS, 22, 6, "ACCEPT"] in [r[:4] for r in answers["TrafficToDstAddr"]]
