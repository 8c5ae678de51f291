"""What a change to baselines/ does, located at the changed lines of the proposed files (pure)."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from scanner.baseline.store import RegionBaseline, RegionKey
from scanner.drift.changes import Change
from scanner.drift.engine import Delta, diff_region
from scanner.model import Location


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
