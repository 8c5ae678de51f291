"""Traffic on exposures: the flows that reached an exposed interface's address, protocol and
port from the sources its path admits, counted against literal records."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from scanner.exposure import analyse_region
from scanner.exposure.model import Exposure
from scanner.flows import synth
from scanner.flows.exposed import exposure_traffic
from scanner.flows.layout import Window
from scanner.flows.reader import FlowStore
from scanner.flows.source import list_local
from tests.unit.exposure import worlds as w

T0 = 1_764_633_600  # 2025-12-02T00:00:00Z


def _flow(src: str, port: int = 22, action: str = "ACCEPT", dst: str = "10.0.1.5",
          eni: str = "eni-1", protocol: int = 6, t: int = 0,
          size: int = 100) -> dict[str, Any]:  # fmt: skip
    return {"version": 2, "account_id": w.ACCOUNT, "interface_id": eni, "srcaddr": src,
            "dstaddr": dst, "srcport": 40000, "dstport": port, "protocol": protocol,
            "packets": 2, "bytes": size, "start": T0 + t, "end": T0 + t + 30, "action": action,
            "log_status": "OK"}  # fmt: skip


RECORDS = [
    _flow("203.0.113.9", t=10),
    _flow("203.0.113.9", t=20, size=400),
    _flow("198.51.100.4", t=3 * 3600 + 12 * 60),  # the last accepted: 03:12
    _flow("198.51.100.7", action="REJECT", t=4 * 3600),
    _flow("203.0.113.9", dst="10.0.1.6", t=40),  # another address of the interface
    _flow("203.0.113.9", port=23, t=50),  # another port
    _flow("203.0.113.9", protocol=17, t=60),  # udp
    _flow("10.0.0.8", t=70),  # private: never from the internet
    _flow("203.0.113.9", eni="eni-2", t=80),  # another interface
    _flow("203.0.113.10", dst="10.0.1.5", port=22, t=90, action="NODATA"),  # not a flow action
]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FlowStore]:
    root: Path = tmp_path_factory.mktemp("exposed")
    synth.write_text(root / "flows.log.gz", RECORDS)
    with FlowStore() as opened:
        opened.load(list_local(root), Window())
        yield opened


def _exposure() -> Exposure:
    (exposure,) = analyse_region(w.world(), w.ACCOUNT, w.REGION).exposures
    return exposure


def test_the_flows_of_an_exposure(store: FlowStore) -> None:
    (entry,) = exposure_traffic(store, [_exposure()])
    assert (entry["eni"], entry["address"], entry["protocol"], entry["from_port"]) == (
        "eni-1", "203.0.113.10", "tcp", 22,
    )  # fmt: skip
    traffic = entry["traffic"]
    assert (traffic["accepted"], traffic["rejected"], traffic["bytes"]) == (3, 1, 600)
    assert traffic["sources"] == [
        {"address": "203.0.113.9", "flows": 2},
        {"address": "198.51.100.4", "flows": 1},
        {"address": "198.51.100.7", "flows": 1},
    ]
    assert traffic["distinct_sources"] == 3
    assert (traffic["first_seen"], traffic["last_seen"]) == (
        "2025-12-02T00:00:10Z", "2025-12-02T04:00:30Z",
    )  # fmt: skip
    assert traffic["summary"] == (
        "tcp/22 open to the internet on eni-1 (instance i-1 web-1): 3 accepted flows from "
        "2 addresses, last at 03:12 on 2025-12-02; 1 rejected"
    )


def test_only_the_sources_the_path_admits(store: FlowStore) -> None:
    narrow = dataclasses.replace(_exposure(), sources=("198.51.100.0/24",))
    (entry,) = exposure_traffic(store, [narrow])
    assert (entry["traffic"]["accepted"], entry["traffic"]["rejected"]) == (1, 1)


def test_protocol_all_except_tcp_and_portless(store: FlowStore) -> None:
    every = dataclasses.replace(_exposure(), protocol="all", from_port=-1, to_port=-1)
    but_tcp = dataclasses.replace(every, except_protocols=("tcp",))
    first, second = exposure_traffic(store, [every, but_tcp])
    # Every protocol and port: the port 23 flow and the udp one too.
    assert first["traffic"]["accepted"] == 5
    assert second["traffic"]["accepted"] == 1  # the udp flow only
    assert second["traffic"]["summary"].startswith("all open to the internet on eni-1")


def test_no_flows_and_no_exposures(store: FlowStore) -> None:
    quiet = dataclasses.replace(_exposure(), eni="eni-9")
    (entry,) = exposure_traffic(store, [quiet])
    assert entry["traffic"]["accepted"] == 0 and entry["traffic"]["last_seen"] is None
    assert entry["traffic"]["summary"].endswith(": no accepted flows in the window")
    assert exposure_traffic(store, []) == []
