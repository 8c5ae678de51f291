"""`netwarden report merge DIR... -o OUT`: one report set from the shards' report sets."""

from __future__ import annotations

from typing import Any

import click

from scanner import console
from scanner.commands.common import (
    aws_options,
    aws_request,
    category_option,
    handle_input_errors,
    output_dir_option,
    policies_option,
)
from scanner.errors import ExitCode, InputError
from scanner.formats import DEFAULT_FORMATS, REPORT_FORMATS


@click.group("report")
def report_group() -> None:
    """Work with report sets."""


@report_group.command("merge")
@click.argument("shard_dirs", nargs=-1, required=True, type=click.Path(file_okay=False))
@output_dir_option
@policies_option
@click.option(
    "--format",
    "formats",
    default=",".join(DEFAULT_FORMATS),
    show_default=True,
    help=f"Comma-separated report formats: {', '.join(REPORT_FORMATS)}.",
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
    formats: str,
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
    from scanner.collect.aws_options import AccountClients
    from scanner.commands.common import print_notes, security_hub_line
    from scanner.model import finding_from_dict
    from scanner.pipeline import security_hub_import
    from scanner.policy.loader import load_policy_pack
    from scanner.report.merge import read_findings
    from scanner.report.run import RunInfo, pack_rules

    document, path = read_findings(report_dir)
    try:
        findings = [finding_from_dict(item) for item in document["findings"]]
        resolved = list(document.get("resolved") or [])
        meta = document["run"]
        pack = load_policy_pack(policies_dir)
        run = RunInfo(
            tool_version=str(meta.get("tool_version", "")),
            collected_at=str(meta["collected_at"]),
            accounts=tuple(meta.get("accounts", ())),
            regions=tuple(meta.get("regions", ())),
            policy_pack_digest=str((meta.get("policy_pack") or {}).get("digest", "")),
            policy_pack_dir=policies_dir,
            baseline_dir=str((meta.get("baseline") or {}).get("dir", "")),
            rules=tuple(pack_rules(pack)),
            account_names=tuple((meta.get("account_names") or {}).items()),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise InputError(f"not a netwarden findings.json: {exc}", path) from None
    clients = AccountClients(aws_request(aws))
    report, notes = security_hub_import(
        findings,
        resolved,
        run,
        lambda account, region: clients.client("securityhub", account, region),
    )
    console.note(security_hub_line(report))
    print_notes(notes)
    raise click.exceptions.Exit(ExitCode.INCOMPLETE if notes else ExitCode.OK)
