"""`netwarden collect -o snapshot.json`"""

from __future__ import annotations

from typing import Any

import click

from scanner import console
from scanner import snapshot as snapshot_io
from scanner.commands.common import (
    aws_options,
    handle_input_errors,
    output_file_option,
    run_collection,
)
from scanner.errors import ExitCode, InputError
from scanner.inventory import summary_line


@click.command("collect")
@aws_options
@output_file_option("snapshot.json", "File the snapshot is written to (atomically).")
@handle_input_errors
def collect_command(output: str, **aws: Any) -> None:
    """Collect network state (all types, all regions, all accounts) into a snapshot."""
    snapshot = run_collection(**aws)
    try:
        snapshot_io.write(snapshot, output)
    except OSError as exc:
        raise InputError(f"cannot write: {exc.strerror or exc}", output) from None
    console.note(f"{summary_line(snapshot)}; wrote {output}")
    from scanner.pipeline import snapshot_exit_code

    code = snapshot_exit_code(snapshot)
    if code != ExitCode.OK:
        for gap in snapshot_io.coverage_gaps(snapshot):
            click.echo(
                f"netwarden: warning: could not read {gap['type']} in "
                f"{gap['account']}/{gap['region']}: {gap['code']}",
                err=True,
            )
        raise click.exceptions.Exit(code)
