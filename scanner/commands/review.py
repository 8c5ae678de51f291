"""`netwarden review --base GITREF`: the pull-request check for a change to baselines/."""

from __future__ import annotations

import click

from scanner.baseline import gitsource, store
from scanner.commands.common import baseline_dir_option, handle_input_errors
from scanner.drift import render
from scanner.drift.review import review_deltas
from scanner.errors import ExitCode
from scanner.model import severity_at_least


@click.command("review")
@click.option(
    "--base", "base_ref", required=True, help="Git revision the pull request is based on."
)
@baseline_dir_option
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text")
@click.option(
    "--fail-on",
    type=click.Choice(["critical", "high", "medium", "low", "info", "none"]),
    default="high",
    show_default=True,
)
@handle_input_errors
def review_command(base_ref: str, baseline_dir: str, output_format: str, fail_on: str) -> None:
    """Pull-request check: what a change to baselines/ does, located at file:line."""
    old = gitsource.load_at_revision(baseline_dir, base_ref)
    new = store.load_dir(baseline_dir)
    deltas = review_deltas(old, new, lambda a, r: store.baseline_path(baseline_dir, a, r))
    click.echo(
        render.as_json(deltas) if output_format == "json" else render.as_text(deltas), nl=False
    )
    failing = any(severity_at_least(d.severity, fail_on) for d in deltas)
    raise click.exceptions.Exit(ExitCode.FINDINGS if failing else ExitCode.OK)
