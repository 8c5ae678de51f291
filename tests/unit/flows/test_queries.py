"""Every named query over generated logs equals the plain-Python computation of it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from scanner.errors import InputError
from scanner.flows import synth
from scanner.flows.dataset import FlowsOptions, OpenedFlows, open_flows
from scanner.flows.queries import NAMES, QUERIES, TOP_N, choose, parameters, parse_address
from tests.unit.flows.oracle import expected

ACCT = "123456789012"
ADDRESS = "203.0.113.7"
RECORDS = synth.generate(6000, seed=14)
# Ties on the measure are common in small data; a query must break them by its keys.
RECORDS += [dict(r, start=r["start"] + 1) for r in RECORDS[:200]]
THIRD = len(RECORDS) // 3
V2_COLUMNS = {f.replace("-", "_") for f in synth.DEFAULT_FORMAT}
# What the files hold: the first third is written in the default format, without v3+ fields.
WRITTEN = [{k: v for k, v in r.items() if k in V2_COLUMNS} for r in RECORDS[:THIRD]]
WRITTEN += RECORDS[THIRD:]


@pytest.fixture(scope="module")
def flows(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OpenedFlows]:
    root: Path = tmp_path_factory.mktemp("flows")
    day = date(2025, 12, 2)
    third = THIRD
    synth.write_text(root / synth.aws_key(ACCT, "eu-west-1", day, "a.log.gz"), RECORDS[:third])
    synth.write_text(
        root / synth.hive_key(ACCT, "eu-west-1", day, "b.log.gz"),
        RECORDS[third : 2 * third],
        synth.CUSTOM_V5,
    )
    synth.write_parquet(
        root / synth.aws_key(ACCT, "eu-west-1", day, "c.log.parquet"),
        RECORDS[2 * third :],
        synth.CUSTOM_V5,
    )
    opened = open_flows(FlowsOptions(str(root)))
    yield opened
    opened.store.close()


def test_sixteen_queries_by_the_playbooks_names() -> None:
    assert NAMES == (
        "AcceptedTraffic", "AdminPortTraffic", "IPv4Traffic", "IPv6Traffic",
        "RejectedTCPTraffic", "RejectedTraffic", "SshRdpTraffic", "TopTalkers",
        "TopTalkersPacketLevel", "TopTalkingInstances", "TopTalkingSubnets", "TopTCPTraffic",
        "TotalBytesTransferred", "TotalBytesTransferredPacketLevel", "TrafficFrmSrcAddr",
        "TrafficToDstAddr",
    )  # fmt: skip


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.name)
def test_query_equals_plain_python(query: Any, flows: OpenedFlows) -> None:
    columns, rows = flows.store.query(query.sql, parameters(query, ADDRESS))
    assert tuple(columns) == query.columns
    want = expected(query.name, WRITTEN, ADDRESS)
    assert len(want) > 0, "the generated data must exercise the query"
    assert [tuple(int(v) if isinstance(v, int) else v for v in r) for r in rows] == want
    assert len(rows) <= TOP_N


def test_top_n_is_reached_and_ordered(flows: OpenedFlows) -> None:
    # The pair queries have more than 50 groups here: the limit and the order both matter.
    _columns, rows = flows.store.query(QUERIES[NAMES.index("TotalBytesTransferred")].sql)
    assert len(rows) == TOP_N
    measures = [r[2] for r in rows]
    assert measures == sorted(measures, reverse=True)


def test_choose() -> None:
    assert [q.name for q in choose([], None)] == [n for n in NAMES if "Addr" not in n]
    assert len(choose([], "10.0.0.1")) == 16
    assert [q.name for q in choose(["TopTalkers", "AcceptedTraffic"], None)] == [
        "AcceptedTraffic",
        "TopTalkers",
    ]
    with pytest.raises(InputError, match="needs --address"):
        choose(["TrafficToDstAddr"], None)
    with pytest.raises(InputError, match="no such query 'Nope'"):
        choose(["Nope"], None)


def test_address_is_validated_never_sql() -> None:
    assert parse_address(" 2001:DB8:0::1 ") == "2001:db8::1"
    with pytest.raises(InputError, match="not an IP address"):
        parse_address("1.2.3.4' OR '1'='1")
