"""`netwarden report merge DIR... -o OUT`: one report set from the shards' report sets."""

from __future__ import annotations

from typing import Any

import click

from scanner import console
from scanner.commands.common import (
    aws_options,
    aws_request,
    category_option,
    format_option,
    handle_input_errors,
    output_dir_option,
    policies_option,
)
from scanner.formats import DEFAULT_FORMATS, REPORT_FORMATS


@click.group("report")
def report_group() -> None:
    """Work with report sets."""


@report_group.command("merge")
@click.argument("shard_dirs", nargs=-1, required=True, type=click.Path(file_okay=False))
@output_dir_option("reports", "Directory the merged reports are written to.")
@policies_option
@format_option(
    REPORT_FORMATS, DEFAULT_FORMATS, "The merged reports written to -o DIR.", single=False
)
@category_option(None, "Code-scanning category of the merged SARIF [default: the shards'].")
@click.option(
    "--fail-on",
    type=click.Choice(("critical", "high", "medium", "low", "info", "none")),
    default="none",
    show_default=True,
    help="Exit 1 when a merged finding is at or above this severity (and 3 when a shard's "
    "scan was incomplete), as scan does.",
)
@handle_input_errors
def merge_command(
    shard_dirs: tuple[str, ...],
    output_dir: str,
    policies_dir: str,
    formats: tuple[str, ...],
    category: str | None,
    fail_on: str,
) -> None:
    """Merge shard reports (each a scan's -o DIR) into one report set."""
    from scanner.merge import MergeRequest, exit_code, merge
    from scanner.report.writer import formats_from_flag

    result = merge(
        MergeRequest(
            shard_dirs=shard_dirs,
            output_dir=output_dir,
            policies_dir=policies_dir,
            formats=formats_from_flag(formats),
            category=category,
        )
    )
    for path in result.written:
        console.note(f"wrote {path}")
    raise click.exceptions.Exit(exit_code(result, fail_on))


@report_group.command("securityhub")
@click.argument("report_dir", type=click.Path(exists=True))
@aws_options
@policies_option
@handle_input_errors
def securityhub_command(report_dir: str, policies_dir: str, **aws: Any) -> None:
    """Import a scan's findings.json into AWS Security Hub (resolved ones archived)."""
    from scanner.commands.common import print_notes, security_hub_line
    from scanner.securityhub.publish import exit_code, import_report

    result = import_report(report_dir, policies_dir, aws_request(aws))
    console.note(security_hub_line(result.report))
    print_notes(result.notes)
    raise click.exceptions.Exit(exit_code(result))
