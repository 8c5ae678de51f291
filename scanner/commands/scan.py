"""`netwarden scan`: collect (or read a snapshot), diff, evaluate, attribute, report."""

from __future__ import annotations

from typing import Any

import click

from scanner import console
from scanner.commands.common import (
    aws_options,
    aws_request,
    baseline_dir_option,
    category_option,
    fail_on_option,
    format_option,
    handle_input_errors,
    output_dir_option,
    policies_option,
    print_notes,
    progress_display,
    security_hub_line,
    snapshot_option,
    waivers_file,
    waivers_option,
    warn_about_waivers,
)
from scanner.formats import DEFAULT_FORMATS, REPORT_FORMATS


@click.command("scan")
@aws_options
@snapshot_option
@baseline_dir_option
@policies_option
@output_dir_option("reports", "Directory the reports are written to (created when missing).")
@format_option(REPORT_FORMATS, DEFAULT_FORMATS, "The reports written to -o DIR.", single=False)
@fail_on_option
@click.option(
    "--cloudtrail",
    help="CloudTrail logs to attribute drift: s3://bucket/prefix, a directory laid out as a "
    "trail writes it, or 'lookup' (the LookupEvents API).",
)
@click.option(
    "--engine",
    type=click.Choice(["native", "custodian"]),
    default="native",
    show_default=True,
    help="Policy evaluation: native (compiled filters, proven equal to Custodian's; Custodian "
    "for the filters it does not implement) or custodian (Custodian's classes for every policy).",
)
@category_option("netwarden", "Code-scanning category: SARIF automationDetails.id is NAME/.")
@waivers_option
@click.option(
    "--previous",
    "previous_path",
    type=click.Path(exists=False),
    help="A previous run (its report directory or findings.json): mark each finding new or "
    "existing, and list what was resolved since.",
)
@click.option(
    "--notify",
    "notify",
    multiple=True,
    metavar="TARGET",
    help="Tell people about the new findings: sns:<topic-arn>, slack:<webhook-url> or "
    "webhook:<url> (repeatable). Nothing is sent when nothing is new.",
)
@click.option(
    "--notify-on",
    type=click.Choice(("critical", "high", "medium", "low", "info")),
    default="high",
    show_default=True,
    help="Notify about new findings at or above this severity.",
)
@click.option(
    "--security-hub",
    is_flag=True,
    help="Import the findings into AWS Security Hub (ASFF, in each finding's account and "
    "region); with --previous, the resolved ones are archived.",
)
@click.option(
    "--flow-logs",
    help="VPC Flow Logs (s3://bucket/prefix or a directory): traffic evidence on open-rule "
    "findings, and the flow detections.",
)
@click.option("--since", help="With --flow-logs: window start, ISO 8601 or 24h/7d ago.")
@click.option("--until", help="With --flow-logs: window end (exclusive).")
@handle_input_errors
def scan_command(
    snapshot_path: str | None,
    baseline_dir: str,
    policies_dir: str,
    output_dir: str,
    formats: tuple[str, ...],
    fail_on: str,
    cloudtrail: str | None,
    engine: str,
    category: str,
    waivers_path: str | None,
    previous_path: str | None,
    notify: tuple[str, ...],
    notify_on: str,
    security_hub: bool,
    flow_logs: str | None,
    since: str | None,
    until: str | None,
    **aws: Any,
) -> None:
    """The whole pipeline: collect (or --snapshot), diff, evaluate, report."""
    from scanner.pipeline import ScanRequest, exit_code, scan

    request = ScanRequest(
        snapshot=snapshot_path,
        aws=aws_request(aws),
        baseline_dir=baseline_dir,
        policies_dir=policies_dir,
        cloudtrail=cloudtrail,
        output_dir=output_dir,
        formats=formats,
        engine=engine,
        category=category,
        waivers=waivers_file(waivers_path),
        previous=previous_path,
        notify=notify,
        notify_on=notify_on,
        security_hub=security_hub,
        flow_logs=flow_logs,
        flow_since=since,
        flow_until=until,
    )
    if (since or until) and not flow_logs:
        raise click.UsageError("--since and --until need --flow-logs")
    with progress_display() as bar:
        result = scan(request, bar)
    if not result.drift_checked:
        click.echo(
            f"netwarden: note: no baseline in {baseline_dir}/, drift not checked "
            "(create one with `netwarden baseline create`)",
            err=True,
        )
    from scanner.commands.summary import print_summary

    warn_about_waivers(result.waivers)
    print_notes(result.notes)
    if result.run.security_hub is not None:
        console.note(security_hub_line(result.run.security_hub))
    for sent in result.notifications:
        if sent["ok"]:
            console.note(f"{sent['target']}: {sent['detail']}")
    print_summary(result.findings, result.summary(), compared=result.compared)
    for path in result.written:
        console.note(f"wrote {path}")
    if result.incomplete:
        click.echo("netwarden: warning: the scan is incomplete; see the coverage section", err=True)
    raise click.exceptions.Exit(exit_code(result, fail_on))
