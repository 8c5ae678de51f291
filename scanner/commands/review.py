"""`netwarden review --base GITREF`: the pull-request check for a change to baselines/."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from scanner import console
from scanner.baseline import gitsource, store
from scanner.commands import drift_output
from scanner.commands.common import (
    baseline_dir_option,
    category_option,
    fail_on_option,
    handle_input_errors,
    output_dir_option,
    policies_option,
    waivers_file,
    waivers_option,
    warn_about_waivers,
)
from scanner.errors import ExitCode
from scanner.model import Finding, severity_at_least
from scanner.textsafe import one_line


@click.command("review")
@click.option(
    "--base",
    "base_ref",
    default="HEAD",
    show_default=True,
    help="Git revision the pull request is based on.",
)
@baseline_dir_option
@policies_option
@output_dir_option
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    help="What to print: drift as text or as JSON.",
)
@fail_on_option
@category_option(
    "netwarden-review",
    "Code-scanning category of the review's SARIF (its own, so a pull request's review never "
    "closes the nightly scan's alerts).",
)
@waivers_option
@handle_input_errors
def review_command(
    base_ref: str,
    baseline_dir: str,
    policies_dir: str,
    output_dir: str,
    output_format: str,
    fail_on: str,
    category: str,
    waivers_path: str | None,
) -> None:
    """Pull-request check: what a change to baselines/ does, located at file:line."""
    from scanner.baseline.unproject import snapshot_of
    from scanner.policy.loader import load_policy_pack
    from scanner.report import write_reports
    from scanner.report.run import pack_rules, run_info_from_snapshot
    from scanner.review import review_findings

    pack = load_policy_pack(policies_dir)
    old = gitsource.load_at_revision(baseline_dir, base_ref)
    new = store.load_dir(baseline_dir)
    deltas, findings = review_findings(
        old, new, pack, lambda a, r: store.baseline_path(baseline_dir, a, r)
    )
    waivers_path = waivers_file(waivers_path)
    report = None
    if waivers_path is not None:
        findings, report = _waive(findings, waivers_path, pack, deltas)
    policy = [f for f in findings if f.kind == "policy"]
    if output_format == "json":
        document = json.loads(drift_output.as_json(deltas))
        document["policy"] = [f.to_dict() for f in policy]
        click.echo(json.dumps(document, indent=2))
    else:
        click.echo(drift_output.as_text(deltas), nl=False)
        for finding in policy:
            where = f"{finding.location.path}:{finding.location.line}"
            accepted = " [accepted risk]" if finding.waiver is not None else ""
            click.echo(
                f"[{finding.severity.upper()}] {finding.rule_id} {one_line(finding.title)}: "
                f"{one_line(finding.resource_id)} ({where}){accepted}"
            )
    run = run_info_from_snapshot(
        snapshot_of(new),
        rules=pack_rules(pack),
        policy_pack_dir=policies_dir,
        policy_pack_digest=pack.digest,
        baseline_dir=baseline_dir,
        collected_at=f"proposed baseline (working tree) against {base_ref}",
        scope=category,
        waivers=report,
    )
    for path in write_reports(findings, run, Path(output_dir), ("sarif", "markdown", "json")):
        console.note(f"wrote {path}")
    failing = any(severity_at_least(f.severity, fail_on) and f.waiver is None for f in findings)
    raise click.exceptions.Exit(ExitCode.FINDINGS if failing else ExitCode.OK)


def _waive(
    findings: list[Finding], path: str, pack: Any, deltas: Any
) -> tuple[list[Finding], dict[str, Any]]:
    """The review's findings with the waivers applied, and what the reports say about them.

    A review sees only what the pull request changes, so no waiver is called stale here.
    """
    import dataclasses
    import datetime as dt

    from scanner.pipeline import waiver_report
    from scanner.waivers import apply_waivers, load_waivers

    waivers = load_waivers(path, [p.metadata.id for p in pack.policies])
    outcome = apply_waivers(findings, waivers, dt.datetime.now(dt.UTC).date())
    outcome = dataclasses.replace(outcome, stale=())
    warn_about_waivers(outcome)
    report = waiver_report(outcome, path)
    assert report is not None
    return sorted(outcome.findings, key=Finding.sort_key), dict(report)
