"""The `netwarden` command line (CONTRACT.md).

Subcommands are imported when they run (``scanner.lazycli``), so ``netwarden --help`` and
the commands that need neither boto3 nor Cloud Custodian start fast.
"""

from __future__ import annotations

import click

from scanner import console, gcpolicy
from scanner.lazycli import LazyCommand, LazyGroup

# name -> where the command lives, and its one-line help (checked equal to the command's own).
COMMANDS: dict[str, LazyCommand] = {
    "baseline": LazyCommand(
        "scanner.commands.drift:baseline_group",
        "Create and update the known-good baseline in baselines/.",
    ),
    "collect": LazyCommand(
        "scanner.commands.collect:collect_command",
        "Collect network state (all types, all regions, all accounts) into a snapshot.",
    ),
    "demo": LazyCommand(
        "scanner.commands.demo:demo_command",
        "Run the embedded end-to-end demo (no AWS account needed).",
    ),
    "diff": LazyCommand(
        "scanner.commands.drift:diff_command",
        "Show drift from the baseline; exit 1 when there is drift.",
    ),
    "policies": LazyCommand("scanner.policy.cli:policies", "Check and list the rule pack."),
    "remediate": LazyCommand(
        "scanner.commands.remediate:remediate_command",
        "Remediation plan for drift and violations; --apply executes it.",
    ),
    "report": LazyCommand("scanner.commands.report:report_group", "Work with report sets."),
    "review": LazyCommand(
        "scanner.commands.review:review_command",
        "Pull-request check: what a change to baselines/ does, located at file:line.",
    ),
    "scan": LazyCommand(
        "scanner.commands.scan:scan_command",
        "The whole pipeline: collect (or --snapshot), diff, evaluate, report.",
    ),
}


@click.group(
    cls=LazyGroup,
    lazy_commands=COMMANDS,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(package_name="netwarden", prog_name="netwarden")
@click.option("-q", "--quiet", is_flag=True, help="Print only results, warnings and errors.")
@click.option("-v", "--verbose", is_flag=True, help="Print more detail on stderr.")
@click.option(
    "--no-color",
    is_flag=True,
    help="No colour in terminal output (also when NO_COLOR is set).",
)
def cli(quiet: bool, verbose: bool, no_color: bool) -> None:
    """netwarden: policy-as-code compliance and drift detection for AWS networks."""
    console.configure(quiet=quiet, verbose=verbose, no_color=no_color)


def main() -> None:
    gcpolicy.tune()
    cli(prog_name="netwarden")
