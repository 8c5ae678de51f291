"""`netwarden exposure`: every network interface the internet can reach, on which port, by
which path; and the open rules whose path is cut, with where."""

from __future__ import annotations

from typing import Any

import click

from scanner.commands.common import (
    aws_options,
    aws_request,
    emit,
    format_option,
    handle_input_errors,
    output_file_option,
    policies_option,
    progress_display,
    snapshot_option,
)


@click.command("exposure")
@aws_options
@snapshot_option
@policies_option
@format_option(
    ("text", "json", "markdown"),
    "text",
    "The exposure document (Markdown has a Mermaid diagram of each path).",
    single=True,
)
@output_file_option(None, "Write the exposure document to this file instead of stdout.")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    help="Only exposures (and cut open rules) on this TCP/UDP port, or on all protocols.",
)
@click.option(
    "--resource",
    help="Only exposures about this resource: the interface, what it belongs to (instance, "
    "load balancer, ...) or any component of the path (security group, NACL, route table).",
)
@handle_input_errors
def exposure_command(
    snapshot_path: str | None,
    policies_dir: str,
    output_format: str,
    output: str | None,
    port: int | None,
    resource: str | None,
    **aws: Any,
) -> None:
    """What the internet reaches: interfaces, ports, sources and paths; exit 1 off-approved."""
    from scanner.pipeline import ScanRequest, exposure, exposure_exit_code

    request = ScanRequest(snapshot=snapshot_path, aws=aws_request(aws), policies_dir=policies_dir)
    with progress_display() as bar:
        result = exposure(request, port=port, resource=resource, progress=bar)
    if output_format == "json":
        from scanner.exposure.render import to_json

        emit(to_json(result.report), output)
    elif output_format == "markdown":
        from scanner.report.exposure import to_markdown

        emit(to_markdown(result.report, result.approved), output)
    else:
        from scanner.exposure.render import to_text

        emit(to_text(result.report, result.approved), output)
    if result.incomplete:
        click.echo(
            "netwarden: warning: the snapshot is incomplete; exposure may be missing", err=True
        )
    raise click.exceptions.Exit(exposure_exit_code(result))
