"""``baseline accept``: reviewed drift folded into the baseline, touching only the accepted
resources (no click, no printing)."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any

from scanner.baseline import store
from scanner.drift.against import compute_drift
from scanner.drift.engine import Delta
from scanner.errors import InputError


def fold_in(
    baselines: Mapping[tuple[str, str], store.RegionBaseline], deltas: list[Delta]
) -> dict[tuple[str, str], store.TypeResources]:
    """The baseline resources of each touched region with the given deltas accepted (pure)."""
    touched: dict[tuple[str, str], store.TypeResources] = {}
    for delta in deltas:
        key = (delta.account, delta.region)
        if key not in touched:
            current = baselines.get(key)
            touched[key] = {t: dict(r) for t, r in (current.resources if current else {}).items()}
        section = touched[key].setdefault(delta.resource_type, {})
        section.pop(delta.baseline_id or delta.resource_id, None)
        if delta.after is not None:
            section[delta.resource_id] = dict(delta.after)
    return touched


def accept(
    snapshot: Mapping[str, Any], baseline_dir: str, resources: Collection[str] | None
) -> tuple[list[Delta], list[Path]]:
    """Accept the drift of ``resources`` (live or baseline ids; None: all of it) into the
    baseline files: the accepted deltas and the files rewritten. An id with no drift is an
    InputError, and then nothing is written."""
    baselines = store.load_dir(baseline_dir)
    deltas = compute_drift(snapshot, baseline_dir, baselines)
    if resources is not None:
        wanted = set(resources)
        known = {d.resource_id for d in deltas} | {d.baseline_id for d in deltas if d.baseline_id}
        missing = sorted(wanted - known)
        if missing:
            raise InputError(f"no drift for resource {missing[0]!r}; nothing to accept")
        deltas = [d for d in deltas if d.resource_id in wanted or d.baseline_id in wanted]
    touched = fold_in(baselines, deltas)
    return deltas, [Path(p) for p in store.write_all(baseline_dir, sorted(touched.items()))]
