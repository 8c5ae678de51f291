"""`netwarden demo`: the embedded end-to-end story against an in-process moto server."""

from __future__ import annotations

import click

from scanner.commands.common import handle_input_errors, output_dir_option, policies_option


@click.command("demo")
@output_dir_option(
    "reports/demo", "Directory the demo writes its reports, baseline and snapshot to."
)
@policies_option
@click.option("--remediate", is_flag=True, help="Also apply the plan and re-scan to zero drift.")
@handle_input_errors
def demo_command(output_dir: str, policies_dir: str, remediate: bool) -> None:
    """Run the embedded end-to-end demo (no AWS account needed)."""
    from scanner.demo.story import run_demo

    run_demo(output_dir, echo=click.echo, policies_dir=policies_dir, remediate=remediate)
