"""The library API: a whole scan is one function call, with no click and no printing.

::

    from scanner.pipeline import ScanRequest, exit_code, scan

    result = scan(ScanRequest(snapshot="snapshot.json", output_dir="reports"))
    for finding in result.findings:
        print(finding.severity, finding.rule_id, finding.resource_id)
    raise SystemExit(exit_code(result, fail_on="high"))

A scan is the ordered list of stages in :data:`STAGES`. Each stage is a plain function from
the scan's :class:`ScanContext` to the next one (a frozen dataclass, advanced with
``dataclasses.replace``): it reads the request and what earlier stages produced and returns
what it adds. A new capability (exposure, traffic, waivers, the previous run, notifications,
Security Hub) is one stage function in :data:`STAGES`, plus the request field that switches it
on and the context/result field it fills. Stages import their engines when they run, so that
importing this module (and therefore ``netwarden --help``) stays cheap.

The command line (``scanner/commands/``), the demo and the benchmark all call :func:`scan`;
none of them assembles the stages itself. Bad input raises
:class:`scanner.errors.InputError` (exit code 2); :func:`exit_code` turns a result into the
contract's exit code.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import os
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scanner.collect.aws_options import AwsOptions
from scanner.errors import ExitCode, combine_exit_codes
from scanner.formats import DEFAULT_FORMATS
from scanner.snapshot import accounts_of, iter_regions, regions_by_account, regions_in

if TYPE_CHECKING:
    from scanner.baseline.locate import LineRecorder
    from scanner.baseline.store import RegionBaseline, RegionKey
    from scanner.drift.engine import Delta
    from scanner.exposure.model import Exposure, ExposureReport
    from scanner.model import Finding
    from scanner.notify import Target
    from scanner.policy.loader import PolicyPack
    from scanner.policy.parallel import PendingFindings
    from scanner.previous import PreviousRun
    from scanner.report.run import RunInfo
    from scanner.waivers import Waiver, WaiverOutcome

__all__ = [
    "STAGES",
    "AwsOptions",
    "ExposureResult",
    "Progress",
    "ProgressCallback",
    "ScanContext",
    "ScanRequest",
    "ScanResult",
    "exit_code",
    "exposure",
    "exposure_exit_code",
    "obtain_snapshot",
    "scan",
]

SnapshotSource = str | os.PathLike[str] | Mapping[str, Any]


@dataclass(frozen=True)
class Progress:
    """What a long scan is doing, for a progress display.

    One event with ``done=0, total=None`` when each stage starts; stages that know their size
    (collection: one unit per account x region x type) then report ``total`` and each unit
    done, with ``detail`` naming it.
    """

    stage: str
    done: int = 0
    total: int | None = None
    detail: str = ""


ProgressCallback = Callable[[Progress], None]


def _ignore(_event: Progress) -> None:
    return None


@dataclass(frozen=True, kw_only=True)
class ScanRequest:
    """Everything one scan needs to know. Every field has the command line's default."""

    # A snapshot file, or an already loaded snapshot; None collects one with ``aws``.
    snapshot: SnapshotSource | None = None
    aws: AwsOptions = field(default_factory=AwsOptions)
    baseline_dir: str = "baselines"
    # The baseline already loaded (or a lazy mapping such as store.BaselineDir) instead of
    # reading baseline_dir; drift is still located at baseline_dir's paths.
    baselines: Mapping[RegionKey, RegionBaseline] | None = None
    # No baseline at all: drift is skipped (scan), or an input error (diff, require_baseline).
    require_baseline: bool = False
    # The rule pack; None evaluates no policies (diff).
    policies_dir: str | None = "policies"
    # CloudTrail logs to attribute drift: s3://bucket/prefix, a directory, or "lookup".
    cloudtrail: str | None = None
    # Where the reports are written, in which formats; None writes nothing.
    output_dir: str | os.PathLike[str] | None = None
    formats: tuple[str, ...] = DEFAULT_FORMATS
    # Ask git which commit last changed the baseline, for the reports.
    baseline_commit: bool = True
    # Policy evaluation worker processes (None: one per CPU; 1: in this process).
    processes: int | None = None
    # Policy evaluation: "native" (compiled filter trees where they exist) or "custodian".
    engine: str = "native"
    # The SARIF category (automationDetails.id without its "/"); None: "netwarden".
    category: str | None = None
    # A waivers file (accepted risks); None applies no waiver. The command line passes
    # --waivers F, or ./waivers.yaml when it exists.
    waivers: str | os.PathLike[str] | None = None
    # The day waivers are judged on (their expiry); None: today, in UTC.
    today: dt.date | None = None
    # A previous run (its report directory or findings.json): each finding is marked new or
    # existing, and the ones gone since are listed as resolved.
    previous: str | os.PathLike[str] | None = None
    # Where to tell people about new findings (sns:ARN, slack:URL, webhook:URL), and from
    # which severity; a failed delivery is a coverage note (exit 3), never a lost scan.
    notify: tuple[str, ...] = ()
    notify_on: str = "high"
    # Seconds between delivery attempts after a connection error, 429 or 5xx.
    notify_retry_delays: tuple[float, ...] = (1.0, 3.0)
    # Import the findings into AWS Security Hub (each in its own account and region), and
    # archive the ones resolved since --previous.
    security_hub: bool = False
    # VPC Flow Logs (s3://bucket/prefix or a directory) and their window (ISO 8601 or 24h):
    # traffic evidence on open-rule findings, and the flow detections.
    flow_logs: str | None = None
    flow_since: str | None = None
    flow_until: str | None = None

    def __post_init__(self) -> None:
        from scanner.report.writer import formats_from_flag

        object.__setattr__(self, "formats", formats_from_flag(self.formats))


@dataclass(frozen=True, kw_only=True)
class ScanContext:
    """What the stages have produced so far; each stage returns the next context."""

    request: ScanRequest
    progress: ProgressCallback = _ignore
    # Worker pools and other resources a stage opened; closed when the scan ends or fails.
    resources: contextlib.ExitStack = field(default_factory=contextlib.ExitStack)
    pack: PolicyPack | None = None
    # The rule pack while it is being validated in a forked process (load_policies);
    # ``with_pack`` turns it into ``pack``, before any AWS call.
    pending_pack: PendingPack | None = None
    # Whether the stages compare with the baseline (check_drift): a collection then computes
    # each region's drift as soon as the region is in (DriftAhead).
    drift_wanted: bool = False
    drift_ahead: DriftAhead | None = None
    baselines: Mapping[RegionKey, RegionBaseline] | None = None
    snapshot: Mapping[str, Any] | None = None
    pending: PendingFindings | None = None
    drift_checked: bool = False
    deltas: tuple[Delta, ...] = ()
    drift: tuple[Finding, ...] = ()
    policy: tuple[Finding, ...] = ()
    # drift and policy findings together, sorted; later stages annotate these.
    findings: tuple[Finding, ...] = ()
    # What the internet reaches, and the open rules whose path is cut (issue 13).
    exposure: ExposureReport | None = None
    # With --flow-logs: what was read, and each exposure's traffic (RunInfo.flow_logs).
    flow_logs: Mapping[str, Any] | None = None
    # Why the scan is incomplete (exit code 3), one reason per entry.
    incomplete: tuple[str, ...] = ()
    # What the reports' coverage section says besides the gaps: {"kind", "message"} each.
    notes: tuple[Mapping[str, str], ...] = ()
    waivers: tuple[Waiver, ...] = ()
    waiver_outcome: WaiverOutcome | None = None
    previous: PreviousRun | None = None
    notify_targets: tuple[Target, ...] = ()
    # Findings of the previous run that are gone ({"fingerprint", "rule_id", ...}).
    resolved: tuple[Mapping[str, Any], ...] = ()
    run: RunInfo | None = None
    written: tuple[Path, ...] = ()

    def advance(self, **changes: Any) -> ScanContext:
        """This context with ``changes`` applied."""
        return dataclasses.replace(self, **changes)


@dataclass(frozen=True, kw_only=True)
class ScanResult:
    """What a scan found, and what it knows about its own coverage."""

    findings: tuple[Finding, ...]
    deltas: tuple[Delta, ...]
    # False when there was no baseline, so drift was not checked.
    drift_checked: bool
    run: RunInfo
    # Why the scan is incomplete (a region or type could not be read, ...); empty: complete.
    incomplete: tuple[str, ...]
    written: tuple[Path, ...]
    snapshot: Mapping[str, Any]
    # What the waivers did (None without a waivers file): applied, expired, stale.
    waivers: WaiverOutcome | None = None
    # With a previous run: its findings that are gone (each finding has ``status`` then).
    resolved: tuple[Mapping[str, Any], ...] = ()
    compared: bool = False
    # Coverage notes besides read errors ({"kind", "message"}): unbaselined regions, ...
    notes: tuple[Mapping[str, str], ...] = ()
    # One entry per --notify target: {"target", "sent", "detail"}.
    notifications: tuple[Mapping[str, Any], ...] = ()
    # What the internet reaches (None when the stage did not run).
    exposure: ExposureReport | None = None

    @property
    def new(self) -> tuple[Finding, ...]:
        """The findings that were not in the previous run (all of them without one)."""
        return tuple(f for f in self.findings if f.status != "existing")

    @property
    def active(self) -> tuple[Finding, ...]:
        """The findings no waiver accepts: the ones that count for --fail-on."""
        return tuple(f for f in self.findings if f.waiver is None)

    @property
    def coverage_gaps(self) -> tuple[Mapping[str, str], ...]:
        """Every (account, region, type) that could not be read, with the reason."""
        return self.run.coverage_gaps

    def summary(self) -> str:
        """One line: how many findings, by severity, drift and policy."""
        from scanner.model import SEVERITIES

        active = self.active
        counts = {s: sum(1 for f in active if f.severity == s) for s in SEVERITIES}
        parts = [f"{counts[s]} {s}" for s in SEVERITIES if counts[s]]
        drift = sum(1 for f in active if f.kind == "drift")
        waived = len(self.findings) - len(active)
        accepted = f"; {waived} accepted risk(s) (waived)" if waived else ""
        line = (
            f"{len(active)} finding(s) ({', '.join(parts) or 'none'}); "
            f"{drift} drift, {len(active) - drift} policy{accepted}"
        )
        if not self.compared:
            return line
        # What is new leads: that is what a nightly reader acts on.
        new = [f for f in active if f.status == "new"]
        worst = [s for s in SEVERITIES if any(f.severity == s for f in new)]
        most = f", most severe {worst[0]}" if worst else ""
        return (
            f"{len(new)} new{most}, {len(self.resolved)} resolved since the previous run; " + line
        )


def exit_code(result: ScanResult, fail_on: str) -> int:
    """The contract's exit code for a scan: 1 when a finding no waiver accepts is at or
    above ``fail_on`` (``none``: never), 3 when the scan is incomplete, 0 otherwise, with 1
    before 3."""
    from scanner.model import severity_at_least

    codes = []
    if any(severity_at_least(f.severity, fail_on) for f in result.active):
        codes.append(ExitCode.FINDINGS)
    if result.incomplete:
        codes.append(ExitCode.INCOMPLETE)
    return combine_exit_codes(*codes)


def snapshot_exit_code(snapshot: Mapping[str, Any]) -> int:
    """The contract's exit code for a command that only collects or records a snapshot
    (`collect`, `baseline create`): 3 when a type could not be read in some account and
    region (what was read is still written), else 0."""
    from scanner.snapshot import has_errors

    return ExitCode.INCOMPLETE if has_errors(snapshot) else ExitCode.OK


def obtain_snapshot(
    source: SnapshotSource | None,
    aws: AwsOptions,
    progress: ProgressCallback = _ignore,
    *,
    gate: Callable[[], None] | None = None,
    meanwhile: Callable[[], None] | None = None,
    on_region: Callable[[str, str, Mapping[str, Any]], None] | None = None,
) -> dict[str, Any]:
    """A snapshot file (read and checked), an already loaded snapshot, or a new collection
    with the AWS options; restricted to the shard in ``aws.shard`` in every case. A
    collection calls ``gate`` before its first AWS call, ``meanwhile`` while its units are
    collected and ``on_region`` with each region's data once it is complete
    (``scanner.collect.aws_options.collect_with``)."""
    from scanner.shard import filter_snapshot, parse_shard

    if source is None:
        from scanner.collect.aws_options import collect_with

        plan: dict[str, int] = {"total": 0, "done": 0}
        progress(Progress("collect"))

        def on_plan(total: int) -> None:
            plan["total"] = total
            progress(Progress("collect", 0, total))

        def on_done(label: str) -> None:
            plan["done"] += 1
            progress(Progress("collect", plan["done"], plan["total"], label))

        return collect_with(
            aws, on_plan, on_done, gate=gate, meanwhile=meanwhile, on_region=on_region
        )
    if isinstance(source, Mapping):
        return filter_snapshot(source, parse_shard(aws.shard))
    from scanner import snapshot as snapshot_io

    return filter_snapshot(snapshot_io.load(Path(source)), parse_shard(aws.shard))


# ---- the stages, in order ------------------------------------------------------------------


def _validated_pack(_inherited: None, directory: str) -> PolicyPack:
    """In a forked process: the rule pack, read and validated (Custodian's schema too)."""
    from scanner.policy.loader import load_policy_pack

    return load_policy_pack(directory)


class PendingPack:
    """The rule pack being read and validated in a forked process while this one gets on
    with what needs no AWS call (imports, sessions, the service models).

    Why: validating the pack imports Cloud Custodian and runs its JSON schema, about half a
    second of CPU that the scan's first AWS call used to wait for, on one core of two.
    :meth:`result` waits for the pack; a pack that is not valid, or a worker that cannot
    say, is read and validated again here, so a bad pack is the very same error as before,
    raised before any AWS call."""

    def __init__(self, directory: str) -> None:
        from scanner.forking import ForkPool

        self._directory = directory
        self._pack: PolicyPack | None = None
        self._pool: ForkPool[None] | None = ForkPool(1, None)
        self._future = self._pool.submit(_validated_pack, directory)

    def result(self) -> PolicyPack:
        if self._pack is None:
            try:
                self._pack = self._future.result()
            except Exception:  # invalid, or the worker died: judged here, as before
                self._pack = None
            finally:
                self.close()
            if self._pack is None:
                from scanner.policy.loader import load_policy_pack

                self._pack = load_policy_pack(self._directory)
        return self._pack

    def close(self, kill: bool = False) -> None:
        if self._pool is not None:
            self._pool.close(kill)
            self._pool = None

    def __enter__(self) -> PendingPack:
        return self

    def __exit__(self, exc_type: object, *_: object) -> None:
        self.close(kill=exc_type is not None)


def with_pack(ctx: ScanContext) -> ScanContext:
    """``ctx`` with the rule pack in ``pack`` once it is validated (waiting for it, and
    raising its error, if it is still pending). Called before any AWS call and by every
    stage that reads the pack."""
    if ctx.pending_pack is None:
        return ctx
    return ctx.advance(pack=ctx.pending_pack.result(), pending_pack=None)


def load_policies(ctx: ScanContext) -> ScanContext:
    """The rule pack, read and validated before any AWS call. A scan that collects does it
    in a forked process when it may use two (fork available, two CPUs, ``processes`` not
    1), so that the collection's set-up overlaps with it (``PendingPack``)."""
    if ctx.request.policies_dir is None:
        return ctx
    from scanner.forking import worker_processes

    collects = ctx.request.snapshot is None
    if collects and worker_processes(2, ctx.request.processes) > 1:
        pending = PendingPack(ctx.request.policies_dir)
        return ctx.advance(pending_pack=ctx.resources.enter_context(pending))
    from scanner.policy.loader import load_policy_pack

    return ctx.advance(pack=load_policy_pack(ctx.request.policies_dir))


def load_waivers(ctx: ScanContext) -> ScanContext:
    """The waivers file, read and validated before any AWS call (a bad waiver is exit 2 at
    its file and line)."""
    waivers = ctx.request.waivers
    if waivers is None:
        return ctx
    ctx = with_pack(ctx)  # its rule ids, and its error first
    from scanner.waivers import load_waivers as load

    if ctx.pack is not None:
        known = [p.metadata.id for p in ctx.pack.policies]
    else:
        # A drift-only run (diff) still checks the rule ids against the rule pack the scan
        # uses: one waivers file serves both, and a typo must not wait for the nightly scan.
        from scanner.pack import choose
        from scanner.policy.loader import load_policy_pack

        known = [p.metadata.id for p in load_policy_pack(choose(None).path).policies]
    from scanner.flows.rules import IDS as FLOW_RULES

    # The flow detections are rules of the pack too (they fire only with --flow-logs).
    known = [*known, *FLOW_RULES]
    return ctx.advance(waivers=tuple(load(waivers, known)))


def load_previous(ctx: ScanContext) -> ScanContext:
    """The previous run's findings.json, read before any AWS call (bad input: exit 2)."""
    previous = ctx.request.previous
    if previous is None:
        return ctx
    ctx = with_pack(ctx)  # a bad pack is reported first, as it always was
    from scanner.previous import load_previous as load

    return ctx.advance(previous=load(previous))


def parse_notify_targets(ctx: ScanContext) -> ScanContext:
    """The --notify targets and --notify-on, checked before any AWS call (exit 2)."""
    if not ctx.request.notify:
        return ctx
    ctx = with_pack(ctx)  # a bad pack is reported first, as it always was
    from scanner.errors import InputError
    from scanner.model import SEVERITY_RANK
    from scanner.notify import parse_target

    if ctx.request.notify_on not in SEVERITY_RANK:
        raise InputError(f"--notify-on: not a severity: {ctx.request.notify_on!r}")
    targets = tuple(dict.fromkeys(parse_target(value) for value in ctx.request.notify))
    return ctx.advance(notify_targets=targets)


def find_baseline(ctx: ScanContext) -> ScanContext:
    """The baseline files (each parsed only when its region is compared); a missing
    baseline the request requires is an input error."""
    from scanner.drift.against import no_baseline_error

    request = ctx.request
    ahead = ctx.drift_ahead
    if ahead is not None and ahead.baselines is not None:
        recorder = ahead.baselines  # the one drift was computed against during collection
    else:
        recorder = _baseline_mapping(request)
    if not recorder and request.require_baseline:
        raise no_baseline_error(request.baseline_dir)
    return ctx.advance(baselines=recorder)


def _baseline_mapping(request: ScanRequest) -> LineRecorder:
    """The request's baselines, or its directory's files (each parsed only when compared).
    Drift reads each region's file once; the recorder keeps its resource lines, so policy
    findings can be located at their baseline entries without a second parse."""
    from scanner.baseline import store
    from scanner.baseline.locate import LineRecorder

    baselines = request.baselines
    if baselines is None:
        baselines = store.BaselineDir(request.baseline_dir)
    return LineRecorder(baselines)


class DriftAhead:
    """Each collected region's drift, computed as soon as the region's last unit is in,
    while the collection workers read the other regions and this process would only wait.

    Why: drift (project the region, read its baseline file against it, diff) is ~0.1 s of
    CPU per region in this process, and after collection it competed for the two cores with
    the policy evaluation workers. Only a speculation: the deltas are those
    ``compute_drift`` returns for that region alone (regions are compared independently),
    and ``check_drift`` uses them only when every region it compares was computed here;
    anything unexpected (a stray baseline file: find_baseline's error) drops them all and
    drift is computed after collection, as before, raising whatever it raises there."""

    def __init__(self, request: ScanRequest) -> None:
        self._request = request
        self.baselines: LineRecorder | None = None
        self.deltas: dict[tuple[str, str], list[Delta]] = {}
        self.failed = False

    def region_done(self, account: str, region: str, data: Mapping[str, Any]) -> None:
        if self.failed:
            return
        try:
            if self.baselines is None:
                self.baselines = _baseline_mapping(self._request)
            if (account, region) not in self.baselines:
                return  # not compared: check_drift notes it
            from scanner.drift.against import compute_drift

            one = {"accounts": {account: {"regions": {region: data}}}}
            found = compute_drift(one, self._request.baseline_dir, self.baselines)
            self.deltas[(account, region)] = found
        except Exception:
            self.failed = True
            self.baselines = None
            self.deltas = {}

    def deltas_for(self, regions: Collection[tuple[str, str]]) -> list[Delta] | None:
        """The drift of exactly ``regions``, sorted as ``compute_drift`` sorts it; None
        unless each was computed here."""
        if self.failed or set(self.deltas) != set(regions):
            return None
        from scanner.drift.engine import Delta

        found = [delta for key in sorted(self.deltas) for delta in self.deltas[key]]
        return sorted(found, key=Delta.sort_key)


def read_snapshot(ctx: ScanContext) -> ScanContext:
    """Read the snapshot, or collect one. A rule pack still being validated is waited for
    before the first AWS call, and a bad pack is the error even when other input is bad
    too, as when it was validated first; while the units are collected, this process
    prepares the later stages (``prepare_later_stages``)."""
    from scanner.errors import InputError

    ready: list[ScanContext] = []

    def gate() -> None:
        ready.append(ctx)  # asked: with_pack's error is the answer, not asked again
        ready[0] = with_pack(ctx)

    def meanwhile() -> None:
        prepare_later_stages(ready[0] if ready else ctx)

    collects = ctx.request.snapshot is None
    ahead = DriftAhead(ctx.request) if collects and ctx.drift_wanted else None
    try:
        snapshot = obtain_snapshot(
            ctx.request.snapshot,
            ctx.request.aws,
            ctx.progress,
            gate=gate if ctx.pending_pack is not None else None,
            meanwhile=meanwhile,
            on_region=ahead.region_done if ahead is not None else None,
        )
    except InputError:
        if not ready:
            with_pack(ctx)  # a bad pack's own error, raised first
        raise
    return with_pack(ready[0] if ready else ctx).advance(snapshot=snapshot, drift_ahead=ahead)


def prepare_later_stages(ctx: ScanContext) -> None:
    """What the stages after collection would do first, done while the collection workers
    run and this process only waits for their results: import Custodian and netwarden's
    filters (policy evaluation needs them loaded before its fork), the modules of drift,
    evaluation and exposure, and collect the cyclic garbage of all that start-up once, so
    that the first large structure loaded later does not have to (``gcpolicy.settle``)."""
    import importlib

    from scanner import gcpolicy

    modules = ["scanner.drift.against", "scanner.baseline.locate", "scanner.exposure"]
    if ctx.pack is not None:
        modules += ["scanner.policy.filters", "scanner.policy.parallel"]
    for module in modules:
        importlib.import_module(module)
    gcpolicy.settle()


def start_policies(ctx: ScanContext) -> ScanContext:
    """Start evaluating the policies in worker processes, so that drift is computed
    meanwhile in this one."""
    ctx = with_pack(ctx)
    if ctx.pack is None:
        return ctx
    from scanner.policy.documents import without_unreadable_policies
    from scanner.policy.parallel import start_evaluation

    assert ctx.snapshot is not None
    # An item whose resource policy cannot be read is a warning, never a failed evaluation.
    evaluated, notes = without_unreadable_policies(ctx.snapshot)
    pending = start_evaluation(
        evaluated, ctx.pack, processes=ctx.request.processes, engine=ctx.request.engine
    )
    return ctx.advance(pending=ctx.resources.enter_context(pending), notes=(*ctx.notes, *notes))


def check_drift(ctx: ScanContext) -> ScanContext:
    """Drift against the baseline, as deltas and drift findings (skipped without one).

    Only the regions that have a baseline file are compared: a collected region without one
    would report every resource in it as "added". Those regions are one coverage note.
    """
    if not ctx.baselines:
        return ctx
    from scanner.consolidate import baseline_coverage
    from scanner.drift.against import compute_drift
    from scanner.drift.findings import drift_findings
    from scanner.remediate.drift_plan import revert_actions

    assert ctx.snapshot is not None
    collected = [(account, region) for account, region, _ in iter_regions(ctx.snapshot)]
    coverage = baseline_coverage(collected, ctx.baselines)
    snapshot = ctx.snapshot
    notes = ctx.notes
    note = coverage.note()
    if note is not None:
        snapshot = _only_regions(snapshot, coverage.baselined)
        notes = (*notes, note)
    ahead = ctx.drift_ahead
    deltas = ahead.deltas_for(coverage.baselined) if ahead is not None else None
    if deltas is None:
        deltas = compute_drift(snapshot, ctx.request.baseline_dir, ctx.baselines)
    findings = drift_findings(deltas, revert_actions)
    return ctx.advance(drift_checked=True, deltas=tuple(deltas), drift=tuple(findings), notes=notes)


def _only_regions(snapshot: Mapping[str, Any], keep: Collection[tuple[str, str]]) -> dict[str, Any]:
    """The snapshot restricted to the (account, region) pairs in ``keep`` (items shared)."""
    accounts: dict[str, Any] = {}
    for account, data in accounts_of(snapshot).items():
        regions = {r: v for r, v in regions_in(data).items() if (account, r) in keep}
        if regions:
            accounts[account] = {**data, "regions": regions}
    return {**snapshot, "accounts": accounts}


def attribute_drift(ctx: ScanContext) -> ScanContext:
    """Who made each drift, from CloudTrail, when a source is given."""
    if not ctx.request.cloudtrail or not ctx.deltas:
        return ctx
    from scanner.attribution.sources import attribute_drift as attribute
    from scanner.collect.aws_options import AccountClients

    sessions = AccountClients(ctx.request.aws)

    def client_for(service: str, region: str | None, account: str | None) -> Any:
        # The scan's own credentials: each account's role (--role-arn, --accounts), or the
        # ones it starts from (--profile, the environment). KeyError: no target reaches it.
        session = sessions.default_session() if account is None else sessions.session(account)
        return session.client(service, region)

    attributed = attribute(list(ctx.drift), ctx.deltas, ctx.request.cloudtrail, client_for)
    # A log file, record or lookup that could not be read is a gap the reports name.
    return ctx.advance(drift=tuple(attributed.findings), notes=(*ctx.notes, *attributed.notes))


def finish_policies(ctx: ScanContext) -> ScanContext:
    """Wait for the policy findings."""
    if ctx.pending is None:
        return ctx
    return ctx.advance(policy=tuple(ctx.pending.result()), pending=None)


def locate_policy_findings(ctx: ScanContext) -> ScanContext:
    """A violation on a resource the baseline lists is located at that entry (GitHub shows
    the reviewed state that allowed it); the policy stays in the rule and the SARIF's
    relatedLocations."""
    from scanner.baseline.locate import LineRecorder, at_baseline_entries

    if not isinstance(ctx.baselines, LineRecorder) or not ctx.policy:
        return ctx
    located = at_baseline_entries(ctx.policy, ctx.baselines.lines, ctx.baselines.paths)
    return ctx.advance(policy=tuple(located))


def gather_findings(ctx: ScanContext) -> ScanContext:
    """Drift and policy findings in one list, in the reports' order."""
    from scanner.model import Finding

    return ctx.advance(findings=tuple(sorted((*ctx.drift, *ctx.policy), key=Finding.sort_key)))


def compute_exposure(ctx: ScanContext) -> ScanContext:
    """What the internet reaches, on which port, by which path; and where open rules are
    cut (pure, from the snapshot)."""
    from scanner.exposure import analyse

    assert ctx.snapshot is not None
    return ctx.advance(exposure=analyse(ctx.snapshot))


def mark_exposure_drift(ctx: ScanContext) -> ScanContext:
    """A drift that makes something reachable from the internet is critical, with the new
    exposures' paths: the live regions against themselves with the deltas reverted."""
    if not ctx.deltas:
        return ctx
    from scanner.exposure.drift import exposure_drift
    from scanner.model import Finding

    assert ctx.snapshot is not None
    # The live side is the exposure compute_exposure already found (analysed once).
    marked = exposure_drift(ctx.findings, ctx.deltas, ctx.snapshot, ctx.snapshot, ctx.exposure)
    return ctx.advance(findings=tuple(sorted(marked, key=Finding.sort_key)))


def judge_reachability(ctx: ScanContext) -> ScanContext:
    """Severity follows reachability: each open-rule finding says what it exposes, or is
    lowered as a latent risk with where its path is cut."""
    if ctx.exposure is None or not ctx.findings:
        return ctx
    from scanner.exposure.verdicts import judge_snapshot
    from scanner.model import Finding

    assert ctx.snapshot is not None
    judged = judge_snapshot(ctx.findings, ctx.snapshot, ctx.exposure)
    return ctx.advance(findings=tuple(sorted(judged, key=Finding.sort_key)))


def add_traffic(ctx: ScanContext) -> ScanContext:
    """With flow logs: what came in through each open rule, and the flow detections."""
    request = ctx.request
    if request.flow_logs is None:
        return ctx
    from scanner.flows.stage import FlowScan, flow_stage

    assert ctx.snapshot is not None
    outcome = flow_stage(
        ctx.findings,
        ctx.snapshot,
        FlowScan(
            source=request.flow_logs,
            since=request.flow_since,
            until=request.flow_until,
            profile=request.aws.profile,
            endpoint_url=request.aws.endpoint_url,
        ),
        ctx.exposure,
    )
    from scanner.baseline.locate import LineRecorder, at_baseline_entries
    from scanner.model import Finding

    found: Iterable[Finding] = outcome.findings
    if isinstance(ctx.baselines, LineRecorder):
        # A detection about an interface the baseline lists points at that entry.
        found = at_baseline_entries(found, ctx.baselines.lines, ctx.baselines.paths)
    findings = tuple(sorted(found, key=Finding.sort_key))
    return ctx.advance(
        findings=findings,
        incomplete=(*ctx.incomplete, *outcome.incomplete),
        flow_logs=outcome.report,
    )


def apply_waivers(ctx: ScanContext) -> ScanContext:
    """Mark the findings a waiver in force accepts; note the expired and stale waivers."""
    if ctx.request.waivers is None:
        return ctx
    ctx = with_pack(ctx)
    from scanner.waivers import apply_waivers as apply

    today = ctx.request.today or dt.datetime.now(dt.UTC).date()
    outcome = apply(ctx.findings, ctx.waivers, today)
    assert ctx.snapshot is not None
    outcome = only_checked_stale(
        outcome,
        policies=ctx.pack is not None,
        drift=ctx.drift_checked,
        accounts=frozenset(accounts_of(ctx.snapshot)),
        flows=ctx.flow_logs is not None,
    )
    return ctx.advance(findings=tuple(outcome.findings), waiver_outcome=outcome)


def only_checked_stale(
    outcome: WaiverOutcome,
    *,
    policies: bool,
    drift: bool,
    accounts: frozenset[str],
    flows: bool = False,
) -> WaiverOutcome:
    """A waiver is stale only where this run could have matched it: a policy rule's when
    policies were evaluated (not in ``diff``), a drift kind's when drift was checked, a flow
    detection's when flow logs were read, and an account's when that account was scanned
    (not on another shard)."""
    from scanner.flows.rules import IDS as FLOW_RULES
    from scanner.waivers import DRIFT_RULE_IDS

    def could_match(waiver: Waiver) -> bool:
        if waiver.account is not None and waiver.account not in accounts:
            return False
        if waiver.rule == "*":
            return policies or drift
        if waiver.rule == "drift/*" or waiver.rule in DRIFT_RULE_IDS:
            return drift
        if waiver.rule in FLOW_RULES:
            return flows
        return policies

    stale = tuple(w for w in outcome.stale if could_match(w))
    return dataclasses.replace(outcome, stale=stale)


def fold_account_level(ctx: ScanContext) -> ScanContext:
    """An account-level check (CloudTrail, Config, GuardDuty, the change alarms) fails in
    every region lacking the control: one finding per account and rule, listing those
    regions, instead of one per region."""
    from scanner.consolidate import fold_account_level as fold

    assert ctx.snapshot is not None
    folded = fold(ctx.findings, regions_by_account(ctx.snapshot))
    return ctx.advance(findings=tuple(sorted(folded, key=_sort_key)))


def _sort_key(finding: Finding) -> tuple[Any, ...]:
    return finding.sort_key()


def compare_previous(ctx: ScanContext) -> ScanContext:
    """Each finding new or existing against the previous run; what is gone is resolved
    (only where this scan could have seen it again)."""
    if ctx.previous is None:
        return ctx
    from scanner.previous import compare, scope_of_snapshot

    assert ctx.snapshot is not None
    comparison = compare(ctx.findings, ctx.previous, scope_of_snapshot(ctx.snapshot))
    return ctx.advance(findings=tuple(comparison.findings), resolved=comparison.resolved)


def check_coverage(ctx: ScanContext) -> ScanContext:
    """An account, region or type that could not be read makes the scan incomplete."""
    from scanner.snapshot import has_errors

    assert ctx.snapshot is not None
    if not has_errors(ctx.snapshot):
        return ctx
    reason = "some accounts, regions or resource types could not be read"
    return ctx.advance(incomplete=(*ctx.incomplete, reason))


def describe_run(ctx: ScanContext) -> ScanContext:
    """What the reports say about the scan: scope, rule pack, baseline, coverage."""
    from scanner.baseline.gitsource import last_commit
    from scanner.report.run import pack_rules, run_info_from_snapshot
    from scanner.waivers.report import waiver_report

    ctx = with_pack(ctx)
    request = ctx.request
    assert ctx.snapshot is not None
    commit = None
    if request.baseline_commit and ctx.drift_checked:
        commit = last_commit(request.baseline_dir)
    rules = pack_rules(ctx.pack) if ctx.pack is not None else []
    if ctx.flow_logs is not None:
        from scanner.flows.rules import RULES as FLOW_RULES

        rules = [*rules, *FLOW_RULES]
    run = run_info_from_snapshot(
        ctx.snapshot,
        rules=rules,
        policy_pack_dir=request.policies_dir or "",
        policy_pack_digest=ctx.pack.digest if ctx.pack is not None else "",
        baseline_dir=request.baseline_dir,
        baseline_commit=commit,
        scope=request.category,
        waivers=waiver_report(ctx.waiver_outcome, request.waivers),
        previous=previous_report(ctx),
        notes=ctx.notes,
        flow_logs=ctx.flow_logs,
        exposure=ctx.exposure,
    )
    return ctx.advance(run=run)


def previous_report(ctx: ScanContext) -> Mapping[str, Any] | None:
    """What the reports say about the previous run: which one, how many findings are new
    and existing, and the resolved ones; None without a previous run."""
    if ctx.previous is None:
        return None
    new = sum(1 for f in ctx.findings if f.status == "new")
    return {
        "path": ctx.previous.path,
        "collected_at": ctx.previous.collected_at,
        "new": new,
        "existing": len(ctx.findings) - new,
        "resolved": [dict(r) for r in ctx.resolved],
    }


def send_notifications(ctx: ScanContext) -> ScanContext:
    """One message per target listing the new findings at or above --notify-on; nothing
    when nothing is new. Sent before the reports are written, so that they record how each
    delivery went; a failed one is a coverage note and makes the scan incomplete."""
    if not ctx.notify_targets:
        return ctx
    from scanner.collect.aws_options import AccountClients
    from scanner.notify import build_notice
    from scanner.notify.deliver import deliver

    assert ctx.run is not None
    notice = build_notice(ctx.findings, ctx.run, ctx.request.notify_on)
    if notice is None:
        nothing = f"nothing new at or above {ctx.request.notify_on}: nothing sent"
        sent = tuple(
            {"target": t.label, "sent": False, "ok": True, "detail": nothing}
            for t in ctx.notify_targets
        )
        return ctx.advance(run=dataclasses.replace(ctx.run, notifications=sent))
    clients = AccountClients(ctx.request.aws)

    def sns_client(target: Target) -> Any:
        assert target.account is not None and target.region is not None
        try:
            session = clients.session(target.account)
        except KeyError:  # a topic outside the scanned accounts: the scan's own credentials
            session = clients.default_session()
        return session.client("sns", target.region)

    deliveries = deliver(
        notice, ctx.notify_targets, sns_client, delays=ctx.request.notify_retry_delays
    )
    records = tuple(
        {"target": d.target.label, "sent": d.ok, "ok": d.ok, "detail": d.detail} for d in deliveries
    )
    failed = [d for d in deliveries if not d.ok]
    notes = tuple(
        {
            "kind": "notification-failed",
            "message": f"could not notify {d.target.label}: {d.detail} "
            f"({len(notice.findings)} new finding(s) were not sent there)",
        }
        for d in failed
    )
    incomplete = ctx.incomplete
    if failed:
        incomplete = (*incomplete, f"{len(failed)} notification(s) could not be sent")
    run = dataclasses.replace(ctx.run, notifications=records, notes=(*ctx.run.notes, *notes))
    return ctx.advance(run=run, notes=(*ctx.notes, *notes), incomplete=incomplete)


def import_security_hub(ctx: ScanContext) -> ScanContext:
    """BatchImportFindings in each finding's account and region (the findings as ASFF, and
    the ones resolved since --previous archived); a failed batch is a coverage note."""
    if not ctx.request.security_hub:
        return ctx
    from scanner.collect.aws_options import AccountClients
    from scanner.securityhub.publish import security_hub_import

    assert ctx.run is not None
    clients = AccountClients(ctx.request.aws)
    hub = security_hub_import(
        ctx.findings,
        ctx.resolved,
        ctx.run,
        lambda account, region: clients.client("securityhub", account, region),
    )
    incomplete = ctx.incomplete
    if hub.notes:
        incomplete = (*incomplete, "some findings could not be imported into Security Hub")
    notes = hub.notes
    run = dataclasses.replace(ctx.run, security_hub=hub.report, notes=(*ctx.run.notes, *notes))
    return ctx.advance(run=run, notes=(*ctx.notes, *notes), incomplete=incomplete)


def write_reports(ctx: ScanContext) -> ScanContext:
    """The report files, when an output directory is given (all appear together)."""
    if ctx.request.output_dir is None:
        return ctx
    from scanner.report import write_reports as write

    assert ctx.run is not None
    written = write(ctx.findings, ctx.run, Path(ctx.request.output_dir), ctx.request.formats)
    return ctx.advance(written=tuple(written))


Stage = Callable[[ScanContext], ScanContext]

STAGES: tuple[Stage, ...] = (
    load_policies,
    load_waivers,
    load_previous,
    parse_notify_targets,
    read_snapshot,
    find_baseline,
    start_policies,
    check_drift,
    attribute_drift,
    finish_policies,
    locate_policy_findings,
    gather_findings,
    # Stages that annotate or filter findings go here, in this order as they are built:
    # exposure (issue 13), traffic from flow logs (14), waivers, the previous run's status.
    compute_exposure,
    mark_exposure_drift,
    judge_reachability,
    add_traffic,
    apply_waivers,
    fold_account_level,
    compare_previous,
    check_coverage,
    describe_run,
    # Stages that tell the world run before the reports, which record how they went.
    send_notifications,
    import_security_hub,
    write_reports,
)


def run_stages(
    request: ScanRequest, stages: Iterable[Stage], progress: ProgressCallback | None = None
) -> ScanContext:
    """Run ``stages`` in order over a fresh context; the resources they open (worker
    processes) are closed when they end, also on an error."""
    notify = progress or _ignore
    stages = tuple(stages)
    ctx = ScanContext(request=request, progress=notify, drift_wanted=check_drift in stages)
    with ctx.resources:
        for stage in stages:
            notify(Progress(stage.__name__))
            ctx = stage(ctx)
        ctx = with_pack(ctx)  # a stage list that never asked for the pack still gets it
    return ctx


def scan(request: ScanRequest, progress: ProgressCallback | None = None) -> ScanResult:
    """Run a whole scan: policies, baseline, snapshot (read or collected), drift,
    attribution, policy evaluation, coverage, reports (when ``request.output_dir`` is set)."""
    ctx = run_stages(request, STAGES, progress)
    assert ctx.snapshot is not None and ctx.run is not None
    return ScanResult(
        findings=ctx.findings,
        deltas=ctx.deltas,
        drift_checked=ctx.drift_checked,
        run=ctx.run,
        incomplete=ctx.incomplete,
        written=ctx.written,
        snapshot=ctx.snapshot,
        waivers=ctx.waiver_outcome,
        resolved=ctx.resolved,
        compared=ctx.previous is not None,
        notes=ctx.notes,
        notifications=ctx.run.notifications,
        exposure=ctx.exposure,
    )


# ---- `netwarden exposure` ----------------------------------------------------------------


@dataclass(frozen=True)
class ExposureResult:
    """What ``netwarden exposure`` reports: the exposures (selected by port and resource),
    the approved ports they are judged against, and the scan's coverage."""

    report: ExposureReport
    approved: tuple[int, ...]
    incomplete: tuple[str, ...]

    @property
    def unapproved(self) -> list[Exposure]:
        from scanner.exposure.approved import unapproved

        return unapproved(self.report.exposures, self.approved)


EXPOSURE_STAGES: tuple[Stage, ...] = (
    load_policies,
    read_snapshot,
    compute_exposure,
    check_coverage,
)


def exposure(
    request: ScanRequest,
    port: int | None = None,
    resource: str | None = None,
    progress: ProgressCallback | None = None,
) -> ExposureResult:
    """Every interface the internet reaches, from a snapshot or a collection; the approved
    ports are the rule pack's (``request.policies_dir``; None: 80 and 443)."""
    from scanner.exposure.approved import DEFAULT_APPROVED, approved_ports
    from scanner.exposure.render import select

    ctx = run_stages(request, EXPOSURE_STAGES, progress)
    assert ctx.exposure is not None
    approved = DEFAULT_APPROVED
    if ctx.pack is not None:
        approved = approved_ports((p.metadata.id, p.data) for p in ctx.pack.policies)
    return ExposureResult(select(ctx.exposure, port, resource), approved, ctx.incomplete)


def exposure_exit_code(result: ExposureResult) -> int:
    """1 when something is reachable on a port that is not approved, 3 when the snapshot
    is incomplete, else 0 (1 before 3)."""
    codes = []
    if result.unapproved:
        codes.append(ExitCode.FINDINGS)
    if result.incomplete:
        codes.append(ExitCode.INCOMPLETE)
    return combine_exit_codes(*codes)
