"""``netwarden remediate`` as library calls, with no click and no printing (the command parses
its options, prints the plan and asks before applying)::

    planned = plan(RemediationRequest(snapshot=None, aws=AwsOptions(profile="audit")))
    for step in planned.steps:
        print(step.action.cli)
    if planned.executable:
        write_evidence(planned, "reports")
        outcomes = apply(planned, client_factory(AwsOptions(profile="audit")))
        raise SystemExit(exit_code(outcomes))

A plan is a scan (:func:`scanner.pipeline.scan`, writing no report) turned into revert steps;
applying it is a separate call because a person confirms in between. A reviewed plan file
(``--plan-out``) is read before any AWS call and applied only when every step is one netwarden
derives now and the resources did not change since it was written (``remediate/reviewed``).
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scanner.collect.aws_options import AwsOptions, targets_for
from scanner.errors import ExitCode, InputError
from scanner.fileio import write_text_atomic
from scanner.pipeline import ProgressCallback, ScanRequest, ScanResult, SnapshotSource, scan
from scanner.remediate.plan import Step, build_plan, evidence_document
from scanner.remediate.reviewed import check_reviewed, load_reviewed_plan, reviewed_plan_document

if TYPE_CHECKING:
    from scanner.model import Finding
    from scanner.remediate.apply import Outcome

# (account, service, region) -> a boto3 client in that account.
ClientFor = Callable[[str, str, str], Any]
# What an outcome's status is when its step (or its dry run) did not go through.
FAILED = frozenset({"failed", "dry-run-failed"})


@dataclass(frozen=True, kw_only=True)
class RemediationRequest:
    """What ``netwarden remediate`` is asked. The scan fields have the command's defaults."""

    snapshot: SnapshotSource | None = None  # None: collect with ``aws``
    aws: AwsOptions = field(default_factory=AwsOptions)
    baseline_dir: str = "baselines"
    policies_dir: str = "policies"
    # CloudTrail logs: containment steps for the principal behind each drift.
    cloudtrail: str | None = None
    # Also fix policy violations on resources the baseline approved.
    include_policy_fixes: bool = False
    # A plan file written by --plan-out, to apply exactly (policy fixes included).
    reviewed_plan: str | os.PathLike[str] | None = None

    def scan_request(self) -> ScanRequest:
        # No report is written, so the baseline's git commit is not asked for.
        return ScanRequest(
            snapshot=self.snapshot,
            aws=self.aws,
            baseline_dir=self.baseline_dir,
            policies_dir=self.policies_dir,
            cloudtrail=self.cloudtrail,
            baseline_commit=False,
        )


@dataclass(frozen=True)
class RemediationPlan:
    """The steps, in the order they are applied, and the scan they were derived from."""

    steps: tuple[Step, ...]
    snapshot: Mapping[str, Any]
    scan: ScanResult | None = None

    @property
    def executable(self) -> int:
        """How many steps are API calls (the rest are manual)."""
        return sum(1 for step in self.steps if step.executable)

    def document(self) -> dict[str, Any]:
        """The reviewable plan file (``--plan-out``): the steps and the digest of the state
        of every resource they touch."""
        return reviewed_plan_document(list(self.steps), dict(self.snapshot))


def plan(request: RemediationRequest, progress: ProgressCallback | None = None) -> RemediationPlan:
    """Scan, then derive the revert steps (or check the reviewed plan against the scan).
    Bad input, or a reviewed plan that does not hold now, raises ``InputError``."""
    # The reviewed file is read first: a bad one is exit 2 before any AWS call.
    reviewed = load_reviewed_plan(Path(request.reviewed_plan)) if request.reviewed_plan else None
    result = scan(request.scan_request(), progress)
    return plan_for(result, include_policy=request.include_policy_fixes, reviewed=reviewed)


def plan_for(
    result: ScanResult,
    *,
    include_policy: bool = False,
    reviewed: tuple[Sequence[Step], str] | None = None,
) -> RemediationPlan:
    """The plan for a scan already run (pure): what :func:`plan` does after its scan, for a
    caller that has the result (the demo plans from the scan it reported)."""
    steps = plan_steps(
        result.findings, result.snapshot, include_policy=include_policy, reviewed=reviewed
    )
    return RemediationPlan(tuple(steps), result.snapshot, result)


def plan_steps(
    findings: Iterable[Finding],
    snapshot: Mapping[str, Any],
    *,
    include_policy: bool = False,
    reviewed: tuple[Sequence[Step], str] | None = None,
) -> list[Step]:
    """The steps for these findings (pure). With ``reviewed`` (the steps and state digest of
    a plan file): exactly those steps, after checking them against every step netwarden
    derives now, policy fixes included, and against the live state's digest."""
    found = list(findings)
    if reviewed is None:
        return build_plan(found, include_policy=include_policy)
    steps, digest = reviewed
    check_reviewed(steps, digest, build_plan(found, include_policy=True), dict(snapshot))
    return list(steps)


def write_plan(planned: RemediationPlan, path: str | os.PathLike[str]) -> Path:
    """The plan file for review, written atomically."""
    write_text_atomic(path, json.dumps(planned.document(), indent=2) + "\n")
    return Path(path)


def write_evidence(
    planned: RemediationPlan, evidence_dir: str | os.PathLike[str], now: dt.datetime | None = None
) -> Path:
    """The affected resources as they are before any change, in
    ``evidence_dir/evidence-<UTC time>.json``; written before :func:`apply` is called."""
    stamp = (now or dt.datetime.now(dt.UTC)).strftime("%Y%m%dT%H%M%SZ")
    path = Path(evidence_dir) / f"evidence-{stamp}.json"
    document = evidence_document(planned.snapshot, list(planned.steps))
    write_text_atomic(path, json.dumps(document, indent=2) + "\n")
    return path


def apply(planned: RemediationPlan, client_for: ClientFor) -> tuple[Outcome, ...]:
    """Dry-run, then apply, each step in order; stops at the first failure."""
    from scanner.remediate.apply import apply_plan

    return tuple(apply_plan(list(planned.steps), client_for))


def applied(outcomes: Iterable[Outcome]) -> int:
    return sum(1 for o in outcomes if o.status == "applied")


def exit_code(outcomes: Iterable[Outcome]) -> int:
    """1 when a step (or its dry run) failed, so remediation stopped; 0 otherwise."""
    return ExitCode.FINDINGS if any(o.status in FAILED for o in outcomes) else ExitCode.OK


def client_factory(aws: AwsOptions) -> ClientFor:
    """Clients in every account the AWS options reach (each target asked who it is once);
    an account none reaches is an ``InputError`` when a step needs it."""
    from scanner.aws.session import AccountSession, AwsContext

    context = AwsContext(endpoint_url=aws.endpoint_url, max_workers=aws.max_workers)
    sessions = {}
    for target in targets_for(aws):
        session = AccountSession(target, context)
        sessions[session.account_id()] = session

    def client_for(account: str, service: str, region: str) -> Any:
        if account not in sessions:
            raise InputError(f"no credentials for account {account} (use --role-arn or --accounts)")
        return sessions[account].client(service, region)

    return client_for
