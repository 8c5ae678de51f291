"""`netwarden diff` and `netwarden baseline create|accept`."""

from __future__ import annotations

import sys
from typing import Any

import click

from scanner import console
from scanner.commands import drift_output
from scanner.commands.common import (
    aws_options,
    aws_request,
    baseline_dir_option,
    emit,
    format_option,
    handle_input_errors,
    obtain_snapshot,
    output_file_option,
    print_notes,
    progress_display,
    snapshot_option,
    waivers_file,
    waivers_option,
    warn_about_waivers,
)
from scanner.errors import ExitCode, InputError


@click.command("diff")
@aws_options
@snapshot_option
@baseline_dir_option
@format_option(
    ("text", "json"),
    "text",
    "The drift document: text (a table at a terminal) or JSON.",
    single=True,
)
@output_file_option(None, "Write the drift document to this file instead of stdout.")
@click.option(
    "--cloudtrail",
    help="CloudTrail logs to attribute drift: s3://bucket/prefix, a directory laid out as a "
    "trail writes it, or 'lookup' (the LookupEvents API).",
)
@waivers_option
@handle_input_errors
def diff_command(
    snapshot_path: str | None,
    baseline_dir: str,
    output_format: str,
    output: str | None,
    cloudtrail: str | None,
    waivers_path: str | None,
    **aws: Any,
) -> None:
    """Show drift from the baseline; exit 1 when there is drift."""
    from scanner.pipeline import ScanRequest, exit_code, scan

    request = ScanRequest(
        snapshot=snapshot_path,
        aws=aws_request(aws),
        baseline_dir=baseline_dir,
        require_baseline=True,
        policies_dir=None,
        cloudtrail=cloudtrail,
        baseline_commit=False,
        waivers=waivers_file(waivers_path),
    )
    with progress_display() as bar:
        result = scan(request, bar)
    from scanner.drift.findings import drift_annotations

    deltas = list(result.deltas)
    who, waived = drift_annotations(result.findings)
    if output_format == "json":
        emit(drift_output.as_json(deltas, who if cloudtrail else None, waived), output)
    elif output is None and sys.stdout.isatty():
        drift_output.print_table(deltas, who, waived)
    else:
        emit(drift_output.as_text(deltas, who, waived), output)
    warn_about_waivers(result.waivers)
    print_notes(result.notes)
    if result.incomplete:
        click.echo("netwarden: warning: the snapshot is incomplete (see its errors)", err=True)
    # Every drift is at least "info": diff fails on any drift a waiver does not accept.
    raise click.exceptions.Exit(exit_code(result, fail_on="info"))


@click.group("baseline")
def baseline_group() -> None:
    """Create and update the known-good baseline in baselines/."""


@baseline_group.command("create")
@aws_options
@snapshot_option
@baseline_dir_option
@click.option("--force", is_flag=True, help="Overwrite existing baseline files.")
@handle_input_errors
def create_command(snapshot_path: str | None, baseline_dir: str, force: bool, **aws: Any) -> None:
    """Write the known-good baseline from live state (or --snapshot)."""
    from scanner.baseline.workflow import create
    from scanner.pipeline import snapshot_exit_code

    snapshot = obtain_snapshot(snapshot_path, aws)
    for path in create(snapshot, baseline_dir, force):
        console.note(f"wrote {path}")
    code = snapshot_exit_code(snapshot)
    if code != ExitCode.OK:
        click.echo(
            "netwarden: warning: some types could not be read and are missing from the baseline",
            err=True,
        )
        raise click.exceptions.Exit(code)


@baseline_group.command("accept")
@aws_options
@snapshot_option
@baseline_dir_option
@click.option("--resource", "resources", multiple=True, help="Resource id to accept (repeatable).")
@click.option("--all", "accept_all", is_flag=True, help="Accept all drift.")
@handle_input_errors
def accept_command(
    snapshot_path: str | None,
    baseline_dir: str,
    resources: tuple[str, ...],
    accept_all: bool,
    **aws: Any,
) -> None:
    """Fold reviewed drift into the baseline, touching only the accepted resources."""
    from scanner.drift.accept import accept

    if bool(resources) == accept_all:
        raise InputError("give --resource ID (repeatable) or --all")
    snapshot = obtain_snapshot(snapshot_path, aws)
    deltas, written = accept(snapshot, baseline_dir, None if accept_all else resources)
    for path in written:
        console.note(f"updated {path}")
    console.note(f"accepted {len(deltas)} drifted resource(s)")


@baseline_group.command("lint")
@baseline_dir_option
@handle_input_errors
def lint_command(baseline_dir: str) -> None:
    """Check every baseline file: it parses, and is in the form netwarden writes."""
    from scanner.baseline.workflow import lint

    count, unformatted = lint(baseline_dir)  # a file that does not parse: exit 2 at file:line
    for message in unformatted:
        click.echo(message, err=True)
    if unformatted:
        click.echo(
            "netwarden: rewrite them with `netwarden baseline accept` or `baseline create "
            "--force`; a hand-ordered file makes pull-request diffs noisy",
            err=True,
        )
        raise click.exceptions.Exit(ExitCode.FINDINGS)
    console.note(f"{count} baseline file(s) are valid")
