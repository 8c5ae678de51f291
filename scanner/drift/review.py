"""What a change to baselines/ does, located at the changed lines of the proposed files (pure)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

from scanner.baseline.store import RegionBaseline, RegionKey
from scanner.drift.changes import Change
from scanner.drift.engine import Delta, diff_region
from scanner.model import Finding, Location


def _element_line(new: RegionBaseline, delta: Delta, change: Change) -> int | None:
    base = ("resources", delta.resource_type, delta.resource_id)
    if change.element and change.change != "removed":
        items = (delta.after or {}).get(str(change.path[0]), [])
        if isinstance(items, list) and change.new in items:
            return new.lines.get((*base, *change.path, items.index(change.new)))
    return new.lines.get((*base, *change.path))


def _relocate(new: RegionBaseline, delta: Delta) -> Location:
    """The line in the proposed file that a reviewer should look at for this delta."""
    if delta.change == "removed":
        return new.locate(delta.resource_type)
    for change in delta.changes:
        line = _element_line(new, delta, change)
        if line:
            return Location(new.path, line)
    return new.locate(delta.resource_type, delta.resource_id)


def review_deltas(
    old: Mapping[RegionKey, RegionBaseline],
    new: Mapping[RegionKey, RegionBaseline],
    path_for: Any,
) -> list[Delta]:
    """Deltas from the base revision's baselines to the proposed ones."""
    deltas: list[Delta] = []
    for key in sorted(old.keys() | new.keys()):
        account, region = key
        proposed = new.get(key) or RegionBaseline(
            account, region, str(path_for(account, region)), {}
        )
        before = old.get(key) or RegionBaseline(account, region, proposed.path, {})
        types = before.resources.keys() | proposed.resources.keys()
        live = {rtype: proposed.resources.get(rtype, {}) for rtype in types}
        for delta in diff_region(account, region, before, live):
            deltas.append(dataclasses.replace(delta, location=_relocate(proposed, delta)))
    return deltas


def introduced_policy_findings(
    old: Mapping[RegionKey, RegionBaseline],
    new: Mapping[RegionKey, RegionBaseline],
    pack: Any,
    deltas: Sequence[Delta] = (),
) -> list[Finding]:
    """Policy findings the proposed baseline has and the base revision's did not, located
    at the changed line of the resource's delta (GitHub annotates only changed lines of a
    pull request), else at the resource's entry in the proposed file."""
    changed = {(d.account, d.region, d.resource_type, d.resource_id): d.location for d in deltas}
    from scanner.baseline.unproject import snapshot_of
    from scanner.policy.evaluate import evaluate

    before = {f.fingerprint for f in evaluate(snapshot_of(old), pack)}
    introduced = []
    for finding in evaluate(snapshot_of(new), pack):
        if finding.fingerprint in before:
            continue
        key = (finding.account, finding.region, finding.resource_type, finding.resource_id)
        proposed = new.get((finding.account, finding.region))
        if key in changed:
            finding = dataclasses.replace(finding, location=changed[key])
        elif proposed is not None:
            where = proposed.locate(finding.resource_type, finding.resource_id)
            finding = dataclasses.replace(finding, location=where)
        introduced.append(finding)
    return introduced
