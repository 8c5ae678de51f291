"""`netwarden init [DIR]`: scaffold a company repository (baselines/, waivers, accounts
example, the IAM policy, the nightly and review workflows); never overwrites a file."""

from __future__ import annotations

import click

from scanner import console
from scanner.commands.common import FAIL_ON, handle_input_errors


@click.command("init")
@click.argument("directory", default=".", type=click.Path(file_okay=False))
@click.option(
    "--shards",
    type=click.IntRange(1, 256),
    default=1,
    show_default=True,
    help="Parallel scan jobs in the nightly workflow (each scans a stable share of accounts).",
)
@click.option(
    "--schedule",
    default="23 4 * * *",
    show_default=True,
    help="When the nightly workflow runs (cron, UTC).",
)
@click.option(
    "--aws-region",
    default="us-east-1",
    show_default=True,
    help="Region the workflow signs in to AWS through (the scan still covers every region).",
)
@click.option(
    "--python",
    "python_version",
    default="3.12",
    show_default=True,
    help="Python version the workflows install netwarden with.",
)
@click.option(
    "--netwarden-spec",
    help="What the workflows pip-install [default: this version, netwarden==VERSION].",
)
@click.option(
    "--fail-on",
    type=click.Choice(FAIL_ON),
    default="high",
    show_default=True,
    help="Severity at which the workflows fail.",
)
@click.option(
    "--category",
    default="netwarden",
    show_default=True,
    help="Code-scanning category of the nightly scan's SARIF.",
)
@click.option(
    "--with-policies",
    is_flag=True,
    help="Also copy the installed rule pack into DIR/policies to edit it "
    "(without it, scans use the pack installed with netwarden and get its updates).",
)
@handle_input_errors
def init_command(
    directory: str,
    shards: int,
    schedule: str,
    aws_region: str,
    python_version: str,
    netwarden_spec: str | None,
    fail_on: str,
    category: str,
    with_policies: bool,
) -> None:
    """Scaffold a repository to run netwarden in GitHub: nightly scan and PR review."""
    from scanner.scaffold.files import InitOptions
    from scanner.scaffold.repository import default_spec, init_repository

    options = InitOptions(
        shards=shards,
        schedule=schedule,
        aws_region=aws_region,
        python=python_version,
        netwarden_spec=netwarden_spec or default_spec(),
        fail_on=fail_on,
        category=category,
    )
    for path in init_repository(directory, options, with_policies=with_policies):
        console.note(f"wrote {path}")
    console.note(
        # The baseline must cover the accounts the nightly workflow scans (accounts.yaml),
        # or every other account's drift goes unchecked.
        "next: copy accounts.example.yaml to accounts.yaml, set the repository variable "
        "NETWARDEN_ROLE_ARN, run `netwarden baseline create --accounts accounts.yaml`, "
        "and commit"
    )
