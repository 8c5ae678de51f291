"""`netwarden scan`: collect (or read a snapshot), diff, evaluate, attribute, report."""

from __future__ import annotations

import subprocess
from collections import Counter
from pathlib import Path
from typing import Any

import click

from scanner import console
from scanner.baseline import store
from scanner.commands.common import (
    aws_options,
    baseline_dir_option,
    fail_on_option,
    handle_input_errors,
    obtain_snapshot,
    output_dir_option,
    policies_option,
    snapshot_option,
)
from scanner.errors import ExitCode, InputError, combine_exit_codes
from scanner.model import SEVERITIES, Finding, severity_at_least
from scanner.snapshot import has_errors

FORMATS = ("sarif", "markdown", "json")


def parse_formats(value: str) -> tuple[str, ...]:
    formats = tuple(dict.fromkeys(f.strip() for f in value.split(",") if f.strip()))
    unknown = [f for f in formats if f not in FORMATS]
    if unknown or not formats:
        raise InputError(
            f"--format: unknown format {unknown[0] if unknown else value!r} "
            f"(choose from {', '.join(FORMATS)})"
        )
    return formats


def baseline_commit(baseline_dir: str) -> str | None:
    """The commit that last changed the baseline, when it is in a git checkout."""
    try:
        result = subprocess.run(
            ["git", "log", "-1", "--format=%H", "--", baseline_dir],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout.strip() or None


def scan_findings(
    snapshot: dict[str, Any],
    baseline_dir: str,
    pack: Any,
    cloudtrail: str | None = None,
    endpoint_url: str | None = None,
) -> tuple[list[Finding], bool]:
    """Drift (when a baseline exists, attributed when CloudTrail is given) and policy
    findings; and whether drift was checked."""
    from scanner.commands.drift import compute_drift
    from scanner.drift.findings import drift_findings
    from scanner.policy.parallel import start_evaluation

    # Policies run in worker processes (one (account, region) block per task) while this
    # process reads the baseline and computes drift.
    with start_evaluation(snapshot, pack) as pending:
        findings: list[Finding] = []
        baselines = store.BaselineDir(baseline_dir)  # each region's file parsed when diffed
        has_baseline = bool(baselines)
        if has_baseline:
            deltas = compute_drift(snapshot, baseline_dir, baselines)
            drift = drift_findings(deltas)
            if cloudtrail and deltas:
                drift = attribute_drift(drift, deltas, cloudtrail, endpoint_url)
            findings.extend(drift)
        findings.extend(pending.result())
    return sorted(findings, key=Finding.sort_key), has_baseline


def attribute_drift(
    findings: list[Finding], deltas: list[Any], cloudtrail: str, endpoint_url: str | None
) -> list[Finding]:
    from scanner.attribution.match import attribute
    from scanner.attribution.sources import records_for

    ids = [d.resource_id for d in deltas] + [d.baseline_id for d in deltas if d.baseline_id]
    records = records_for(cloudtrail, ids, {d.region for d in deltas}, endpoint_url)
    return attribute(findings, deltas, records)


def summary(findings: list[Finding]) -> str:
    counts = Counter(f.severity for f in findings)
    parts = [f"{counts[s]} {s}" for s in SEVERITIES if counts[s]]
    drift = sum(1 for f in findings if f.kind == "drift")
    return (
        f"{len(findings)} finding(s) ({', '.join(parts) or 'none'}); "
        f"{drift} drift, {len(findings) - drift} policy"
    )


@click.command("scan")
@aws_options
@snapshot_option
@baseline_dir_option
@policies_option
@output_dir_option
@click.option(
    "--format",
    "formats",
    default=",".join(FORMATS),
    show_default=True,
    help="Comma-separated report formats: sarif, markdown, json.",
)
@fail_on_option
@click.option(
    "--cloudtrail", help="CloudTrail logs to attribute drift (s3://bucket/prefix or a directory)."
)
@handle_input_errors
def scan_command(
    snapshot_path: str | None,
    baseline_dir: str,
    policies_dir: str,
    output_dir: str,
    formats: str,
    fail_on: str,
    cloudtrail: str | None,
    **aws: Any,
) -> None:
    """The whole pipeline: collect (or --snapshot), diff, evaluate, report."""
    from scanner.policy.loader import load_policy_pack
    from scanner.report import write_reports
    from scanner.report.run import pack_rules, run_info_from_snapshot

    chosen = parse_formats(formats)
    pack = load_policy_pack(policies_dir)  # bad input fails before any AWS call
    snapshot = obtain_snapshot(snapshot_path, aws)
    findings, has_baseline = scan_findings(
        snapshot, baseline_dir, pack, cloudtrail, aws.get("endpoint_url")
    )
    if not has_baseline:
        click.echo(
            f"netwarden: note: no baseline in {baseline_dir}/, drift not checked "
            "(create one with `netwarden baseline create`)",
            err=True,
        )
    run = run_info_from_snapshot(
        snapshot,
        rules=pack_rules(pack),
        policy_pack_dir=policies_dir,
        policy_pack_digest=pack.digest,
        baseline_dir=baseline_dir,
        baseline_commit=baseline_commit(baseline_dir) if has_baseline else None,
    )
    written = write_reports(findings, run, Path(output_dir), chosen)
    console.note(summary(findings))
    for path in written:
        console.note(f"wrote {path}")
    codes = []
    if any(severity_at_least(f.severity, fail_on) for f in findings):
        codes.append(ExitCode.FINDINGS)
    if has_errors(snapshot):
        click.echo("netwarden: warning: the scan is incomplete; see the coverage section", err=True)
        codes.append(ExitCode.INCOMPLETE)
    raise click.exceptions.Exit(combine_exit_codes(*codes))
