"""The pull-request check as one library call: what a change to ``baselines/`` does (no click,
no printing; ``netwarden review`` parses its options and prints the result).

A change is judged twice: as drift from the base revision's baseline (located at the changed
lines of the proposed files), and by the rule pack over the proposed baseline read back as a
snapshot, keeping only the findings the base revision did not already have.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from scanner.baseline.store import RegionBaseline, RegionKey
from scanner.baseline.unproject import snapshot_of
from scanner.drift.engine import Delta
from scanner.drift.findings import drift_findings
from scanner.drift.review import review_deltas
from scanner.model import Finding
from scanner.policy.evaluate import evaluate
from scanner.policy.loader import PolicyPack
from scanner.remediate.drift_plan import revert_actions


def review_findings(
    old: Mapping[RegionKey, RegionBaseline],
    new: Mapping[RegionKey, RegionBaseline],
    pack: PolicyPack,
    path_for: Callable[[str, str], Path | str],
) -> tuple[list[Delta], list[Finding]]:
    """The deltas from ``old`` to ``new`` and every finding of the change, sorted: drift
    findings for the deltas, and the policy findings the change introduces. ``path_for``
    names the baseline file of an (account, region) that ``new`` does not have."""
    deltas = review_deltas(old, new, path_for)
    findings = [
        *drift_findings(deltas, revert_actions),
        *introduced_policy_findings(old, new, pack, deltas),
    ]
    return deltas, sorted(findings, key=Finding.sort_key)


def introduced_policy_findings(
    old: Mapping[RegionKey, RegionBaseline],
    new: Mapping[RegionKey, RegionBaseline],
    pack: PolicyPack,
    deltas: Sequence[Delta] = (),
) -> list[Finding]:
    """Policy findings the proposed baseline has and the base revision's did not, located
    at the changed line of the resource's delta (GitHub annotates only changed lines of a
    pull request), else at the resource's entry in the proposed file."""
    changed = {(d.account, d.region, d.resource_type, d.resource_id): d.location for d in deltas}
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
