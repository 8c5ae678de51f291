"""Drift of a snapshot against the baseline files of a directory: the one place that joins
the projection, the baseline files and the pure engine."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scanner.baseline import store
from scanner.drift.engine import Delta, diff
from scanner.errors import InputError


def no_baseline_error(baseline_dir: str) -> InputError:
    """What a command that needs a baseline says when there is none."""
    return InputError(
        f"no baseline in {baseline_dir}/: create one with `netwarden baseline create`"
    )


def compute_drift(
    snapshot: Mapping[str, Any],
    baseline_dir: str,
    baselines: Mapping[store.RegionKey, store.RegionBaseline] | None = None,
) -> list[Delta]:
    """Drift of the snapshot against the baseline (already loaded, or read from its dir one
    region at a time); no baseline at all is an InputError."""
    if baselines is None:
        baselines = store.BaselineDir(baseline_dir)
    if not baselines:
        raise no_baseline_error(baseline_dir)
    live = store.project_snapshot(snapshot)
    return diff(live, baselines, lambda a, r: store.baseline_path(baseline_dir, a, r))
