"""`netwarden review --base GITREF`: the pull-request check for a change to baselines/."""

from __future__ import annotations

import click

from scanner import console
from scanner.commands import drift_output
from scanner.commands.common import (
    baseline_dir_option,
    category_option,
    fail_on_option,
    format_option,
    handle_input_errors,
    output_dir_option,
    policies_option,
    waivers_file,
    waivers_option,
    warn_about_waivers,
)
from scanner.formats import REPORT_FORMATS, REVIEW_FORMATS
from scanner.textsafe import one_line


@click.command("review")
@click.option(
    "--base",
    "base_ref",
    default="HEAD",
    show_default=True,
    help="Git revision the pull request is based on.",
)
@baseline_dir_option
@policies_option
@output_dir_option("reports", "Directory the review's reports are written to.")
@format_option(
    REPORT_FORMATS, REVIEW_FORMATS, "The review's reports written to -o DIR.", single=False
)
@fail_on_option
@category_option(
    "netwarden-review",
    "Code-scanning category of the review's SARIF (its own, so a pull request's review never "
    "closes the nightly scan's alerts).",
)
@waivers_option
@handle_input_errors
def review_command(
    base_ref: str,
    baseline_dir: str,
    policies_dir: str,
    output_dir: str,
    formats: tuple[str, ...],
    fail_on: str,
    category: str,
    waivers_path: str | None,
) -> None:
    """Pull-request check: what a change to baselines/ does, located at file:line."""
    from scanner.review import ReviewRequest, exit_code, review

    result = review(
        ReviewRequest(
            base_ref=base_ref,
            baseline_dir=baseline_dir,
            policies_dir=policies_dir,
            output_dir=output_dir,
            formats=formats,
            category=category,
            waivers=waivers_file(waivers_path),
        )
    )
    warn_about_waivers(result.waivers)
    click.echo(drift_output.as_text(result.deltas), nl=False)
    for finding in result.policy:
        where = f"{finding.location.path}:{finding.location.line}"
        accepted = " [accepted risk]" if finding.waiver is not None else ""
        click.echo(
            f"[{finding.severity.upper()}] {finding.rule_id} {one_line(finding.title)}: "
            f"{one_line(finding.resource_id)} ({where}){accepted}"
        )
    for path in result.written:
        console.note(f"wrote {path}")
    raise click.exceptions.Exit(exit_code(result, fail_on))
