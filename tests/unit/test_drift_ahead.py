"""Drift computed region by region during collection (scanner.pipeline.DriftAhead) is the
drift ``compute_drift`` finds over the whole snapshot, or nothing at all."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from scanner.baseline import store
from scanner.drift.against import compute_drift
from scanner.pipeline import DriftAhead, ScanRequest
from scanner.snapshot import iter_regions
from tests.unit.policy.snapshots import ACCOUNT, perm, sg, snapshot

OTHER = "eu-west-1"


def _world() -> dict[str, Any]:
    groups = [sg(f"sg-{n}", [perm("tcp", 22 + n, v4=("10.0.0.0/8",))]) for n in range(6)]
    return snapshot(
        {"aws.security-group": groups}, extra={(ACCOUNT, OTHER): {"aws.security-group": groups}}
    )


def _drifted(world: dict[str, Any]) -> dict[str, Any]:
    """The world with a group gone, one added and one changed, in both regions."""
    live = copy.deepcopy(world)
    for _, _, data in iter_regions(live):
        groups = data["resources"]["aws.security-group"]
        del groups[0]
        groups[1]["IpPermissions"] = []
        groups.append(sg("sg-new", [perm("tcp", 3389, v4=("0.0.0.0/0",))]))
    return live


def _request(tmp_path: Path) -> ScanRequest:
    return ScanRequest(snapshot=None, baseline_dir=str(tmp_path / "baselines"), processes=1)


def test_region_by_region_is_the_drift_of_the_whole_snapshot(tmp_path: Path) -> None:
    world = _world()
    store.write_all(tmp_path / "baselines", sorted(store.project_snapshot(world).items()))
    live = _drifted(world)
    ahead = DriftAhead(_request(tmp_path))
    regions = []
    for account, region, data in reversed(list(iter_regions(live))):  # any order of arrival
        ahead.region_done(account, region, data)
        regions.append((account, region))
    whole = compute_drift(live, str(tmp_path / "baselines"))
    assert len(whole) == 6
    assert ahead.deltas_for(regions) == whole
    # Only the exact regions compared: one missing or one more is no answer.
    assert ahead.deltas_for(regions[:1]) is None
    assert ahead.deltas_for([*regions, (ACCOUNT, "us-west-2")]) is None


def test_a_region_without_a_baseline_file_is_not_computed(tmp_path: Path) -> None:
    world = _world()
    only_first = {k: v for k, v in store.project_snapshot(world).items() if k[1] != OTHER}
    store.write_all(tmp_path / "baselines", sorted(only_first.items()))
    ahead = DriftAhead(_request(tmp_path))
    for account, region, data in iter_regions(_drifted(world)):
        ahead.region_done(account, region, data)
    assert set(ahead.deltas) == set(only_first)


def test_anything_unexpected_drops_the_speculation(tmp_path: Path) -> None:
    (tmp_path / "baselines").mkdir()
    (tmp_path / "baselines" / "stray.yaml").write_text("account: x\n")  # find_baseline's error
    ahead = DriftAhead(_request(tmp_path))
    for account, region, data in iter_regions(_world()):
        ahead.region_done(account, region, data)
    assert ahead.failed and ahead.baselines is None
    assert ahead.deltas_for([]) is None
