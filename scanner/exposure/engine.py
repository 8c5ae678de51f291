"""The exposure engine: snapshot -> every (interface, address, protocol, port range) the
internet can open a connection to, with the sources and the path; and every open
security-group rule whose path is cut, with where.

For one interface, family, protocol and port, the exposed sources are the intersection of

- the internet (minus what an IGW never delivers: RFC 1918, 100.64.0.0/10, IPv6 ULA),
- the sources the subnet's route table sends back to an attached internet gateway
  (:mod:`scanner.exposure.routes`),
- the sources the subnet's NACL lets in on that port, first match by rule number
  (:mod:`scanner.exposure.nacl`),
- the sources the NACL lets the reply go back to, on some client ephemeral port
  (``ephemeral``, default 1024-65535: ELB and NAT clients; Linux uses 32768-60999 and
  Windows 49152-65535, both inside it). A client picks its own port, so one allowed port
  is enough; the path says which client ports get replies;
- the union of the sources of the interface's security-group rules for that port,
- nothing at all where VPC Block Public Access blocks inbound internet traffic to the subnet
  (:mod:`scanner.exposure.bpa`),

provided the interface is attached and has an internet address in the family. Ports and
addresses are interval sets: the port space is cut only at the edges of the rules and
entries that apply, so one evaluation covers each piece.

Everything that depends only on the subnet and the set of groups (not the address) is
computed once per (subnet, groups, family) and shared by all interfaces that have them,
which is what makes 100k interfaces cheap.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from scanner.exposure import intervals as iv
from scanner.exposure import protocols as proto
from scanner.exposure.groups import Permission, permissions
from scanner.exposure.interfaces import addresses, attached, attachment
from scanner.exposure.model import Blocked, Exposure, ExposureReport, Family, Step
from scanner.exposure.nacl import Decision, Entry, decide, open_acl, parse_entries, port_edges
from scanner.exposure.routes import RouteVerdict, route_verdict
from scanner.exposure.world import RegionWorld
from scanner.snapshot import iter_regions, resources_of

EPHEMERAL: iv.Span = (1024, 65535)
REPLIES = " (the replies"

# What an internet gateway never delivers from the internet.
NOT_FROM_INTERNET = {
    4: ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"),
    6: ("fc00::/7",),
}
INTERNET: dict[int, iv.Ranges] = {
    family: iv.subtract(iv.ALL_ADDRESSES[family], iv.from_cidrs(cidrs, family))
    for family, cidrs in NOT_FROM_INTERNET.items()
}
FAMILIES: dict[int, Family] = {4: "ipv4", 6: "ipv6"}

ENI = "aws.eni"
SG = "aws.security-group"
ACL = "aws.network-acl"
RT = "aws.route-table"
IGW = "aws.internet-gateway"


@dataclass(frozen=True)
class Admission:
    """Sources admitted for one protocol and port piece, address-independent."""

    protocol: int
    ports: iv.Span | None
    sources: iv.Ranges
    steps: tuple[Step, ...]
    # For OTHER: the protocols evaluated on their own.
    excluded: tuple[str, ...] = ()


@dataclass(frozen=True)
class Reply:
    """Where replies of one protocol may go: addresses, and each allowing entry's share."""

    ranges: iv.Ranges
    entries: tuple[tuple[Entry, iv.Ranges, iv.Ranges], ...]  # (entry, addresses, client ports)


@dataclass
class _Path:
    """A subnet's shared half of the path, in one family."""

    subnet: str
    vpc: str
    family: int
    route: RouteVerdict | None
    igw: iv.Ranges
    acl_id: str
    inbound: list[Entry] | None  # None: no ACL known, everything passes
    outbound: list[Entry] | None
    replies: dict[int, Reply]
    # VPC Block Public Access: the step that drops every inbound connection, or the
    # exclusion that exempts the subnet (None, None: BPA is off).
    bpa_block: Step | None = None
    bpa_exclusion: Step | None = None


class RegionEngine:
    """The engine over one region; caches the shared parts of paths."""

    def __init__(
        self, world: RegionWorld, account: str, region: str, ephemeral: iv.Span = EPHEMERAL
    ):
        self.world = world
        self.account = account
        self.region = region
        self.ephemeral = ephemeral
        self._paths: dict[tuple[str, int], _Path] = {}
        self._admissions: dict[tuple[str, tuple[str, ...], int], list[Admission]] = {}
        self._blocked: dict[tuple[str, tuple[str, ...], int], list[tuple[Permission, Step]]] = {}
        self._perms: dict[tuple[str, int], list[Permission]] = {}

    # ---- the subnet's half ------------------------------------------------------------

    def path(self, subnet: str, vpc: str, family: int) -> _Path:
        key = (subnet, family)
        found = self._paths.get(key)
        if found is not None:
            return found
        choice = self.world.route_table(subnet, vpc)
        route = None
        igw: iv.Ranges = iv.EMPTY
        if choice is not None:
            route = route_verdict(choice.table, choice.explicit, family, vpc, self.world)
            igw = iv.intersect(route.igw_ranges, INTERNET[family])
        acl = self.world.network_acl(subnet, vpc)
        inbound = outbound = None
        if acl is not None:
            inbound = parse_entries(acl, egress=False, family=family)
            outbound = parse_entries(acl, egress=True, family=family)
        acl_id = str(acl.get("NetworkAclId", "")) if acl is not None else ""
        bpa_block, bpa_exclusion = self.world.bpa.inbound(subnet, vpc)
        found = _Path(
            subnet, vpc, family, route, igw, acl_id, inbound, outbound, {}, bpa_block, bpa_exclusion
        )
        self._paths[key] = found
        return found

    def reply(self, path: _Path, atom: int) -> Reply:
        """Where the NACL lets replies of ``atom`` go back to (some client port suffices)."""
        cached = path.replies.get(atom)
        if cached is not None:
            return cached
        if path.outbound is None:
            result = Reply(iv.ALL_ADDRESSES[path.family], ())
        else:
            pieces: list[iv.Span | None]
            if atom in proto.PORTED:
                pieces = list(iv.cuts(port_edges(path.outbound, atom), self.ephemeral))
            else:
                pieces = [None]
            allowed: list[iv.Span] = []
            shares: dict[int, tuple[Entry, list[iv.Span], list[iv.Span]]] = {}
            for piece in pieces:
                decision = decide(path.outbound, atom, piece, path.family)
                allowed.extend(decision.allowed)
                for entry, taken in decision.hits:
                    if entry.allow:
                        share = shares.setdefault(entry.number, (entry, [], []))
                        share[1].extend(taken)
                        if piece is not None:
                            share[2].append(piece)
            result = Reply(
                iv.normalise(allowed),
                tuple(
                    (entry, iv.normalise(spans), iv.normalise(ports))
                    for entry, spans, ports in (shares[n] for n in sorted(shares))
                ),
            )
        path.replies[atom] = result
        return result

    def inbound(self, path: _Path, atom: int, piece: iv.Span | None) -> Decision:
        if path.inbound is None:
            return open_acl(path.family)
        return decide(path.inbound, atom, piece, path.family)

    # ---- the groups' half -------------------------------------------------------------

    def group_permissions(self, group_ids: Sequence[str], family: int) -> list[Permission]:
        perms: list[Permission] = []
        for group_id in group_ids:
            key = (group_id, family)
            if key not in self._perms:
                group = self.world.groups.get(group_id)
                self._perms[key] = permissions(group, family, self.world) if group else []
            perms.extend(self._perms[key])
        return perms

    def pieces(
        self, path: _Path, perms: Sequence[Permission], atom: int, within: iv.Span | None = None
    ) -> list[iv.Span | None]:
        """The port pieces of ``atom`` on which every rule and entry is constant."""
        if atom not in proto.PORTED:
            return [None]
        edges = [p.ports for p in perms if p.ports is not None and proto.matches(p.protocol, atom)]
        if path.inbound is not None:
            edges += port_edges(path.inbound, atom)
        return list(iv.cuts([e for e in edges if e is not None], within or iv.ALL_PORTS[0]))

    def admissions(
        self, subnet: str, vpc: str, group_ids: tuple[str, ...], family: int
    ) -> list[Admission]:
        """Every protocol and port piece the internet reaches through this subnet and these
        groups, with the sources and the address-independent path."""
        key = (subnet, group_ids, family)
        cached = self._admissions.get(key)
        if cached is not None:
            return cached
        result: list[Admission] = []
        path = self.path(subnet, vpc, family)
        perms = self.group_permissions(group_ids, family)
        if path.igw and perms and path.bpa_block is None:
            result = self._admit(path, perms)
        self._admissions[key] = result
        return result

    def _admit(self, path: _Path, perms: list[Permission]) -> list[Admission]:
        mentioned = [p.protocol for p in perms]
        for entries in (path.inbound, path.outbound):
            mentioned += [e.protocol for e in entries or []]
        per_atom: dict[int, list[Admission]] = {}
        atoms = proto.atoms(mentioned, family=path.family)
        for atom in atoms:
            applying = [p for p in perms if proto.matches(p.protocol, atom)]
            if not applying:
                continue
            reply = self.reply(path, atom)
            base = iv.intersect(path.igw, reply.ranges)
            if not base:
                continue
            found: list[Admission] = []
            for piece in self.pieces(path, applying, atom):
                rules = [p for p in applying if p.applies(atom, piece)]
                if not rules:
                    continue
                decision = self.inbound(path, atom, piece)
                sources = iv.intersect(
                    iv.intersect(base, iv.union(*(p.ranges for p in rules))), decision.allowed
                )
                if sources:
                    steps = self._steps(path, reply, decision, rules, sources, atom)
                    found.append(Admission(atom, piece, sources, steps))
            if found:
                per_atom[atom] = _merge(found)
        return _coalesce(per_atom, atoms)

    def _steps(
        self,
        path: _Path,
        reply: Reply,
        decision: Decision,
        rules: Sequence[Permission],
        sources: iv.Ranges,
        atom: int,
    ) -> tuple[Step, ...]:
        steps: list[Step] = []
        assert path.route is not None
        claims = [c for c in path.route.claims if c.to_igw and iv.intersect(c.ranges, sources)]
        for gateway in sorted({c.target for c in claims}):
            steps.append(Step(IGW, gateway, f"attached to {path.vpc}"))
        if path.bpa_exclusion is not None:
            steps.append(path.bpa_exclusion)
        for claim in claims:
            detail = f"{claim.destination} -> {claim.target} ({path.route.how()})"
            steps.append(Step(RT, path.route.table_id, detail))
        if path.inbound is None:
            steps.append(Step(ACL, "", "network ACL not collected: assumed open"))
        else:
            for entry, taken in decision.hits:
                if entry.allow and iv.intersect(taken, sources):
                    steps.append(Step(ACL, path.acl_id, entry.describe()))
            for entry, taken, ports in reply.entries:
                if iv.intersect(taken, sources):
                    detail = entry.describe() + REPLIES
                    if ports:
                        detail += ", to client ports " + ", ".join(
                            iv.port_text(a, b) for a, b in ports
                        )
                    steps.append(Step(ACL, path.acl_id, detail + ")"))
        for rule in rules:
            if iv.intersect(rule.ranges, sources):
                steps.append(Step(SG, rule.group, rule.describe()))
        return tuple(steps)

    # ---- open rules whose path is cut -------------------------------------------------

    def blocked(
        self, subnet: str, vpc: str, group_ids: tuple[str, ...], family: int
    ) -> list[tuple[Permission, Step]]:
        """Every open rule (0.0.0.0/0, ::/0) of these groups that the subnet's path cuts,
        and the first component that cuts it, for an interface that has an address."""
        key = (subnet, group_ids, family)
        cached = self._blocked.get(key)
        if cached is not None:
            return cached
        path = self.path(subnet, vpc, family)
        result = []
        for perm in self.group_permissions(group_ids, family):
            if perm.open_cidr:
                cut = self._cut(path, perm)
                if cut is not None:
                    result.append((perm, cut))
        self._blocked[key] = result
        return result

    def _cut(self, path: _Path, perm: Permission) -> Step | None:
        sources = iv.intersect(INTERNET[path.family], perm.ranges)
        if path.route is None:
            return Step("aws.subnet", path.subnet, "no route table")
        reached = iv.intersect(sources, path.igw)
        if not reached:
            return Step(RT, path.route.table_id, _no_igw(path.route, sources, path.family))
        if path.bpa_block is not None:
            return path.bpa_block  # the gateway itself drops it, whatever the NACL says
        if perm.protocol == proto.ALL:
            mentioned = [e.protocol for e in (path.inbound or []) + (path.outbound or [])]
            atoms = proto.atoms(mentioned, family=path.family)
        else:
            atoms = [perm.protocol]
        let_in: iv.Ranges = iv.EMPTY
        denials: dict[int, tuple[Entry, int]] = {}
        replied: iv.Ranges = iv.EMPTY
        reply_denials: dict[int, tuple[Entry, int]] = {}
        for atom in atoms:
            atom_in: iv.Ranges = iv.EMPTY
            for piece in self.pieces(path, [perm], atom, within=perm.ports):
                decision = self.inbound(path, atom, piece)
                atom_in = iv.union(atom_in, iv.intersect(reached, decision.allowed))
                _tally(denials, decision, reached)
            let_in = iv.union(let_in, atom_in)
            reply = self.reply(path, atom)
            replied = iv.union(replied, iv.intersect(atom_in, reply.ranges))
            if atom_in and path.outbound is not None:
                for piece in _reply_pieces(path.outbound, atom, self.ephemeral):
                    _tally(reply_denials, decide(path.outbound, atom, piece, path.family), atom_in)
        if not let_in:
            return Step(ACL, path.acl_id, _denied(denials, "inbound", perm))
        if not replied:
            return Step(
                ACL, path.acl_id, "replies blocked: " + _denied(reply_denials, "outbound", perm)
            )
        return None

    # ---- interfaces --------------------------------------------------------------------

    def interface(self, eni: Mapping[str, Any]) -> tuple[list[Exposure], list[Blocked]]:
        eni_id = str(eni.get("NetworkInterfaceId", ""))
        subnet = str(eni.get("SubnetId") or "")
        vpc = str(eni.get("VpcId") or self.world.subnets.get(subnet, {}).get("VpcId") or "")
        group_ids = tuple(sorted({str(g.get("GroupId")) for g in eni.get("Groups", []) or []}))
        exposures: list[Exposure] = []
        blocked: list[Blocked] = []
        is_attached = attached(eni)
        owner = None
        for family in (4, 6):
            found = addresses(eni, family)
            open_rules = [p for p in self.group_permissions(group_ids, family) if p.open_cidr]
            if not is_attached or not found or not subnet:
                if open_rules:
                    why = (
                        "not attached to anything"
                        if not is_attached
                        else ("no public IPv4 address" if family == 4 else "no global IPv6 address")
                    )
                    cut = Step(ENI, eni_id, why)
                    blocked += [self._blocked_record(eni_id, p, family, cut) for p in open_rules]
                continue
            owner = owner or attachment(eni, self.world)
            for admission in self.admissions(subnet, vpc, group_ids, family):
                for address in found:
                    ports = admission.ports or (-1, -1)
                    exposures.append(
                        Exposure(
                            account=self.account,
                            region=self.region,
                            eni=eni_id,
                            attachment=owner,
                            address=address.public,
                            private_address=address.private,
                            vpc=vpc,
                            subnet=subnet,
                            family=FAMILIES[family],
                            protocol=proto.name(admission.protocol),
                            from_port=ports[0],
                            to_port=ports[1],
                            sources=tuple(iv.to_cidrs(admission.sources, family)),
                            path=(*admission.steps, Step(ENI, eni_id, address.detail)),
                            except_protocols=admission.excluded,
                        )
                    )
            for perm, cut in self.blocked(subnet, vpc, group_ids, family):
                blocked.append(self._blocked_record(eni_id, perm, family, cut))
        return exposures, blocked

    def _blocked_record(self, eni_id: str, perm: Permission, family: int, cut: Step) -> Blocked:
        return Blocked(
            account=self.account,
            region=self.region,
            security_group=perm.group,
            eni=eni_id,
            family=FAMILIES[family],
            protocol=proto.name(perm.protocol),
            from_port=perm.from_port,
            to_port=perm.to_port,
            blocked_by=cut,
        )


def _reply_pieces(entries: Sequence[Entry], atom: int, ephemeral: iv.Span) -> list[iv.Span | None]:
    if atom not in proto.PORTED:
        return [None]
    return list(iv.cuts(port_edges(entries, atom), ephemeral))


def _tally(denials: dict[int, tuple[Entry, int]], decision: Decision, within: iv.Ranges) -> None:
    """Count, per deny entry, how many of ``within`` it denied (to name the main culprit)."""
    for entry, taken in decision.hits:
        if not entry.allow:
            count = iv.size(iv.intersect(taken, within))
            if count:
                previous = denials.get(entry.number, (entry, 0))[1]
                denials[entry.number] = (entry, previous + count)


def _denied(denials: Mapping[int, tuple[Entry, int]], direction: str, perm: Permission) -> str:
    if denials:
        entry, _ = max(denials.values(), key=lambda item: (item[1], -item[0].number))
        return entry.describe()
    return f"no {direction} entry allows {perm.traffic_text()} (implicit deny)"


def _no_igw(route: RouteVerdict, sources: iv.Ranges, family: int) -> str:
    best = None
    for claim in route.claims:
        share = iv.size(iv.intersect(claim.ranges, sources))
        if share and (best is None or share > best[0]):
            best = (share, claim)
    if best is None:
        default = "0.0.0.0/0" if family == 4 else "::/0"
        return f"no route for {default}: no route to an internet gateway"
    claim = best[1]
    return f"{claim.destination} -> {claim.why}: no route to an internet gateway"


def _merge(found: list[Admission]) -> list[Admission]:
    """Join adjacent port pieces that admit the same sources by the same path."""
    merged: list[Admission] = []
    for item in found:
        last = merged[-1] if merged else None
        if (
            last is not None
            and last.ports is not None
            and item.ports is not None
            and last.ports[1] + 1 == item.ports[0]
            and last.sources == item.sources
            and last.steps == item.steps
        ):
            merged[-1] = Admission(
                item.protocol, (last.ports[0], item.ports[1]), item.sources, item.steps
            )
        else:
            merged.append(item)
    return merged


def _coalesce(per_atom: Mapping[int, list[Admission]], atoms: Iterable[int]) -> list[Admission]:
    """One ``all`` record when every protocol is admitted on every port from the same
    sources by the same path; else one list per protocol (OTHER is named ``all``)."""
    atoms = list(atoms)
    singles = [per_atom.get(atom, []) for atom in atoms]
    if all(len(s) == 1 for s in singles):
        first = singles[0][0]
        if all(
            s[0].sources == first.sources
            and _same_components(s[0].steps, first.steps)
            and (s[0].ports is None or s[0].ports == iv.ALL_PORTS[0])
            for s in singles
        ):
            return [Admission(proto.ALL, None, first.sources, first.steps)]
    excluded = tuple(
        sorted((proto.name(a) for a in atoms if a != proto.OTHER), key=_protocol_order)
    )
    result = []
    for atom in atoms:
        for admission in per_atom.get(atom, []):
            if atom == proto.OTHER:
                admission = dataclasses.replace(admission, excluded=excluded)
            result.append(admission)
    return result


def _same_components(a: Sequence[Step], b: Sequence[Step]) -> bool:
    """The same components, ignoring which client ports the replies go to (TCP and UDP
    name them, other protocols have none)."""

    def key(steps: Sequence[Step]) -> list[tuple[str, str, str]]:
        return [(s.type, s.id, s.detail.split(REPLIES)[0]) for s in steps]

    return key(a) == key(b)


def analyse_region(
    resources: Mapping[str, Sequence[Mapping[str, Any]]],
    account: str,
    region: str,
    ephemeral: iv.Span = EPHEMERAL,
) -> ExposureReport:
    """Exposures and blocked open rules of one region's raw items."""
    engine = RegionEngine(RegionWorld.build(resources), account, region, ephemeral)
    exposures: list[Exposure] = []
    blocked: list[Blocked] = []
    for eni in resources.get("aws.eni", []):
        found, cut = engine.interface(eni)
        exposures += found
        blocked += cut
    return ExposureReport(
        tuple(sorted(exposures, key=exposure_key)), tuple(sorted(blocked, key=blocked_key))
    )


def analyse(snapshot: Mapping[str, Any], ephemeral: iv.Span = EPHEMERAL) -> ExposureReport:
    """Exposures and blocked open rules of a whole snapshot, in a deterministic order."""
    exposures: list[Exposure] = []
    blocked: list[Blocked] = []
    for account, region, data in iter_regions(snapshot):
        report = analyse_region(resources_of(data), account, region, ephemeral)
        exposures += report.exposures
        blocked += report.blocked
    return ExposureReport(tuple(exposures), tuple(blocked))


def exposure_key(e: Exposure) -> tuple[Any, ...]:
    return (
        e.account,
        e.region,
        e.eni,
        e.family,
        e.address,
        _protocol_order(e.protocol),
        e.from_port,
        e.to_port,
    )


def blocked_key(b: Blocked) -> tuple[Any, ...]:
    return (
        b.account,
        b.region,
        b.eni,
        b.security_group,
        b.family,
        _protocol_order(b.protocol),
        b.from_port,
        b.to_port,
        b.blocked_by.detail,
    )


def _protocol_order(name: str) -> tuple[int, str]:
    order = {"tcp": 0, "udp": 1, "icmp": 2, "icmpv6": 3}
    if name in order:
        return order[name], name
    if name == "all":
        return 9, name
    return 5, name.zfill(3)
