"""The plain-Python side of bench/flows.py: the 16 named queries over the same gzip files,
without DuckDB, written from the queries' definitions (not from their SQL), so that it checks
DuckDB's answers row for row at 10M records as well as setting a speed to compare with.

One pass over the files, streamed a megabyte of decompressed text at a time. Every record adds
to one *fine* aggregate keyed by (srcaddr, dstaddr, dstport, protocol, action); the queries that
filter and group on those columns only are roll-ups of it at the end (a sum of sums is the sum,
so that is exact). The queries on other columns (pkt-srcaddr/pkt-dstaddr, instance, subnet) and
the two address queries (which need first and last seen) keep small aggregates of their own.

Memory is bounded by the number of distinct groups, never by the records: no file is held
whole, and a group costs two Python ints in a dict. The key is packed into one int (addresses
as small ids, then port, protocol and action in fixed bit fields) and so are the flows, packets
and bytes (``1 + (packets << 40) + (bytes << 104)`` per record: adding two packed values adds
each field), so a record costs one dict update per aggregate, and a group about 130 bytes where
a tuple key and a list of counters would take three times that.
"""

from __future__ import annotations

import gzip
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

TOP = 50
ADMIN_PORTS = frozenset({22, 23, 3389, 5900, 5985, 5986})  # SSH, Telnet, RDP, VNC, WinRM
SSH_RDP_PORTS = frozenset({22, 3389})
TCP = 6
CHUNK = 1 << 20

# The fine key, low bits first: action (2), protocol (9: 256 is "-"), dstport (17: 65536 is
# "-"), dstaddr id (24), srcaddr id (the rest).
_ACTIONS = {b"ACCEPT": 0, b"REJECT": 1, b"-": 2}
_ACTION_NAMES = ("ACCEPT", "REJECT", None)
_NO_PORT, _NO_PROTOCOL = 1 << 16, 1 << 8
_ID_BITS = 24
# A packed value, low bits first: flows (40), packets (64), bytes (the rest).
_F_BITS, _P_BITS = 40, 64
_F_MASK, _P_MASK = (1 << _F_BITS) - 1, (1 << _P_BITS) - 1
_B_SHIFT = _F_BITS + _P_BITS


def _fine_fields(key: int) -> tuple[int, int, int, int, int]:
    """(src id, dst id, dstport, protocol, action) of a fine key."""
    return key >> 52, (key >> 28) & 0xFFFFFF, (key >> 11) & 0x1FFFF, (key >> 2) & 0x1FF, key & 3


def _counts(value: int) -> tuple[int, int, int]:
    """(flows, packets, bytes) of a packed value."""
    return value & _F_MASK, (value >> _F_BITS) & _P_MASK, value >> _B_SHIFT


_FIELDS = (
    b"srcaddr", b"dstaddr", b"dstport", b"protocol", b"action", b"log-status", b"packets",
    b"bytes", b"start", b"end", b"pkt-srcaddr", b"pkt-dstaddr", b"instance-id", b"subnet-id",
)  # fmt: skip


def _positions(header: list[bytes]) -> tuple[int, ...]:
    """Where each of :data:`_FIELDS` is in a file's records, by the file's own header line
    (``-`` or ``_`` in names); a field the file lacks is at ``len(header)``, the ``-`` every
    record gets appended."""
    names = [n.replace(b"_", b"-") for n in header]
    return tuple(names.index(n) if n in names else len(names) for n in _FIELDS)


def _blocks(path: Path) -> Iterator[list[bytes]]:
    """The file's lines, a block at a time (no line held past its block)."""
    with gzip.open(path, "rb") as raw:
        rest = b""
        while chunk := raw.read(CHUNK):
            lines = (rest + chunk).split(b"\n")
            rest = lines.pop()
            yield lines
        if rest.strip():
            yield [rest]


class _Top:
    """The first ``TOP`` rows by measure descending, then the grouping columns ascending with
    NULL last (as both engines order them), without sorting every group: candidates below the
    50th measure seen so far are dropped as they come."""

    def __init__(self, row: Callable[[Any, int], list[Any]], keys: int) -> None:
        self.row = row  # (key, packed value) -> output row: keys, measure, extras
        self.keys = keys  # how many leading output columns are the grouping columns
        self.floor = -1
        self.items: list[tuple[int, Any, int]] = []

    def offer(self, measure: int, key: Any, value: int) -> None:
        if measure >= self.floor:
            self.items.append((measure, key, value))
            if len(self.items) >= 8192:
                self._prune()

    def _order(self, item: tuple[int, Any, int]) -> tuple[Any, ...]:
        row = self.row(item[1], item[2])
        return (-item[0], *((v is None, v) for v in row[: self.keys]))

    def _prune(self) -> None:
        self.items.sort(key=self._order)
        del self.items[TOP:]
        if len(self.items) == TOP:
            self.floor = self.items[-1][0]

    def rows(self) -> list[list[Any]]:
        self._prune()
        return [self.row(key, value) for _measure, key, value in self.items]


def run_python(directory: Path, address: str) -> dict[str, Any]:
    """Every query's rows, as ``netwarden flows`` returns them, in plain Python."""
    started = time.perf_counter()
    paths = sorted(directory.rglob("*.log.gz"))
    ids: dict[bytes, int] = {b"-": 0}  # address -> id; "-" (NULL) is id 0
    target = address.encode()
    fine: dict[int, int] = {}
    packet_pairs: dict[int, int] = {}  # pkt-srcaddr id << 24 | pkt-dstaddr id
    instances: dict[bytes, int] = {}
    subnets: dict[bytes, int] = {}
    # (srcaddr == address?, fine key) -> [bytes, flows, first start, last end]
    addressed: dict[tuple[bool, int], list[Any]] = {}
    records = packets_total = 0
    for path in paths:
        header: list[bytes] | None = None
        for block in _blocks(path):
            if header is None:
                header = block[0].split()
                block = block[1:]
                width = len(header)
                (i_src, i_dst, i_dport, i_proto, i_action, i_status, i_packets, i_bytes,
                 i_start, i_end, i_psrc, i_pdst, i_instance, i_subnet) = _positions(
                    header)  # fmt: skip
            for line in block:
                f = line.split()
                if not f:
                    continue
                if len(f) != width:
                    raise ValueError(f"{path}: a record of {len(f)} fields, header {width}")
                f.append(b"-")
                records += 1
                status = f[i_status]
                if status != b"OK" and status != b"-":
                    continue  # NODATA / SKIPDATA: counted, no flow
                v = f[i_packets]
                p = 0 if v == b"-" else int(v)
                v = f[i_bytes]
                b = 0 if v == b"-" else int(v)
                packets_total += p
                inc = 1 + (p << _F_BITS) + (b << _B_SHIFT)
                src, dst = f[i_src], f[i_dst]
                s = ids.get(src)
                if s is None:
                    s = ids[src] = len(ids)
                t = ids.get(dst)
                if t is None:
                    t = ids[dst] = len(ids)
                v = f[i_dport]
                port = _NO_PORT if v == b"-" else int(v)
                v = f[i_proto]
                proto = _NO_PROTOCOL if v == b"-" else int(v)
                key = (s << 52) | (t << 28) | (port << 11) | (proto << 2) | _ACTIONS[f[i_action]]
                fine[key] = fine.get(key, 0) + inc
                ps, pd = f[i_psrc], f[i_pdst]
                s = ids.get(ps)
                if s is None:
                    s = ids[ps] = len(ids)
                t = ids.get(pd)
                if t is None:
                    t = ids[pd] = len(ids)
                pair = (s << _ID_BITS) | t
                packet_pairs[pair] = packet_pairs.get(pair, 0) + inc
                v = f[i_instance]
                if v != b"-":
                    instances[v] = instances.get(v, 0) + inc
                v = f[i_subnet]
                if v != b"-":
                    subnets[v] = subnets.get(v, 0) + inc
                if src == target or dst == target:
                    v, w = f[i_start], f[i_end]
                    start = None if v == b"-" else int(v)
                    end = None if w == b"-" else int(w)
                    for side in (True, False) if src == dst else (src == target,):
                        g = addressed.get((side, key))
                        if g is None:
                            addressed[(side, key)] = [b, 1, start, end]
                        else:
                            g[0] += b
                            g[1] += 1
                            g[2] = _least(g[2], start)
                            g[3] = _most(g[3], end)
    if len(ids) >= 1 << _ID_BITS or records >= 1 << _F_BITS or packets_total >= 1 << _P_BITS:
        raise ValueError("more addresses, records or packets than the packed fields hold")
    names = [None if n == b"-" else n.decode() for n in ids]  # ids in insertion order
    answers = _answers(fine, packet_pairs, instances, subnets, addressed, names)
    return {
        "records": records,
        "files": len(paths),
        "load_s": time.perf_counter() - started,
        "query_s": 0.0,
        "answers": answers,
    }


def _least(a: int | None, b: int | None) -> int | None:
    return b if a is None else a if b is None else min(a, b)


def _most(a: int | None, b: int | None) -> int | None:
    return b if a is None else a if b is None else max(a, b)


def _answers(
    fine: dict[int, int],
    packet_pairs: dict[int, int],
    instances: dict[bytes, int],
    subnets: dict[bytes, int],
    addressed: dict[tuple[bool, int], list[Any]],
    names: list[str | None],
) -> dict[str, list[list[Any]]]:
    """The roll-ups and every query's top rows. The fine aggregate is emptied as it is read,
    so its groups are freed while the roll-ups grow."""

    def port(value: int) -> int | None:
        return None if value == _NO_PORT else value

    def protocol(value: int) -> int | None:
        return None if value == _NO_PROTOCOL else value

    def flow_row(key: int, value: int) -> list[Any]:  # keys, flows, packets, bytes
        s, t, dp, pr, _a = _fine_fields(key)
        return [names[s], names[t], port(dp), protocol(pr), *_counts(value)]

    def rejected_tcp_row(key: int, value: int) -> list[Any]:  # keys, flows, packets
        s, t, dp, _p, _a = _fine_fields(key)
        f, p, _b = _counts(value)
        return [names[s], names[t], port(dp), f, p]

    def admin_row(key: int, value: int) -> list[Any]:  # (s, t, port, action), flows, bytes
        s, t, dp, _p, a = _fine_fields(key)
        f, _p2, b = _counts(value)
        return [names[s], names[t], port(dp), _ACTION_NAMES[a], f, b]

    def tcp_row(key: int, value: int) -> list[Any]:  # (s, t, port), bytes, flows, packets
        s, t, dp, _p, _a = _fine_fields(key << 11)
        f, p, b = _counts(value)
        return [names[s], names[t], port(dp), b, f, p]

    def pair_bytes_flows_packets(key: int, value: int) -> list[Any]:
        f, p, b = _counts(value)
        return [names[key >> _ID_BITS], names[key & 0xFFFFFF], b, f, p]

    def pair_bytes_packets(key: int, value: int) -> list[Any]:
        _f, p, b = _counts(value)
        return [names[key >> _ID_BITS], names[key & 0xFFFFFF], b, p]

    def one_bytes_flows_packets(key: Any, value: int) -> list[Any]:
        f, p, b = _counts(value)
        name = key.decode() if isinstance(key, bytes) else names[key]
        return [name, b, f, p]

    tops = {
        "AcceptedTraffic": _Top(flow_row, 4),
        "RejectedTraffic": _Top(flow_row, 4),
        "RejectedTCPTraffic": _Top(rejected_tcp_row, 3),
        "AdminPortTraffic": _Top(admin_row, 4),
        "SshRdpTraffic": _Top(admin_row, 4),
        "TopTCPTraffic": _Top(tcp_row, 3),
        "IPv4Traffic": _Top(pair_bytes_flows_packets, 2),
        "IPv6Traffic": _Top(pair_bytes_flows_packets, 2),
        "TotalBytesTransferred": _Top(pair_bytes_packets, 2),
        "TopTalkers": _Top(one_bytes_flows_packets, 1),
        "TotalBytesTransferredPacketLevel": _Top(pair_bytes_packets, 2),
        "TopTalkersPacketLevel": _Top(one_bytes_flows_packets, 1),
        "TopTalkingInstances": _Top(one_bytes_flows_packets, 1),
        "TopTalkingSubnets": _Top(one_bytes_flows_packets, 1),
    }
    accepted, rejected, rejected_tcp = (
        tops["AcceptedTraffic"], tops["RejectedTraffic"], tops["RejectedTCPTraffic"]
    )  # fmt: skip
    admin: dict[int, int] = {}  # fine key without the protocol
    tcp: dict[int, int] = {}  # (src, dst, port): fine key >> 11, protocol 6 only
    pairs: dict[int, int] = {}  # (src, dst)
    while fine:
        key, value = fine.popitem()
        flows = value & _F_MASK
        action, proto, dport = key & 3, (key >> 2) & 0x1FF, (key >> 11) & 0x1FFFF
        if action == 0:
            accepted.offer(flows, key, value)
        elif action == 1:
            rejected.offer(flows, key, value)
            if proto == TCP:
                rejected_tcp.offer(flows, key, value)
        if dport in ADMIN_PORTS:
            k = key & ~(0x1FF << 2)
            admin[k] = admin.get(k, 0) + value
        if proto == TCP:
            k = key >> 11
            tcp[k] = tcp.get(k, 0) + value
        k = key >> 28
        pairs[k] = pairs.get(k, 0) + value
    for key, value in admin.items():
        flows = value & _F_MASK
        tops["AdminPortTraffic"].offer(flows, key, value)
        if (key >> 11) & 0x1FFFF in SSH_RDP_PORTS:
            tops["SshRdpTraffic"].offer(flows, key, value)
    del admin
    for key, value in tcp.items():
        tops["TopTCPTraffic"].offer(value >> _B_SHIFT, key, value)
    del tcp
    talkers: dict[int, int] = {}
    for key, value in pairs.items():
        size = value >> _B_SHIFT
        tops["TotalBytesTransferred"].offer(size, key, value)
        source = names[key >> _ID_BITS]
        if source is not None:  # srcaddr [NOT] LIKE '%:%' is NULL, not true, for NULL
            tops["IPv6Traffic" if ":" in source else "IPv4Traffic"].offer(size, key, value)
        talkers[key >> _ID_BITS] = talkers.get(key >> _ID_BITS, 0) + value
    for key, value in talkers.items():
        tops["TopTalkers"].offer(value >> _B_SHIFT, key, value)
    packet_talkers: dict[int, int] = {}
    for key, value in packet_pairs.items():
        sender, receiver = key >> _ID_BITS, key & 0xFFFFFF
        if names[sender] is not None and names[receiver] is not None:
            tops["TotalBytesTransferredPacketLevel"].offer(value >> _B_SHIFT, key, value)
        if names[sender] is not None:
            packet_talkers[sender] = packet_talkers.get(sender, 0) + value
    for key, value in packet_talkers.items():
        tops["TopTalkersPacketLevel"].offer(value >> _B_SHIFT, key, value)
    for table, name in ((instances, "TopTalkingInstances"), (subnets, "TopTalkingSubnets")):
        for raw, value in table.items():
            tops[name].offer(value >> _B_SHIFT, raw, value)
    answers = {name: top.rows() for name, top in tops.items()}
    answers.update(_address_answers(addressed, names))
    return answers


def _address_answers(
    addressed: dict[tuple[bool, int], list[Any]], names: list[str | None]
) -> dict[str, list[list[Any]]]:
    """TrafficFrmSrcAddr by (dstaddr, dstport, protocol, action) and TrafficToDstAddr by
    (srcaddr, ...): bytes, flows, first seen, last seen."""
    out: dict[str, list[tuple[tuple[Any, ...], list[Any]]]] = {
        "TrafficFrmSrcAddr": [],
        "TrafficToDstAddr": [],
    }
    for (from_address, key), (size, flows, first, last) in addressed.items():
        s, t, dp, pr, a = _fine_fields(key)
        keys = (
            names[t if from_address else s],
            None if dp == _NO_PORT else dp,
            None if pr == _NO_PROTOCOL else pr,
            _ACTION_NAMES[a],
        )
        name = "TrafficFrmSrcAddr" if from_address else "TrafficToDstAddr"
        out[name].append((keys, [size, flows, first, last]))
    return {
        name: [
            [*keys, *measures]
            for keys, measures in sorted(
                groups, key=lambda kv: (-kv[1][0], *((v is None, v) for v in kv[0]))
            )[:TOP]
        ]
        for name, groups in out.items()
    }
