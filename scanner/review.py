"""The pull-request check as one library call: what a change to ``baselines/`` does (no click,
no printing; ``netwarden review`` parses its options and prints the result)::

    result = review(ReviewRequest(base_ref="origin/main", output_dir="reports"))
    raise SystemExit(exit_code(result, fail_on="high"))

A change is judged twice: as drift from the base revision's baseline (located at the changed
lines of the proposed files; a change that creates an internet exposure is critical and says
what it makes reachable), and by the rule pack over the proposed baseline read back as a
snapshot, keeping only the findings the base revision did not already have; their severity
follows reachability as in ``scan`` (an open rule nothing reaches is a latent risk).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scanner.baseline.store import RegionBaseline, RegionKey
from scanner.baseline.unproject import snapshot_of
from scanner.drift.engine import Delta
from scanner.drift.findings import drift_findings
from scanner.drift.review import review_deltas
from scanner.exposure import analyse
from scanner.exposure.drift import exposure_drift
from scanner.exposure.verdicts import judge_snapshot
from scanner.formats import REVIEW_FORMATS
from scanner.model import Finding
from scanner.policy.evaluate import evaluate
from scanner.policy.loader import PolicyPack
from scanner.remediate.drift_plan import revert_actions

if TYPE_CHECKING:
    from scanner.waivers import WaiverOutcome


@dataclass(frozen=True)
class ReviewRequest:
    """What ``netwarden review`` is asked: the proposed baselines in ``baseline_dir`` (the
    working tree) against those at git revision ``base_ref``."""

    base_ref: str = "HEAD"
    baseline_dir: str = "baselines"
    policies_dir: str = "policies"
    output_dir: str | Path | None = "reports"  # None: write no report
    formats: tuple[str, ...] = REVIEW_FORMATS  # the reports written to output_dir
    category: str = "netwarden-review"  # SARIF automationDetails, apart from the nightly scan
    waivers: str | Path | None = None  # a waivers file to apply
    today: dt.date | None = None  # when waivers expire against (default: today, UTC)


@dataclass(frozen=True)
class ReviewResult:
    deltas: tuple[Delta, ...]
    findings: tuple[Finding, ...]  # drift and introduced policy findings, sorted
    waivers: WaiverOutcome | None  # what the waivers file did (None without one)
    written: tuple[Path, ...]  # the report files

    @property
    def policy(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.kind == "policy")


def review(request: ReviewRequest) -> ReviewResult:
    """Judge the proposed baselines against the base revision's: the deltas, their drift
    findings and the policy findings the change introduces, the waivers applied (none is
    called stale: a review sees only what the change touches), and the reports written.
    Bad input raises ``InputError``."""
    from scanner.baseline import gitsource, store
    from scanner.policy.loader import load_policy_pack
    from scanner.report import write_reports
    from scanner.report.run import pack_rules, run_info_from_snapshot
    from scanner.waivers.report import waiver_report

    pack = load_policy_pack(request.policies_dir)
    old = gitsource.load_at_revision(request.baseline_dir, request.base_ref)
    new = store.load_dir(request.baseline_dir)
    deltas, findings = review_findings(
        old, new, pack, lambda a, r: store.baseline_path(request.baseline_dir, a, r)
    )
    outcome = None
    if request.waivers is not None:
        findings, outcome = _waive(findings, request, pack)
    written: list[Path] = []
    if request.output_dir is not None:
        run = run_info_from_snapshot(
            snapshot_of(new),
            rules=pack_rules(pack),
            policy_pack_dir=request.policies_dir,
            policy_pack_digest=pack.digest,
            baseline_dir=request.baseline_dir,
            collected_at=f"proposed baseline (working tree) against {request.base_ref}",
            scope=request.category,
            waivers=waiver_report(outcome, request.waivers),
        )
        written = write_reports(findings, run, Path(request.output_dir), request.formats)
    return ReviewResult(tuple(deltas), tuple(findings), outcome, tuple(written))


def exit_code(result: ReviewResult, fail_on: str) -> int:
    """1 when a finding no waiver accepts is at or above ``fail_on`` (``none``: never)."""
    from scanner.errors import ExitCode
    from scanner.model import severity_at_least

    failing = any(
        severity_at_least(f.severity, fail_on) and f.waiver is None for f in result.findings
    )
    return ExitCode.FINDINGS if failing else ExitCode.OK


def _waive(
    findings: list[Finding], request: ReviewRequest, pack: PolicyPack
) -> tuple[list[Finding], WaiverOutcome]:
    from scanner.waivers import apply_waivers, load_waivers

    assert request.waivers is not None
    waivers = load_waivers(request.waivers, [p.metadata.id for p in pack.policies])
    today = request.today or dt.datetime.now(dt.UTC).date()
    outcome = dataclasses.replace(apply_waivers(findings, waivers, today), stale=())
    return sorted(outcome.findings, key=Finding.sort_key), outcome


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
    proposed = snapshot_of(new)
    exposures = analyse(proposed)  # once, for the drift and for the policy findings
    # A change that makes something reachable from the internet says so on its line.
    drift = exposure_drift(
        drift_findings(deltas, revert_actions), deltas, snapshot_of(old), proposed, exposures
    )
    # Severity follows reachability, as in scan (the same stage function).
    policy = judge_snapshot(
        introduced_policy_findings(old, new, pack, deltas, proposed), proposed, exposures
    )
    findings = [*drift, *policy]
    return deltas, sorted(findings, key=Finding.sort_key)


def introduced_policy_findings(
    old: Mapping[RegionKey, RegionBaseline],
    new: Mapping[RegionKey, RegionBaseline],
    pack: PolicyPack,
    deltas: Sequence[Delta] = (),
    proposed: Mapping[str, Any] | None = None,
) -> list[Finding]:
    """Policy findings the proposed baseline has and the base revision's did not, located
    at the changed line of the resource's delta (GitHub annotates only changed lines of a
    pull request), else at the resource's entry in the proposed file. ``proposed``: ``new``
    as a snapshot, when the caller has it."""
    changed = {(d.account, d.region, d.resource_type, d.resource_id): d.location for d in deltas}
    before = {f.fingerprint for f in evaluate(snapshot_of(old), pack)}
    introduced = []
    for finding in evaluate(proposed if proposed is not None else snapshot_of(new), pack):
        if finding.fingerprint in before:
            continue
        key = (finding.account, finding.region, finding.resource_type, finding.resource_id)
        region_file = new.get((finding.account, finding.region))
        if key in changed:
            finding = dataclasses.replace(finding, location=changed[key])
        elif region_file is not None:
            where = region_file.locate(finding.resource_type, finding.resource_id)
            finding = dataclasses.replace(finding, location=where)
        introduced.append(finding)
    return introduced
