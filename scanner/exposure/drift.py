"""Exposure drift: which changes make something reachable from the internet that was not.

The world before the changes is the live one with each drifted resource put back as the
baseline has it (:func:`revert`): unchanged resources keep everything the snapshot knows
(prefix-list entries, IPv6 addresses, attachments), which the baseline does not record. Its
exposures are compared with the live ones (:func:`new_exposures`: by interface, address,
protocol, port piece and source range). Each new exposure is credited to the changes that
cause it: those whose revert alone takes it away, else (several changes each enough) those on
its path. Their drift findings become critical, carry the new exposures and paths, and say
"this change makes i-0abc (web-1) reachable from the internet on tcp/22".

``review`` does the same between the base revision's baseline and the proposed one.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from scanner import resources as catalog
from scanner.exposure import intervals as iv
from scanner.exposure.engine import analyse_region
from scanner.exposure.model import Exposure, ExposureReport
from scanner.exposure.verdicts import traffic_text
from scanner.model import Finding
from scanner.snapshot import region_data, resources_of
from scanner.textsafe import one_line

if TYPE_CHECKING:
    from scanner.drift.engine import Delta

Item = Mapping[str, Any]
Resources = Mapping[str, Sequence[Item]]
MAX_RECORDS = 10
MAX_PATHS = 5
# Reverting more changes than this one by one would cost a region analysis each: past it,
# new exposures are credited to the changes on their path.
MAX_COUNTERFACTUALS = 200
# The types whose changes move a public address (the catalog's exposure role "address").
ADDRESS_TYPES = catalog.with_exposure_role("address")


# ---- the world before -------------------------------------------------------------------


def _owned(rtype: str, rid: str, fields: Mapping[str, Any] | None, account: str) -> Item | None:
    entry = catalog.get(rtype)
    if entry.unproject is None or fields is None:
        return None
    return {**entry.unproject(rid, fields, account), entry.id_key: rid}


def _reverted_item(delta: Delta, live: Item) -> Item | None:
    """The live item with what the projection keeps put back as the baseline has it (fields
    the projection does not keep stay live)."""
    rid = delta.baseline_id or delta.resource_id
    before = _owned(delta.resource_type, rid, delta.before, delta.account)
    after = _owned(delta.resource_type, delta.resource_id, delta.after, delta.account)
    if before is None or after is None:
        return before
    out = dict(live)
    for key in before.keys() | after.keys():
        if before.get(key) == after.get(key):
            continue  # the baseline says nothing new about it: keep the live value
        if key in before:
            out[key] = before[key]
        else:
            out.pop(key, None)
    if delta.resource_type == "aws.eni" and before.get("Association") != after.get("Association"):
        # The live per-address associations repeat the public address the baseline lacks.
        gone = (after.get("Association") or {}).get("PublicIp")
        out["PrivateIpAddresses"] = [
            {k: v for k, v in p.items() if k != "Association"}
            if (p.get("Association") or {}).get("PublicIp") == gone
            else p
            for p in live.get("PrivateIpAddresses", []) or []
        ]
    return out


def revert(resources: Resources, deltas: Iterable[Delta]) -> dict[str, list[Item]]:
    """One region's items with ``deltas`` undone: an added resource gone, a removed one back
    from the baseline, a modified one as the baseline has it."""
    out = {rtype: list(items) for rtype, items in resources.items()}
    # Each type's ids beside its items, kept in step with them: the first item with a
    # delta's id is found by list.index (the same == test, in C) instead of a generator over
    # the items per delta (a region has hundreds of groups and interfaces, and each of its
    # deltas searched them).
    ids: dict[str, list[Any]] = {}
    for delta in deltas:
        rtype = delta.resource_type
        try:
            key = catalog.get(rtype).id_key
        except KeyError:
            continue
        items = out.setdefault(rtype, [])
        if rtype not in ids:
            ids[rtype] = [it.get(key) for it in items]
        known = ids[rtype]
        try:
            where: int | None = known.index(delta.resource_id)
        except ValueError:
            where = None
        if delta.change == "added":
            if where is not None:
                del items[where]
                del known[where]
        elif delta.change == "removed":
            restored = _owned(
                rtype, delta.baseline_id or delta.resource_id, delta.before, delta.account
            )
            if restored is not None:
                items.append(restored)
                known.append(restored.get(key))
        elif where is not None:
            reverted = _reverted_item(delta, items[where])
            if reverted is not None:
                items[where] = reverted
                known[where] = reverted.get(key)
    return out


# ---- which interfaces a change can touch --------------------------------------------------

# What the engine reads (the catalog's exposure roles): a change of any other type leaves
# every interface's exposure as it was.
READ_TYPES = catalog.with_exposure_role("endpoint", "path", "owner")
ENI = "aws.eni"


def _vpc_of(eni: Item, subnets: Mapping[str, Item]) -> str:
    subnet = str(eni.get("SubnetId") or "")
    return str(eni.get("VpcId") or subnets.get(subnet, {}).get("VpcId") or "")


def _touched(
    deltas: Iterable[Delta], worlds: Sequence[Resources]
) -> tuple[set[str], set[str], set[str], set[str]] | None:
    """(interfaces, groups, subnets, VPCs) whose interfaces the deltas can change the
    exposure of, read from the raw items on both sides; None: possibly every interface
    (a prefix list, BPA, or an item this cannot place)."""
    enis: set[str] = set()
    groups: set[str] = set()
    subnets: set[str] = set()
    vpcs: set[str] = set()
    for delta in deltas:
        rtype = delta.resource_type
        if rtype not in READ_TYPES:
            continue
        if rtype == ENI:
            enis.update(filter(None, (delta.resource_id, delta.baseline_id)))
            continue
        if rtype == "aws.security-group":
            groups.update(filter(None, (delta.resource_id, delta.baseline_id)))
            continue
        key = catalog.get(rtype).id_key
        ids = {delta.resource_id, delta.baseline_id}
        items = [i for world in worlds for i in world.get(rtype, []) if i.get(key) in ids]
        if rtype == "aws.subnet":
            subnets.update(filter(None, ids))
        elif rtype in ("aws.route-table", "aws.network-acl", "aws.nat-gateway", "aws.vpc"):
            # A table or ACL governs subnets of its own VPC only (main/default included).
            found = {str(i.get("VpcId") or "") for i in items}
            if not items or "" in found:
                return None
            vpcs.update(found)
        elif rtype == "aws.internet-gateway":
            vpcs.update(str(a.get("VpcId")) for i in items for a in i.get("Attachments", []) or [])
        else:
            return None  # prefix lists, BPA: any interface of the region
    return enis, groups, subnets, vpcs


def affected_enis(deltas: Sequence[Delta], worlds: Sequence[Resources]) -> set[str] | None:
    """The interfaces whose exposure the deltas can change (an interface outside reads the
    same items before and after, so its exposures are the same); None: all of them."""
    # A type read on one side only (a section gone from a proposed baseline, a type that
    # could not be collected) changes how the engine reads every interface.
    if any(len({rtype in world for world in worlds}) > 1 for rtype in READ_TYPES):
        return None
    touched = _touched(deltas, worlds)
    if touched is None:
        return None
    enis, groups, subnets, vpcs = touched
    found = set(enis)
    for world in worlds:
        known = {str(s.get("SubnetId")): s for s in world.get("aws.subnet", [])}
        for eni in world.get(ENI, []):
            if (
                str(eni.get("SubnetId") or "") in subnets
                or _vpc_of(eni, known) in vpcs
                or any(str(g.get("GroupId")) in groups for g in eni.get("Groups", []) or [])
            ):
                found.add(str(eni.get("NetworkInterfaceId")))
    return found


def _only(resources: Resources, enis: set[str] | None) -> Resources:
    if enis is None:
        return resources
    return {
        **resources,
        ENI: [i for i in resources.get(ENI, []) if i.get("NetworkInterfaceId") in enis],
    }


# ---- what is new ------------------------------------------------------------------------


def _key(e: Exposure) -> tuple[str, ...]:
    return (e.account, e.region, e.eni, e.address, e.family)


def _ranges(e: Exposure) -> iv.Ranges:
    return iv.from_cidrs(e.sources, 4 if e.family == "ipv4" else 6)


def _covers(before: Exposure, after: Exposure) -> bool:
    """Is ``before`` about traffic of ``after``'s protocol (ports aside)?"""
    if after.protocol == "all":
        return before.protocol == "all" and set(before.except_protocols) <= set(
            after.except_protocols
        )
    return before.covers_protocol(after.protocol)


def new_exposures(before: Iterable[Exposure], after: Iterable[Exposure]) -> list[Exposure]:
    """What ``after`` exposes that ``before`` did not: each record cut to the port pieces
    and the sources that are new."""
    earlier: dict[tuple[str, ...], list[Exposure]] = defaultdict(list)
    for record in before:
        earlier[_key(record)].append(record)
    found = []
    for record in after:
        candidates = [b for b in earlier.get(_key(record), []) if _covers(b, record)]
        if record.from_port < 0:
            pieces: list[tuple[int, int]] = [(-1, -1)]
        else:
            edges = [
                (max(b.from_port, record.from_port), min(b.to_port, record.to_port))
                for b in candidates
                if b.from_port >= 0
            ]
            pieces = iv.cuts([e for e in edges if e[0] <= e[1]], (record.from_port, record.to_port))
        sources = _ranges(record)
        fresh: list[tuple[tuple[int, int], iv.Ranges]] = []
        for piece in pieces:
            covering = [_ranges(b) for b in candidates if piece[0] < 0 or b.covers_port(piece[0])]
            new = iv.subtract(sources, iv.union(*covering)) if covering else sources
            if not new:
                continue
            if fresh and fresh[-1][1] == new and fresh[-1][0][1] + 1 == piece[0]:
                fresh[-1] = ((fresh[-1][0][0], piece[1]), new)
            else:
                fresh.append((piece, new))
        family = 4 if record.family == "ipv4" else 6
        for (low, high), new in fresh:
            found.append(
                dataclasses.replace(
                    record, from_port=low, to_port=high, sources=tuple(iv.to_cidrs(new, family))
                )
            )
    return found


# ---- who did it ---------------------------------------------------------------------------


def _on_path(delta: Delta, exposure: Exposure) -> bool:
    ids = {step.id for step in exposure.path} | {exposure.eni, exposure.subnet, exposure.vpc}
    if delta.resource_id in ids:
        return True
    if delta.resource_type in ADDRESS_TYPES:
        fields = delta.after or {}
        return exposure.address == fields.get("PublicIp") or exposure.eni == fields.get(
            "NetworkInterfaceId"
        )
    return False


def credit(
    fresh: Sequence[Exposure],
    deltas: Sequence[Delta],
    live: Resources,
    account: str,
    region: str,
) -> dict[int, list[Exposure]]:
    """Index of each delta in ``deltas`` -> the new exposures it causes (one region)."""
    credited: dict[int, list[Exposure]] = defaultdict(list)
    if not fresh:
        return credited
    enis = {e.eni for e in fresh}
    only = {
        **live,
        "aws.eni": [i for i in live.get("aws.eni", []) if i.get("NetworkInterfaceId") in enis],
    }
    gone: dict[int, set[int]] = {}
    if len(deltas) <= MAX_COUNTERFACTUALS:
        for index, delta in enumerate(deltas):
            without = analyse_region(revert(only, [delta]), account, region).exposures
            # Undoing this change alone takes (some of) the exposure away: it is a cause.
            gone[index] = {n for n, e in enumerate(fresh) if new_exposures(without, [e])}
    for number, exposure in enumerate(fresh):
        causes = [i for i, taken in gone.items() if number in taken]
        if not causes:
            causes = [i for i, d in enumerate(deltas) if _on_path(d, exposure)]
        for index in causes:
            credited[index].append(exposure)
    return credited


# ---- the findings ---------------------------------------------------------------------------


def who(exposure: Exposure) -> str:
    """``i-0abc (web-1)``: what a person recognises."""
    name = one_line(exposure.attachment.name, 60)
    return f"{exposure.attachment.id} ({name})" if name else exposure.attachment.id


def sentence(exposures: Sequence[Exposure]) -> str:
    """ "This change makes i-0abc (web-1) reachable from the internet on tcp/22."."""
    by_thing: dict[str, list[str]] = {}
    for e in exposures:
        ports = by_thing.setdefault(who(e), [])
        if traffic_text(e) not in ports:
            ports.append(traffic_text(e))
    parts = [
        f"{thing} reachable from the internet on {', '.join(p)}" for thing, p in by_thing.items()
    ]
    shown = "; ".join(parts[:3]) + (f"; +{len(parts) - 3} more" if len(parts) > 3 else "")
    return f"This change makes {shown}."


def exposure_field(exposures: Sequence[Exposure]) -> dict[str, Any]:
    return {
        "reachable": True,
        "enis": sorted({e.eni for e in exposures}),
        "blocked_by": "",
        "new": [e.to_dict() for e in exposures[:MAX_RECORDS]],
        "paths": [[s.to_dict() for s in e.path] for e in exposures[:MAX_PATHS]],
    }


def mark(finding: Finding, exposures: Sequence[Exposure]) -> Finding:
    """A drift finding that creates these exposures: critical, with them and the sentence."""
    message = f"{finding.message.rstrip('.')}. {sentence(exposures)}"
    return dataclasses.replace(
        finding, severity="critical", message=message, exposure=exposure_field(exposures)
    )


def exposure_drift(
    findings: Sequence[Finding],
    deltas: Sequence[Delta],
    before: Mapping[str, Any],
    after: Mapping[str, Any],
    analysed: ExposureReport | None = None,
    narrow: bool = True,
) -> list[Finding]:
    """``findings`` with each drift finding whose delta creates a new internet exposure
    marked. ``before`` and ``after`` are snapshots; each region of ``before`` is taken as it
    is (``review``: the base baseline) or, when it is the same object as ``after``, is the
    live region with the deltas reverted (``scan``). ``analysed``: the exposures of the whole
    of ``after`` when the caller already has them (``scan`` computed them for its report),
    so each drifted region is analysed once, as it was before the changes. ``narrow``: only
    the interfaces a change can touch are analysed (False: all, to check that it agrees)."""
    by_region: dict[tuple[str, str], list[Delta]] = defaultdict(list)
    for delta in deltas:
        by_region[(delta.account, delta.region)].append(delta)
    known: dict[tuple[str, str], list[Exposure]] | None = None
    if analysed is not None:
        known = defaultdict(list)
        for record in analysed.exposures:
            known[(record.account, record.region)].append(record)
    marks: dict[tuple[str, str, str, str, str], list[Exposure]] = {}
    for (account, region), mine in sorted(by_region.items()):
        live = _resources(after, account, region)
        if not live:
            continue
        earlier = revert(live, mine) if before is after else _resources(before, account, region)
        # Only the interfaces a change can touch are analysed (both sides): every other one
        # has the same exposures before and after, so nothing new.
        touched = affected_enis(mine, (earlier, live)) if narrow else None
        now = (
            [e for e in known.get((account, region), []) if touched is None or e.eni in touched]
            if known is not None
            else analyse_region(_only(live, touched), account, region).exposures
        )
        then = analyse_region(_only(earlier, touched), account, region).exposures
        fresh = new_exposures(then, now)
        for index, exposures in credit(fresh, mine, live, account, region).items():
            d = mine[index]
            marks[(d.account, d.region, d.resource_type, d.resource_id, d.change)] = exposures
    if not marks:
        return list(findings)
    out = []
    for finding in findings:
        key = (
            finding.account,
            finding.region,
            finding.resource_type,
            finding.resource_id,
            finding.rule_id.removeprefix("drift/"),
        )
        found = marks.get(key) if finding.kind == "drift" else None
        out.append(mark(finding, found) if found else finding)
    return out


def _resources(snapshot: Mapping[str, Any], account: str, region: str) -> Resources:
    found: Resources = resources_of(region_data(snapshot, account, region))
    return found
