"""Flow detections: findings about what the traffic did, from the window's records.

Each detection is a query over the loaded records (DuckDB), then a decision in Python on the
grouped rows (is an address from the internet, is a count above its threshold). A finding's
``evidence`` holds only what identifies it (the port, the destination, the source), so its
fingerprint stays the same from run to run while the counts, in ``traffic``, change.

The rules (ids, severities, text, thresholds) are in :mod:`scanner.flows.rules`.
"""

from __future__ import annotations

import ipaddress
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from scanner.flows import rules as r
from scanner.flows.evidence import PROTOCOL_NAMES, external
from scanner.flows.layout import Window
from scanner.flows.reader import TABLE, FlowStore, LoadStats
from scanner.flows.tally import Tally, iso
from scanner.model import Finding, Location, RemediationAction
from scanner.snapshot import iter_regions, regions_by_account, resources_of
from scanner.textsafe import one_line, shell_join

ENI = "aws.eni"
VPC = "aws.vpc"


@dataclass(frozen=True)
class Place:
    """Where an interface is: from the snapshot, else from the records themselves."""

    account: str
    region: str
    vpc: str | None = None


def _is_external(text: Any) -> bool:
    try:
        return external(ipaddress.ip_address(str(text)))
    except ValueError:
        return False


def interface_places(snapshot: Mapping[str, Any]) -> dict[str, Place]:
    """Network interface id -> account, region and VPC, from the snapshot."""
    found: dict[str, Place] = {}
    for account, region, data in iter_regions(snapshot):
        for eni in resources_of(data).get(ENI) or []:
            eni_id = eni.get("NetworkInterfaceId")
            if isinstance(eni_id, str):
                found[eni_id] = Place(account, region, eni.get("VpcId"))
    return found


class Locator:
    """Where a finding about an interface goes: its account and region (the snapshot's,
    else the record's account and region, else the account's only region)."""

    def __init__(self, store: FlowStore, snapshot: Mapping[str, Any], source: str) -> None:
        # A detection is located at the flow logs that show it (the scan moves it to the
        # interface's baseline entry when the baseline lists the interface).
        self.location = Location(source, 1)
        self.places = interface_places(snapshot)
        self.regions: dict[str, list[str]] = regions_by_account(snapshot)
        _cols, rows = store.query(
            f"SELECT interface_id, any_value(account_id), any_value(region), any_value(vpc_id) "
            f"FROM {TABLE} WHERE interface_id IS NOT NULL GROUP BY interface_id"
        )
        self.recorded = {row[0]: row[1:] for row in rows}

    def place(self, eni: str) -> Place:
        if eni in self.places:
            return self.places[eni]
        account, region, vpc = self.recorded.get(eni, (None, None, None))
        account = str(account or "unknown")
        if not region:
            known = self.regions.get(account, [])
            region = known[0] if len(known) == 1 else "unknown"
        return Place(account, str(region), vpc)


def _finding(
    rule_id: str,
    locator: Locator,
    place: Place,
    resource_type: str,
    resource_id: str,
    message: str,
    evidence: Mapping[str, Any],
    traffic: Mapping[str, Any],
    actions: Sequence[RemediationAction],
) -> Finding:
    rule = r.BY_ID[rule_id]
    return Finding(
        rule_id=rule_id,
        kind="policy",
        severity=rule.severity,
        title=rule.title,
        message=one_line(message),
        account=place.account,
        region=place.region,
        resource_type=resource_type,
        resource_id=resource_id,
        arn=_arn(resource_type, resource_id, place),
        evidence=dict(evidence),
        remediation=tuple(actions),
        compliance=rule.compliance,
        location=locator.location,
        traffic=dict(traffic),
    )


def _arn(resource_type: str, resource_id: str, place: Place) -> str:
    if place.account == "unknown" or place.region == "unknown":
        return ""
    from scanner.resources.arns import arn_for

    return arn_for(resource_type, resource_id, place.account, place.region)


def _step(description: str, *words: str) -> RemediationAction:
    # No API call: a detection is about what happened; what to change is a person's call.
    # Interface ids and regions come from the records: every word is quoted.
    return RemediationAction(one_line(description), shell_join(words), None)


def _groups_step(eni: str, place: Place) -> RemediationAction:
    return _step(
        f"List the security groups on {eni}, then remove their rules open to the internet",
        *("aws", "ec2", "describe-network-interfaces", "--region", place.region),
        *("--network-interface-ids", eni, "--query", "NetworkInterfaces[0].Groups"),
    )


# ---- accepted inbound to a port set: SSH/RDP, databases ----------------------------------


def _inbound_accepted(store: FlowStore, ports: Sequence[int]) -> dict[tuple[str, int, int], Tally]:
    marks = ", ".join(str(int(p)) for p in ports)
    _cols, rows = store.query(
        "SELECT interface_id, dstport, protocol, srcaddr, action, count(*), "
        'coalesce(sum(bytes), 0), min("start"), max("end") FROM vpc_flow_logs '
        f"WHERE dstport IN ({marks}) AND protocol IN (6, 17) AND interface_id IS NOT NULL "
        "AND srcaddr IS NOT NULL GROUP BY ALL"
    )
    found: dict[tuple[str, int, int], Tally] = defaultdict(Tally)
    for eni, port, protocol, src, action, flows, size, start, end in rows:
        if _is_external(src):
            found[(eni, int(port), int(protocol))].add(src, action, flows, int(size), start, end)
    return {key: tally for key, tally in found.items() if tally.accepted}


def _access(
    store: FlowStore, locator: Locator, rule_id: str, ports: Sequence[int]
) -> list[Finding]:
    out = []
    for (eni, port, protocol), tally in sorted(_inbound_accepted(store, ports).items()):
        place = locator.place(eni)
        proto = PROTOCOL_NAMES.get(protocol, str(protocol))
        traffic = tally.to_dict(f"{proto}/{port} from the internet", [eni])
        message = str(traffic["summary"])
        out.append(
            _finding(
                rule_id, locator, place, ENI, eni, message, {"port": port, "protocol": proto},
                traffic, [_groups_step(eni, place)],
            )
        )  # fmt: skip
    return out


# ---- egress volume to one external address ----------------------------------------------


def _egress(store: FlowStore, locator: Locator, settings: r.Settings) -> list[Finding]:
    threshold, span = int(settings.egress_bytes), int(settings.egress_seconds)
    # Only pairs whose whole-window total passes the threshold can pass it in one period.
    _cols, pairs = store.query(
        "SELECT interface_id, srcaddr, dstaddr, sum(bytes) FROM vpc_flow_logs "
        "WHERE action = 'ACCEPT' AND interface_id IS NOT NULL AND bytes IS NOT NULL "
        f'AND "start" IS NOT NULL GROUP BY ALL HAVING sum(bytes) > {threshold}'
    )
    out = []
    for eni, src, dst, _total in sorted(pairs, key=lambda p: tuple(map(str, p))):
        if _is_external(src) or not _is_external(dst):
            continue
        # The most bytes in any period of `span` seconds starting at a flow's start.
        _cols, rows = store.query(
            'SELECT "start", sum(bytes) OVER (ORDER BY "start" RANGE BETWEEN CURRENT ROW '
            f"AND {span - 1} FOLLOWING) AS moved FROM vpc_flow_logs WHERE action = 'ACCEPT' "
            'AND interface_id = ? AND srcaddr = ? AND dstaddr = ? AND "start" IS NOT NULL '
            'AND bytes IS NOT NULL ORDER BY moved DESC, "start" LIMIT 1',
            [eni, src, dst],
        )
        if not rows or int(rows[0][1]) <= threshold:
            continue
        begin, moved = int(rows[0][0]), int(rows[0][1])
        _cols, stats = store.query(
            'SELECT count(*), sum(bytes), min("start"), max("end") FROM vpc_flow_logs '
            "WHERE action = 'ACCEPT' AND interface_id = ? AND srcaddr = ? AND dstaddr = ?",
            [eni, src, dst],
        )
        flows, total, first, last = stats[0]
        place = locator.place(eni)
        minutes = span // 60
        summary = (
            f"{eni} ({src}) sent {moved:,} bytes to {dst} in {minutes} minutes from "
            f"{iso(begin)} ({int(total):,} bytes in {flows:,} accepted flows in the window)"
        )
        traffic = {
            "accepted": flows, "rejected": 0, "bytes": int(total),
            "destination": dst, "source_address": src,
            "peak_bytes": moved, "peak_start": iso(begin), "peak_seconds": span,
            "threshold_bytes": threshold,
            "first_seen": iso(first), "last_seen": iso(last), "interfaces": [eni],
            "summary": summary,
        }  # fmt: skip
        isolate = _step(
            f"If the transfer is not expected, isolate {eni} with a security group that "
            "allows nothing, keeping the instance for forensics",
            *("aws", "ec2", "modify-network-interface-attribute", "--region", place.region),
            *("--network-interface-id", eni, "--groups", "<quarantine-security-group>"),
        )
        out.append(
            _finding(
                r.EGRESS,
                locator,
                place,
                ENI,
                eni,
                summary,
                {"destination": dst},
                traffic,
                [isolate],
            )
        )
    return out


# ---- one internet source probing many ports or hosts ----------------------------------


def _scans(store: FlowStore, locator: Locator, settings: r.Settings) -> list[Finding]:
    span = int(settings.scan_seconds)
    _cols, rows = store.query(
        f'SELECT srcaddr, floor("start" / {span}) AS period, count(DISTINCT dstport), '
        "count(DISTINCT dstaddr) FROM vpc_flow_logs "
        'WHERE srcaddr IS NOT NULL AND "start" IS NOT NULL GROUP BY ALL '
        f"HAVING count(DISTINCT dstport) >= {int(settings.scan_ports)} "
        f"OR count(DISTINCT dstaddr) >= {int(settings.scan_hosts)}"
    )
    worst: dict[str, tuple[int, int, int]] = {}
    for src, period, ports, hosts in rows:
        if not _is_external(src):
            continue
        best = worst.get(src)
        if best is None or (ports, hosts) > (best[1], best[2]):
            worst[src] = (int(period), int(ports), int(hosts))
    out = []
    for src in sorted(worst):
        period, ports, hosts = worst[src]
        _cols, targets = store.query(
            'SELECT interface_id, action, count(*), coalesce(sum(bytes), 0), min("start"), '
            'max("end") FROM vpc_flow_logs WHERE srcaddr = ? AND interface_id IS NOT NULL '
            "GROUP BY ALL",
            [src],
        )
        tally = Tally()
        per_eni: dict[str, int] = defaultdict(int)
        for eni, action, flows, size, start, end in targets:
            tally.add(src, action, flows, int(size), start, end)
            per_eni[eni] += flows
        if not per_eni:
            continue
        top_eni = sorted(per_eni.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
        place = locator.place(top_eni)
        resource_type, resource_id = (VPC, place.vpc) if place.vpc else (ENI, top_eni)
        start = iso(period * span)
        summary = (
            f"{src} reached {ports:,} distinct ports and {hosts:,} distinct addresses in "
            f"{span // 60} minutes from {start}: {tally.accepted:,} accepted and "
            f"{tally.rejected:,} rejected flows on {len(per_eni):,} interface(s)"
        )
        traffic = {
            **tally.to_dict(f"from {src}", sorted(per_eni)),
            "distinct_ports": ports, "distinct_hosts": hosts, "peak_start": start,
            "summary": summary,
        }  # fmt: skip
        deny = _step(
            f"If the probing goes on, deny {src} in the network ACL of the probed subnets",
            *("aws", "ec2", "create-network-acl-entry", "--region", place.region),
            *("--network-acl-id", "<acl-id>", "--ingress", "--rule-number", "50"),
            *("--protocol", "-1", "--rule-action", "deny", "--cidr-block", _host_cidr(src)),
        )
        out.append(
            _finding(r.SCAN, locator, place, resource_type, resource_id, summary, {"source": src},
                     traffic, [deny])
        )  # fmt: skip
    return out


def _host_cidr(address: str) -> str:
    parsed = ipaddress.ip_address(address)
    return f"{parsed}/{parsed.max_prefixlen}"


# ---- rejected spikes --------------------------------------------------------------------


def _spikes(store: FlowStore, locator: Locator, settings: r.Settings) -> list[Finding]:
    span = int(settings.spike_seconds)
    _cols, bounds = store.query(
        f'SELECT min(floor("start" / {span})), max(floor("start" / {span})) FROM vpc_flow_logs'
    )
    low, high = bounds[0]
    if low is None:
        return []
    periods = int(high) - int(low) + 1
    _cols, rows = store.query(
        f'SELECT interface_id, floor("start" / {span}) AS period, count(*) FROM vpc_flow_logs '
        "WHERE action = 'REJECT' AND interface_id IS NOT NULL AND \"start\" IS NOT NULL "
        "GROUP BY ALL"
    )
    by_eni: dict[str, dict[int, int]] = defaultdict(dict)
    for eni, period, count in rows:
        by_eni[eni][int(period)] = int(count)
    out = []
    for eni in sorted(by_eni):
        counts = by_eni[eni]
        total = sum(counts.values())
        period, peak = max(counts.items(), key=lambda kv: (kv[1], -kv[0]))
        others = (total - peak) / (periods - 1) if periods > 1 else 0.0
        if peak < settings.spike_rejects or peak < settings.spike_factor * others:
            continue
        place = locator.place(eni)
        start = iso(period * span)
        summary = (
            f"{peak:,} rejected flows on {eni} in {span // 60} minutes from {start}, against "
            f"a mean of {others:,.1f} in the window's other periods"
        )
        traffic = {
            "accepted": 0, "rejected": total, "bytes": 0, "peak_rejected": peak,
            "peak_start": start, "peak_seconds": span, "mean_rejected": round(others, 2),
            "interfaces": [eni], "summary": summary,
        }  # fmt: skip
        look = _step(
            "Look at the rejected flows of the period: their sources and ports",
            *("netwarden", "flows", "--source", "<flow-logs>", "--query", "RejectedTraffic"),
            *("--since", str(start), "--until", str(iso(period * span + span))),
        )
        out.append(_finding(r.REJECT_SPIKE, locator, place, ENI, eni, summary, {}, traffic, [look]))
    return out


# ---- SKIPDATA: lost records -------------------------------------------------------------


def _skipdata(store: FlowStore, locator: Locator) -> list[Finding]:
    _cols, rows = store.query(
        f'SELECT coalesce(interface_id, \'-\'), count(*), min("start"), max("end") FROM {TABLE} '
        "WHERE log_status = 'SKIPDATA' GROUP BY ALL ORDER BY 1"
    )
    out = []
    for eni, count, first, last in rows:
        place = locator.place(eni) if eni != "-" else Place("unknown", "unknown")
        summary = (
            f"{count:,} SKIPDATA record(s) on {eni}: AWS lost flows between {iso(first)} and "
            f"{iso(last)}; evidence and detections for it may be incomplete"
        )
        traffic = {
            "skipped_records": count, "first_seen": iso(first), "last_seen": iso(last),
            "interfaces": [eni], "summary": summary,
        }  # fmt: skip
        check = _step(
            "Check the flow log's status and delivery errors",
            *("aws", "ec2", "describe-flow-logs", "--region", place.region),
            *("--filter", f"Name=resource-id,Values={eni}"),
        )
        out.append(_finding(r.SKIPDATA, locator, place, ENI, eni, summary, {}, traffic, [check]))
    return out


def detect(
    store: FlowStore,
    snapshot: Mapping[str, Any],
    window: Window,
    stats: LoadStats,
    settings: r.Settings | None = None,
    source: str = "flow-logs",
) -> list[Finding]:
    """Every detection over the loaded window (``window`` is the one the store loaded)."""
    chosen = settings or r.Settings()
    locator = Locator(store, snapshot, source)
    found: list[Finding] = []
    found += _access(store, locator, r.SSH_RDP, r.ADMIN_PORTS)
    found += _access(store, locator, r.DATABASE, r.DATABASE_PORTS)
    found += _egress(store, locator, chosen)
    found += _scans(store, locator, chosen)
    found += _spikes(store, locator, chosen)
    if stats.skipdata:
        found += _skipdata(store, locator)
    return found
