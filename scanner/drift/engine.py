"""The drift engine: live state (projected) against the baseline, resource by resource.

Pure: takes projected resources and parsed baselines, returns deltas. A resource is matched
by its id, or by its natural key where AWS re-creates the same thing under a new id (flow
logs). Only types that were actually read are compared: a coverage gap is not a removal.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from scanner.baseline.projection import projection_of
from scanner.baseline.store import RegionBaseline, RegionKey, TypeResources
from scanner.drift.changes import Change, diff_fields
from scanner.drift.severity import drift_severity
from scanner.model import Location, Severity


@dataclass(frozen=True)
class Delta:
    """One changed resource (docs/contract.md's DELTA)."""

    account: str
    region: str
    resource_type: str
    resource_id: str
    change: str  # added | removed | modified
    severity: Severity
    changes: tuple[Change, ...]
    location: Location
    before: Mapping[str, Any] | None = None  # baseline fields (None when added)
    after: Mapping[str, Any] | None = None  # live fields (None when removed)
    baseline_id: str | None = None  # the id the baseline knows it by, when different

    def to_dict(self) -> dict[str, Any]:
        return {
            "account": self.account,
            "region": self.region,
            "resource_type": self.resource_type,
            "resource_id": self.resource_id,
            "change": self.change,
            "severity": self.severity,
            "changes": [c.to_dict() for c in self.changes],
            "location": self.location.to_dict(),
        }

    def sort_key(self) -> tuple[str, ...]:
        return (self.account, self.region, self.resource_type, self.resource_id)


def _match(
    rtype: str, baseline: Mapping[str, Any], live: Mapping[str, Any]
) -> list[tuple[str | None, str | None]]:
    """Pairs of (baseline id, live id); None on one side for a removal or an addition."""
    natural = projection_of(rtype).natural_key
    if natural is None:
        ids = sorted(baseline.keys() | live.keys())
        return [(i if i in baseline else None, i if i in live else None) for i in ids]
    old_by_key = {natural(fields): rid for rid, fields in sorted(baseline.items())}
    new_by_key = {natural(fields): rid for rid, fields in sorted(live.items())}
    return [
        (old_by_key.get(k), new_by_key.get(k))
        for k in sorted(old_by_key.keys() | new_by_key.keys())
    ]


def _as_old_as(
    before: Mapping[str, Any], after: Mapping[str, Any], later: frozenset[str]
) -> Mapping[str, Any]:
    """``after`` without the fields the baseline entry predates (a projection grew them
    after it was written): their first appearance is not a change."""
    missing = [key for key in later if key in after and key not in before]
    if not missing:
        return after
    return {k: v for k, v in after.items() if k not in missing}


def diff_region(
    account: str, region: str, baseline: RegionBaseline, live: TypeResources
) -> list[Delta]:
    """Deltas for one (account, region); only the types present in ``live`` are compared."""
    deltas = []
    for rtype in sorted(live):
        old_side = baseline.resources.get(rtype, {})
        new_side = live[rtype]
        projection = projection_of(rtype)
        keyed = projection.keyed_lists
        for old_id, new_id in _match(rtype, old_side, new_side):
            before = old_side.get(old_id) if old_id else None
            after = new_side.get(new_id) if new_id else None
            if before is not None and before is after:
                continue  # the baseline entry was read as the live resource itself: unchanged
            if before is not None and after is not None:
                compared = _as_old_as(before, after, projection.later_fields)
                changes = tuple(diff_fields(before, compared, keyed))
                if not changes:
                    continue
                kind = "modified"
            else:
                changes = ()
                kind = "added" if before is None else "removed"
            rid = new_id or old_id or ""
            deltas.append(
                Delta(
                    account=account,
                    region=region,
                    resource_type=rtype,
                    resource_id=rid,
                    change=kind,
                    severity=drift_severity(rtype, kind, changes, before, after),
                    changes=changes,
                    location=baseline.locate(rtype, old_id),
                    before=before,
                    after=after,
                    baseline_id=old_id if old_id and old_id != rid else None,
                )
            )
    return deltas


def diff(
    live: Mapping[RegionKey, TypeResources],
    baselines: Mapping[RegionKey, RegionBaseline],
    baseline_path_for: Any,
) -> list[Delta]:
    """Drift across every (account, region) that was collected.

    A region with no baseline file is compared with an empty one (everything in it is new),
    located at the path its baseline would have.
    """
    deltas: list[Delta] = []
    # A mapping that can read a region's file against its live state does (store.BaselineDir).
    against = getattr(baselines, "get_against", None)
    for account, region in sorted(live):
        key = (account, region)
        found = against(key, live[key]) if against is not None else baselines.get(key)
        baseline = found or RegionBaseline(
            account, region, str(baseline_path_for(account, region)), {}
        )
        deltas.extend(diff_region(account, region, baseline, live[(account, region)]))
    return sorted(deltas, key=Delta.sort_key)
