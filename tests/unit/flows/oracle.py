"""The 16 named queries computed in plain Python over the records, written from their
definitions (not from the SQL), to check what DuckDB and Athena's text return."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

Record = Mapping[str, Any]
TOP = 50


def _top(
    records: Iterable[Record],
    keep: Callable[[Record], bool],
    keys: tuple[str, ...],
    outputs: tuple[str, ...],
    measure: str,
) -> list[tuple[Any, ...]]:
    groups: dict[tuple[Any, ...], dict[str, Any]] = {}
    for r in records:
        if r.get("log_status", "OK") not in ("OK", None) or not keep(r):
            continue
        k = tuple(r.get(c) for c in keys)
        g = groups.setdefault(
            k, {"flows": 0, "packets": 0, "bytes": 0, "first_seen": None, "last_seen": None}
        )
        g["flows"] += 1
        g["packets"] += r.get("packets") or 0
        g["bytes"] += r.get("bytes") or 0
        start, end = r.get("start"), r.get("end")
        g["first_seen"] = start if g["first_seen"] is None else min(g["first_seen"], start)
        g["last_seen"] = end if g["last_seen"] is None else max(g["last_seen"], end)

    def order(item: tuple[tuple[Any, ...], dict[str, Any]]) -> tuple[Any, ...]:
        key, g = item
        return (-g[measure], *((v is None, v) for v in key))

    rows = sorted(groups.items(), key=order)[:TOP]
    return [(*key, g[measure], *(g[o] for o in outputs)) for key, g in rows]


def _v6(r: Record) -> bool:
    return ":" in (r.get("srcaddr") or "")


def expected(name: str, records: list[Record], address: str | None = None) -> list[tuple[Any, ...]]:
    """The rows query ``name`` must return."""
    flow = ("srcaddr", "dstaddr", "dstport", "protocol")
    table: dict[str, Callable[[], list[tuple[Any, ...]]]] = {
        "AcceptedTraffic": lambda: _top(
            records, lambda r: r["action"] == "ACCEPT", flow, ("packets", "bytes"), "flows"
        ),
        "RejectedTraffic": lambda: _top(
            records, lambda r: r["action"] == "REJECT", flow, ("packets", "bytes"), "flows"
        ),
        "RejectedTCPTraffic": lambda: _top(
            records,
            lambda r: r["action"] == "REJECT" and r["protocol"] == 6,
            ("srcaddr", "dstaddr", "dstport"),
            ("packets",),
            "flows",
        ),
        "AdminPortTraffic": lambda: _top(
            records,
            lambda r: r["dstport"] in {22, 23, 3389, 5900, 5985, 5986},
            ("srcaddr", "dstaddr", "dstport", "action"),
            ("bytes",),
            "flows",
        ),
        "SshRdpTraffic": lambda: _top(
            records,
            lambda r: r["dstport"] in {22, 3389},
            ("srcaddr", "dstaddr", "dstport", "action"),
            ("bytes",),
            "flows",
        ),
        "IPv4Traffic": lambda: _top(
            records, lambda r: not _v6(r), ("srcaddr", "dstaddr"), ("flows", "packets"), "bytes"
        ),
        "IPv6Traffic": lambda: _top(
            records, _v6, ("srcaddr", "dstaddr"), ("flows", "packets"), "bytes"
        ),
        "TopTalkers": lambda: _top(
            records, lambda r: True, ("srcaddr",), ("flows", "packets"), "bytes"
        ),
        "TopTalkersPacketLevel": lambda: _top(
            records,
            lambda r: r.get("pkt_srcaddr") is not None,
            ("pkt_srcaddr",),
            ("flows", "packets"),
            "bytes",
        ),
        "TopTalkingInstances": lambda: _top(
            records,
            lambda r: r.get("instance_id") is not None,
            ("instance_id",),
            ("flows", "packets"),
            "bytes",
        ),
        "TopTalkingSubnets": lambda: _top(
            records,
            lambda r: r.get("subnet_id") is not None,
            ("subnet_id",),
            ("flows", "packets"),
            "bytes",
        ),
        "TopTCPTraffic": lambda: _top(
            records,
            lambda r: r["protocol"] == 6,
            ("srcaddr", "dstaddr", "dstport"),
            ("flows", "packets"),
            "bytes",
        ),
        "TotalBytesTransferred": lambda: _top(
            records, lambda r: True, ("srcaddr", "dstaddr"), ("packets",), "bytes"
        ),
        "TotalBytesTransferredPacketLevel": lambda: _top(
            records,
            lambda r: r.get("pkt_srcaddr") is not None and r.get("pkt_dstaddr") is not None,
            ("pkt_srcaddr", "pkt_dstaddr"),
            ("packets",),
            "bytes",
        ),
        "TrafficFrmSrcAddr": lambda: _top(
            records,
            lambda r: r["srcaddr"] == address,
            ("dstaddr", "dstport", "protocol", "action"),
            ("flows", "first_seen", "last_seen"),
            "bytes",
        ),
        "TrafficToDstAddr": lambda: _top(
            records,
            lambda r: r["dstaddr"] == address,
            ("srcaddr", "dstport", "protocol", "action"),
            ("flows", "first_seen", "last_seen"),
            "bytes",
        ),
    }
    return table[name]()
