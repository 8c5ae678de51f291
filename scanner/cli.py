"""The `netwarden` command line (CONTRACT.md)."""

from __future__ import annotations

import click

from scanner import __version__, gcpolicy
from scanner.commands.collect import collect_command
from scanner.commands.demo import demo_command
from scanner.commands.drift import baseline_group, diff_command
from scanner.commands.remediate import remediate_command
from scanner.commands.report import report_group
from scanner.commands.review import review_command
from scanner.commands.scan import scan_command
from scanner.policy.cli import policies


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="netwarden")
def cli() -> None:
    """netwarden: policy-as-code compliance and drift detection for AWS networks."""


cli.add_command(collect_command)
cli.add_command(demo_command)
cli.add_command(baseline_group)
cli.add_command(diff_command)
cli.add_command(review_command)
cli.add_command(scan_command)
cli.add_command(remediate_command)
cli.add_command(report_group)
cli.add_command(policies)


def main() -> None:
    gcpolicy.tune()
    cli(prog_name="netwarden")
