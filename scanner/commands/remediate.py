"""`netwarden remediate`: the plan that reverts drift (and, if asked, fixes violations);
executed only with --apply and a confirmation."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from tabulate import tabulate

from scanner import console
from scanner.collect.aws_options import targets_for
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
from scanner.fileio import write_text_atomic
from scanner.remediate.plan import Step, build_plan, evidence_document
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
    from scanner.pipeline import ScanRequest, scan
    from scanner.remediate.reviewed import (
        check_reviewed,
        load_reviewed_plan,
        reviewed_plan_document,
    )

    if do_apply and not yes and not sys.stdin.isatty():
        raise InputError("--apply without a terminal needs --yes")
    if plan_in and not do_apply:
        raise InputError("--plan applies a reviewed plan: use it with --apply")
    if plan_in and plan_out:
        raise InputError("use either --plan (apply a reviewed plan) or --plan-out (make one)")
    reviewed = load_reviewed_plan(plan_in) if plan_in else None  # bad file: before any call
    request = ScanRequest(
        snapshot=snapshot_path,
        aws=aws_request(aws),
        baseline_dir=baseline_dir,
        policies_dir=policies_dir,
        cloudtrail=cloudtrail,
        baseline_commit=False,
    )
    with progress_display() as bar:
        result = scan(request, bar)
    snapshot = dict(result.snapshot)
    if reviewed is not None:
        # Every step netwarden could derive now (policy fixes included), to check the file.
        current = build_plan(list(result.findings), include_policy=True)
        check_reviewed(reviewed[0], reviewed[1], current, snapshot)
        steps = reviewed[0]
    else:
        steps = build_plan(list(result.findings), include_policy=include_policy_fixes)
    click.echo(plan_table(steps) if steps else "Nothing to remediate.")
    if plan_out:
        document = reviewed_plan_document(steps, snapshot)
        write_text_atomic(plan_out, json.dumps(document, indent=2) + "\n")
        console.note(f"wrote {plan_out}")
    if not do_apply or not any(s.executable for s in steps):
        return
    if not yes:
        click.confirm(f"Apply {sum(s.executable for s in steps)} change(s) to AWS?", abort=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    evidence = Path(evidence_dir) / f"evidence-{stamp}.json"
    write_text_atomic(evidence, json.dumps(evidence_document(snapshot, steps), indent=2) + "\n")
    console.note(f"wrote evidence of the affected resources to {evidence}")
    from scanner.remediate.apply import apply_plan

    outcomes = apply_plan(steps, _client_factory(aws))
    click.echo(outcome_table(outcomes))
    if any(o.status in ("failed", "dry-run-failed") for o in outcomes):
        applied = sum(o.status == "applied" for o in outcomes)
        click.echo(
            f"netwarden: error: remediation stopped; {applied} step(s) were applied", err=True
        )
        raise click.exceptions.Exit(ExitCode.FINDINGS)


def _client_factory(aws: dict[str, Any]) -> Any:
    from scanner.aws.session import AccountSession, AwsContext

    context = AwsContext(
        endpoint_url=aws.get("endpoint_url"), max_workers=aws.get("max_workers", 16)
    )
    sessions = {}
    for target in targets_for(aws_request(aws)):
        session = AccountSession(target, context)
        sessions[session.account_id()] = session

    def client_for(account: str, service: str, region: str) -> Any:
        if account not in sessions:
            raise InputError(f"no credentials for account {account} (use --role-arn or --accounts)")
        return sessions[account].client(service, region)

    return client_for
