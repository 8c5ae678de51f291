"""`netwarden report merge DIR... -o OUT`: one report set from the shards' report sets."""

from __future__ import annotations

from pathlib import Path

import click

from scanner import console
from scanner.commands.common import handle_input_errors, policies_option
from scanner.errors import InputError
from scanner.formats import DEFAULT_FORMATS


@click.group("report")
def report_group() -> None:
    """Work with report sets."""


@report_group.command("merge")
@click.argument("shard_dirs", nargs=-1, required=True, type=click.Path(file_okay=False))
@click.option("-o", "--output-dir", default="reports", show_default=True)
@policies_option
@click.option("--format", "formats", default=",".join(DEFAULT_FORMATS), show_default=True)
@handle_input_errors
def merge_command(
    shard_dirs: tuple[str, ...], output_dir: str, policies_dir: str, formats: str
) -> None:
    """Merge shard reports (each a scan's -o DIR) into one SARIF/Markdown/JSON set."""
    from scanner.policy.loader import load_policy_pack
    from scanner.report import write_reports
    from scanner.report.merge import merge_runs, read_shard
    from scanner.report.run import pack_rules
    from scanner.report.writer import formats_from_flag

    chosen = formats_from_flag(formats)
    documents = [read_shard(d) for d in shard_dirs]
    pack = load_policy_pack(policies_dir)
    rules = pack_rules(pack)
    findings, run = merge_runs(documents, list(shard_dirs), rules)
    if run.policy_pack_digest != pack.digest:
        raise InputError(
            f"the shards were scanned with another policy pack than {policies_dir}/ "
            f"(digest {run.policy_pack_digest[:12]}, here {pack.digest[:12]})"
        )
    for path in write_reports(findings, run, Path(output_dir), chosen):
        console.note(f"wrote {path}")
