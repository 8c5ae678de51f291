"""`netwarden collect -o snapshot.json`"""

from __future__ import annotations

from typing import Any

import click

from scanner import console
from scanner import snapshot as snapshot_io
from scanner.commands.common import aws_options, handle_input_errors, run_collection
from scanner.errors import ExitCode
from scanner.inventory import summary_line
from scanner.snapshot import has_errors


@click.command("collect")
@aws_options
@click.option(
    "-o",
    "--output",
    default="snapshot.json",
    show_default=True,
    type=click.Path(dir_okay=False),
    help="Where to write the snapshot (atomically).",
)
@handle_input_errors
def collect_command(output: str, **aws: Any) -> None:
    """Collect network state (all types, all regions, all accounts) into a snapshot."""
    snapshot = run_collection(**aws)
    snapshot_io.write(snapshot, output)
    console.note(f"{summary_line(snapshot)}; wrote {output}")
    if has_errors(snapshot):
        for gap in snapshot_io.coverage_gaps(snapshot):
            click.echo(
                f"netwarden: warning: could not read {gap['type']} in "
                f"{gap['account']}/{gap['region']}: {gap['code']}",
                err=True,
            )
        raise click.exceptions.Exit(ExitCode.INCOMPLETE)
