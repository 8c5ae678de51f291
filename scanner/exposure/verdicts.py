"""Severity follows reachability: each open-rule finding of the pack (a security-group
permission or a network-ACL entry that lets internet sources in) is judged against what the
engine found the internet really reaches.

- Reachable: some exposure's path goes through the rule's group (or ACL), on the rule's
  protocol and ports, from sources the rule opens. The finding keeps its severity and says
  what it exposes.
- Not reachable: no interface behind the rule is exposed through it. The finding is a
  latent risk, not an open door: its severity is lowered (:data:`LOWERED`) and the message
  says why, naming where the path is cut (``blocked_by``).

Either way the finding gets ``exposure: {"reachable", "enis", "blocked_by"}`` and, when
reachable, ``paths`` (the components of up to :data:`MAX_PATHS` exposed paths) for the
reports' diagrams. A finding whose evidence names no internet opening is left alone.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from scanner.exposure import intervals as iv
from scanner.exposure import protocols as proto
from scanner.exposure.engine import INTERNET
from scanner.exposure.interfaces import addresses, attached
from scanner.exposure.model import Blocked, Exposure, ExposureReport
from scanner.exposure.render import sources_text
from scanner.model import Finding, Severity
from scanner.snapshot import region_data as snapshot_region
from scanner.snapshot import resources_of
from scanner.textsafe import one_line

SG = "aws.security-group"
ACL = "aws.network-acl"
BPA = "aws.vpc-block-public-access"
NACL_EVIDENCE = "c7n:nacl-open-ingress"
# An open rule that reaches nothing: two steps down, never below low.
LOWERED: dict[str, Severity] = {"critical": "medium", "high": "low", "medium": "low"}
MAX_PATHS = 5
# What must have been read for a verdict: where the interfaces are and how they route.
NEEDED = ("aws.eni", "aws.route-table", "aws.security-group")
MAX_REASONS = 3
FAMILY = {4: "ipv4", 6: "ipv6"}


@dataclass(frozen=True)
class Opening:
    """What one rule lets in from the internet: a family, a protocol (-1: all), the ports
    (None: every port, or a protocol without ports) and the internet sources."""

    family: int
    protocol: int
    ports: iv.Span | None
    ranges: iv.Ranges

    def protocol_name(self) -> str:
        return proto.name(self.protocol)

    def overlaps(self, protocol: str, from_port: int, to_port: int) -> bool:
        """Does a record for ``protocol`` on ``from_port..to_port`` share traffic with it?"""
        if self.protocol != proto.ALL and protocol not in ("all", self.protocol_name()):
            return False
        if self.ports is None or from_port < 0:
            return True
        return self.ports[0] <= to_port and from_port <= self.ports[1]

    def admits_some_of(self, exposure: Exposure) -> bool:
        if FAMILY[self.family] != exposure.family:
            return False
        if self.protocol != proto.ALL and not exposure.covers_protocol(self.protocol_name()):
            return False
        if not self.overlaps(exposure.protocol, exposure.from_port, exposure.to_port):
            return False
        return bool(iv.intersect(self.ranges, _sources(exposure)))


def _sources(exposure: Exposure) -> iv.Ranges:
    family = 4 if exposure.family == "ipv4" else 6
    return iv.from_cidrs(exposure.sources, family)


def _internet(cidr: Any) -> tuple[int, iv.Ranges] | None:
    try:
        family, span, _ = iv.cidr_span(str(cidr))
    except ValueError:
        return None
    ranges = iv.intersect((span,), INTERNET[family])
    return (family, ranges) if ranges else None


def _ports(protocol: int, low: Any, high: Any) -> iv.Span | None:
    if protocol not in proto.PORTED:
        return None
    if isinstance(low, int) and isinstance(high, int) and 0 <= low <= high:
        return (low, high)
    return None


def sg_openings(evidence: Mapping[str, Any]) -> list[Opening]:
    """The internet openings of the permissions a policy matched on a security group."""
    found = []
    for perm in evidence.get("MatchedIpPermissions") or []:
        if not isinstance(perm, Mapping):
            continue
        protocol = proto.parse(perm.get("IpProtocol", "-1"))
        if protocol is None:
            continue
        ports = _ports(protocol, perm.get("FromPort"), perm.get("ToPort"))
        cidrs = [r.get("CidrIp") for r in perm.get("IpRanges") or [] if isinstance(r, Mapping)]
        cidrs += [r.get("CidrIpv6") for r in perm.get("Ipv6Ranges") or [] if isinstance(r, Mapping)]
        for cidr in cidrs:
            internet = _internet(cidr)
            if internet is not None:
                found.append(Opening(internet[0], protocol, ports, internet[1]))
    return found


def nacl_openings(evidence: Mapping[str, Any]) -> list[Opening]:
    """The (protocol, port, source) triples the ``open-ingress`` filter matched."""
    found = []
    for item in evidence.get(NACL_EVIDENCE) or []:
        if not isinstance(item, Mapping):
            continue
        protocol = proto.parse(item.get("ProtocolNumber", item.get("Protocol", "-1")))
        internet = _internet(item.get("Cidr"))
        if protocol is None or internet is None:
            continue
        port = item.get("Port")
        ports = _ports(protocol, port, port)
        found.append(Opening(internet[0], protocol, ports, internet[1]))
    return found


def openings_of(finding: Finding) -> tuple[str, list[Opening]] | None:
    """(component type, openings) of an open-rule policy finding; None for any other."""
    if finding.kind != "policy" or not isinstance(finding.evidence, Mapping):
        return None
    if finding.resource_type == SG:
        found = sg_openings(finding.evidence)
        return (SG, found) if found else None
    if finding.resource_type == ACL:
        found = nacl_openings(finding.evidence)
        return (ACL, found) if found else None
    return None


Key = tuple[str, str, str]  # account, region, component id


class Index:
    """The engine's report, by the components on each path, for joining findings."""

    def __init__(self, report: ExposureReport, snapshot: Mapping[str, Any] | None = None):
        self.exposures: dict[Key, list[Exposure]] = defaultdict(list)
        self.blocked: dict[Key, list[Blocked]] = defaultdict(list)
        for exposure in report.exposures:
            seen = set()
            for step in exposure.path:
                if step.type in (SG, ACL) and step.id not in seen:
                    seen.add(step.id)
                    self.exposures[(exposure.account, exposure.region, step.id)].append(exposure)
        for blocked in report.blocked:
            self.blocked[(blocked.account, blocked.region, blocked.security_group)].append(blocked)
        self.snapshot = snapshot or {}
        self._regions: dict[tuple[str, str], RegionIndex] = {}

    def judged(self, account: str, region: str) -> bool:
        """Were the interfaces and route tables of the region read? Without them nothing
        says a rule is cut, so its finding keeps its severity (errs towards exposure)."""
        data = snapshot_region(self.snapshot, account, region)
        resources = resources_of(data)
        failed = {str(e.get("type")) for e in data.get("errors", []) or [] if e}
        return all(t in resources and t not in failed for t in NEEDED)

    def _region_index(self, account: str, region: str) -> RegionIndex:
        """Each region's interfaces by group and by governing ACL, built once."""
        key = (account, region)
        found = self._regions.get(key)
        if found is None:
            found = self._regions[key] = RegionIndex.build(_resources(self.snapshot, *key))
        return found

    def acl_enis(self, account: str, region: str, acl_id: str) -> list[Mapping[str, Any]]:
        """The interfaces in the subnets an ACL governs."""
        return self._region_index(account, region).by_acl.get(acl_id, [])

    def group_enis(self, account: str, region: str, group_id: str) -> list[str]:
        return self._region_index(account, region).by_group.get(group_id, [])


@dataclass
class RegionIndex:
    by_group: dict[str, list[str]]
    by_acl: dict[str, list[Mapping[str, Any]]]

    @classmethod
    def build(cls, resources: Mapping[str, Any]) -> RegionIndex:
        explicit: dict[str, str] = {}
        defaults: dict[str, str] = {}
        for acl in resources.get(ACL, []) or []:
            for assoc in acl.get("Associations", []) or []:
                if assoc.get("SubnetId"):
                    explicit[str(assoc["SubnetId"])] = str(acl.get("NetworkAclId"))
            if acl.get("IsDefault"):
                defaults.setdefault(str(acl.get("VpcId")), str(acl.get("NetworkAclId")))
        by_group: dict[str, list[str]] = defaultdict(list)
        by_acl: dict[str, list[Mapping[str, Any]]] = defaultdict(list)
        for eni in resources.get("aws.eni", []) or []:
            eni_id = str(eni.get("NetworkInterfaceId"))
            for group in {str(g.get("GroupId")) for g in eni.get("Groups", []) or []}:
                by_group[group].append(eni_id)
            # A subnet without an association uses its VPC's default ACL (as the engine does).
            acl_id = explicit.get(str(eni.get("SubnetId")), defaults.get(str(eni.get("VpcId"))))
            if acl_id:
                by_acl[acl_id].append(eni)
        return cls(dict(by_group), dict(by_acl))


def _resources(snapshot: Mapping[str, Any], account: str, region: str) -> Mapping[str, Any]:
    return resources_of(snapshot_region(snapshot, account, region))


def verdict(finding: Finding, index: Index) -> Finding:
    """The finding with its ``exposure`` field, and its severity lowered when the rule
    reaches nothing; unchanged when it is not an open-rule finding."""
    found = openings_of(finding)
    if found is None or not index.judged(finding.account, finding.region):
        return finding
    kind, openings = found
    key = (finding.account, finding.region, finding.resource_id)
    reached = [
        e for e in index.exposures.get(key, []) if any(o.admits_some_of(e) for o in openings)
    ]
    if reached:
        return _reachable(finding, reached)
    if kind == SG:
        why = _sg_blocked(finding, openings, index)
    else:
        why = _acl_blocked(finding, openings, index)
    return _latent(finding, why)


def _reachable(finding: Finding, reached: Sequence[Exposure]) -> Finding:
    enis = sorted({e.eni for e in reached})
    things = []
    for eni in enis:
        mine = [e for e in reached if e.eni == eni]
        first = mine[0]
        who = first.attachment.id
        if first.attachment.name:
            who += f" ({one_line(first.attachment.name, 60)})"
        ports = ", ".join(dict.fromkeys(traffic_text(e) for e in mine))
        label = who if first.attachment.id == eni else f"{who}, {eni}"
        things.append(f"{label} at {first.address} on {ports}")
    shown = "; ".join(things[:MAX_REASONS])
    if len(things) > MAX_REASONS:
        shown += f"; +{len(things) - MAX_REASONS} more"
    message = f"{finding.message.rstrip('.')}. Reachable from the internet: {shown}."
    exposure = {
        "reachable": True,
        "enis": enis,
        "blocked_by": "",
        "paths": [[s.to_dict() for s in e.path] for e in reached[:MAX_PATHS]],
    }
    return dataclasses.replace(finding, message=message, exposure=exposure)


def traffic_text(exposure: Exposure) -> str:
    """``tcp/22``, with the sources when they are not the whole internet."""
    sources = sources_text(exposure)
    if sources.startswith("the internet"):
        return exposure.ports_text()
    return f"{exposure.ports_text()} from {sources}"


def _latent(finding: Finding, why: tuple[list[str], str]) -> Finding:
    enis, blocked_by = why
    lowered = LOWERED.get(finding.severity, finding.severity)
    note = f"Not reachable from the internet ({blocked_by})"
    if lowered != finding.severity:
        note += f": a latent risk, not an open door; severity lowered from {finding.severity}"
    message = f"{finding.message.rstrip('.')}. {note}."
    exposure = {"reachable": False, "enis": enis, "blocked_by": blocked_by}
    return dataclasses.replace(finding, severity=lowered, message=message, exposure=exposure)


def _reasons(items: Iterable[tuple[str, str]]) -> str:
    """``eni: why`` for each distinct reason, the most common first."""
    by_reason: dict[str, list[str]] = defaultdict(list)
    for eni, reason in items:
        if eni not in by_reason[reason]:
            by_reason[reason].append(eni)
    ordered = sorted(by_reason.items(), key=lambda item: (-len(item[1]), item[0]))
    parts = []
    for reason, enis in ordered[:MAX_REASONS]:
        more = f" +{len(enis) - 1}" if len(enis) > 1 else ""
        parts.append(f"{enis[0]}{more}: {reason}")
    if len(ordered) > MAX_REASONS:
        parts.append(f"+{len(ordered) - MAX_REASONS} other reason(s)")
    return "; ".join(parts)


def _sg_blocked(
    finding: Finding, openings: Sequence[Opening], index: Index
) -> tuple[list[str], str]:
    key = (finding.account, finding.region, finding.resource_id)
    enis = index.group_enis(*key)
    if not enis:
        return [], f"no network interface uses {finding.resource_id}"
    cuts = [
        (b.eni, _cut_text(b))
        for b in index.blocked.get(key, [])
        if any(
            FAMILY[o.family] == b.family and o.overlaps(b.protocol, b.from_port, b.to_port)
            for o in openings
        )
    ]
    if not cuts:
        return sorted(enis), "no path from the internet to its interfaces on these ports"
    return sorted({eni for eni, _ in cuts}), _reasons(cuts)


def _cut_text(blocked: Blocked) -> str:
    step = blocked.blocked_by
    if (step.type == "aws.eni" and step.id == blocked.eni) or step.type == BPA:
        return step.detail  # "VPC Block Public Access: block-bidirectional" names itself
    return f"{step.type.removeprefix('aws.')} {step.id}: {step.detail}"


def _acl_blocked(
    finding: Finding, openings: Sequence[Opening], index: Index
) -> tuple[list[str], str]:
    enis = index.acl_enis(finding.account, finding.region, finding.resource_id)
    if not enis:
        return [], "no network interface in the subnets it governs"
    ids = sorted(str(e.get("NetworkInterfaceId")) for e in enis)
    if not any(attached(e) for e in enis):
        return ids, "no interface in the subnets it governs is attached to anything"
    if not any(addresses(e, o.family) for e in enis if attached(e) for o in openings):
        return ids, "no interface in the subnets it governs has a public address"
    traffic = ", ".join(
        dict.fromkeys(
            o.protocol_name() + (f"/{iv.port_text(*o.ports)}" if o.ports else "") for o in openings
        )
    )
    return ids, (
        f"no interface in its subnets is exposed on {traffic}: their addresses, routes "
        "or security groups cut the path"
    )


def judge(
    findings: Iterable[Finding], report: ExposureReport, snapshot: Mapping[str, Any]
) -> list[Finding]:
    """Every finding, the open-rule ones with their reachability verdict."""
    index = Index(report, snapshot)
    return [verdict(f, index) for f in findings]


def judge_snapshot(
    findings: Iterable[Finding],
    snapshot: Mapping[str, Any],
    report: ExposureReport | None = None,
) -> list[Finding]:
    """Severity follows reachability, for every caller that judges a snapshot's findings
    (``scan``'s stage, ``review``'s proposed baseline): ``report`` is the snapshot's
    exposures when the caller has them, else they are computed here."""
    from scanner.exposure.engine import analyse

    return judge(findings, report if report is not None else analyse(snapshot), snapshot)
