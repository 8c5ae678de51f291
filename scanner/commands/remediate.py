"""`netwarden remediate`: the plan that reverts drift (and, if asked, fixes violations);
executed only with --apply and a confirmation."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import click
from tabulate import tabulate

from scanner import console
from scanner.commands.common import (
    aws_options,
    aws_request,
    baseline_dir_option,
    handle_input_errors,
    policies_option,
    progress_display,
    snapshot_option,
)
from scanner.errors import ExitCode, InputError
from scanner.remediate.plan import Step
from scanner.textsafe import one_line

if TYPE_CHECKING:
    from scanner.remediate.apply import Outcome


def plan_table(steps: list[Step]) -> str:
    rows = [
        [
            i + 1,
            s.phase,
            f"{s.account}/{s.region}",
            one_line(s.resource_id, 40),
            one_line(s.action.description, 60),
            s.action.api.operation if s.action.api else "(manual)",
        ]
        for i, s in enumerate(steps)
    ]
    return tabulate(
        rows, headers=["#", "phase", "where", "resource", "step", "call"], tablefmt="github"
    )


def outcome_table(outcomes: list[Outcome]) -> str:
    rows = [
        [
            i + 1,
            o.status,
            one_line(o.step.resource_id, 40),
            one_line(o.step.action.description, 50),
            one_line(o.detail, 60),
        ]
        for i, o in enumerate(outcomes)
    ]
    return tabulate(rows, headers=["#", "status", "resource", "step", "detail"], tablefmt="github")


@click.command("remediate")
@aws_options
@snapshot_option
@baseline_dir_option
@policies_option
@click.option(
    "--include-policy-fixes",
    is_flag=True,
    help="Also fix policy violations on resources the baseline approved.",
)
@click.option(
    "--plan-out",
    type=click.Path(dir_okay=False),
    help="Write the plan as JSON, with a digest of the state it was made for, to review.",
)
@click.option(
    "--plan",
    "plan_in",
    type=click.Path(dir_okay=False, exists=True),
    help="With --apply: apply exactly this reviewed plan (from --plan-out), refusing if a "
    "step is not one netwarden derives now or if the resources changed since it was made.",
)
@click.option(
    "--evidence-dir",
    default="reports",
    show_default=True,
    help="Where the pre-change evidence snapshot is written on --apply.",
)
@click.option(
    "--cloudtrail",
    help="CloudTrail logs (s3://bucket/prefix, a directory, or 'lookup'), to add containment "
    "steps for the principal behind each drift.",
)
@click.option("--apply", "do_apply", is_flag=True, help="Execute the plan (dry-run first).")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation (needed without a TTY).")
@handle_input_errors
def remediate_command(
    snapshot_path: str | None,
    baseline_dir: str,
    policies_dir: str,
    include_policy_fixes: bool,
    plan_out: str | None,
    plan_in: str | None,
    evidence_dir: str,
    cloudtrail: str | None,
    do_apply: bool,
    yes: bool,
    **aws: Any,
) -> None:
    """Remediation plan for drift and violations; --apply executes it."""
    from scanner import remediation

    if do_apply and not yes and not sys.stdin.isatty():
        raise InputError("--apply without a terminal needs --yes")
    if plan_in and not do_apply:
        raise InputError("--plan applies a reviewed plan: use it with --apply")
    if plan_in and plan_out:
        raise InputError("use either --plan (apply a reviewed plan) or --plan-out (make one)")
    options = aws_request(aws)
    request = remediation.RemediationRequest(
        snapshot=snapshot_path,
        aws=options,
        baseline_dir=baseline_dir,
        policies_dir=policies_dir,
        cloudtrail=cloudtrail,
        include_policy_fixes=include_policy_fixes,
        reviewed_plan=plan_in,
    )
    with progress_display() as bar:
        planned = remediation.plan(request, bar)
    click.echo(plan_table(list(planned.steps)) if planned.steps else "Nothing to remediate.")
    if plan_out:
        remediation.write_plan(planned, plan_out)
        console.note(f"wrote {plan_out}")
    if not do_apply or not planned.executable:
        return
    if not yes:
        click.confirm(f"Apply {planned.executable} change(s) to AWS?", abort=True)
    evidence = remediation.write_evidence(planned, evidence_dir)
    console.note(f"wrote evidence of the affected resources to {evidence}")
    outcomes = remediation.apply(planned, remediation.client_factory(options))
    click.echo(outcome_table(list(outcomes)))
    code = remediation.exit_code(outcomes)
    if code != ExitCode.OK:
        click.echo(
            "netwarden: error: remediation stopped; "
            f"{remediation.applied(outcomes)} step(s) were applied",
            err=True,
        )
        raise click.exceptions.Exit(code)
