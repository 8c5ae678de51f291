"""The demo as a sequence of steps over one embedded moto server.

Each step is a small function taking the shared ``DemoContext``: seed an organisation,
inventory it, record the baseline, suffer an incident (with its CloudTrail trail and its flow
logs), scan and write the reports, and optionally remediate and prove the network is back to
its baseline.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3

from scanner import inventory
from scanner.aws.session import AccountTarget, AwsContext
from scanner.collect.runner import CollectOptions, collect
from scanner.demo.server import running_moto

DEMO_REGIONS = ("us-east-1", "eu-west-1")
DEMO_SEED = 12  # moto's random ids (scanner.demo.server.MotoServer.seed)
INTRUDER_USER = "ci-deploy"  # a leaked CI key is how the story's intruder gets in
INTRUDER = {
    "source_ip": "203.0.113.66",
    "user_agent": "aws-cli/2.15.30 Python/3.11.8 Linux/6.5.0 exe/x86_64.ubuntu.22",
}
Echo = Callable[[str], None]

_FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "AKIADEMODEMODEMO0000",
    "AWS_SECRET_ACCESS_KEY": "demo-secret-not-real",
    "AWS_DEFAULT_REGION": "us-east-1",
}
_CLEARED = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_ROLE_ARN")


@contextlib.contextmanager
def demo_environment(endpoint_url: str) -> Iterator[None]:
    """Point this process at the embedded server with throwaway credentials, then restore.

    Whatever AWS profile the user has set is ignored, so the demo can never reach a real
    account.
    """
    names = (*_FAKE_CREDENTIALS, *_CLEARED, "AWS_ENDPOINT_URL")
    saved = {name: os.environ.get(name) for name in names}
    try:
        for name in _CLEARED:
            os.environ.pop(name, None)
        os.environ.update(_FAKE_CREDENTIALS)
        os.environ["AWS_ENDPOINT_URL"] = endpoint_url
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@dataclass
class DemoContext:
    endpoint_url: str
    output_dir: Path
    policies_dir: str
    echo: Echo
    remediate: bool = False
    state: dict[str, Any] = field(default_factory=dict)

    @property
    def baseline_dir(self) -> str:
        return str(self.output_dir / "baselines")

    def client(self, service: str, region: str = DEMO_REGIONS[0]) -> Any:
        return boto3.client(service, region_name=region, endpoint_url=self.endpoint_url)

    def collect(self) -> dict[str, Any]:
        return collect(
            [AccountTarget()],
            CollectOptions(regions=DEMO_REGIONS),
            AwsContext(endpoint_url=self.endpoint_url),
        )


def step_seed(ctx: DemoContext) -> None:
    from scanner.demo.seed import seed_organisation

    ctx.echo(f"\n== 1. Seeding a demo organisation in {', '.join(DEMO_REGIONS)}")
    ctx.state["seed"] = seed_organisation(ctx.client, regions=DEMO_REGIONS)


def step_inventory(ctx: DemoContext) -> None:
    ctx.echo("\n== 2. Collecting the inventory")
    snapshot = ctx.collect()
    ctx.state["snapshot"] = snapshot
    ctx.echo(inventory.summary_line(snapshot))
    ctx.echo(inventory.table(snapshot))


def step_baseline(ctx: DemoContext) -> None:
    from scanner.baseline import store

    ctx.echo("\n== 3. Recording the known-good baseline")
    live = store.project_snapshot(ctx.state["snapshot"])
    for path in store.write_all(ctx.baseline_dir, sorted(live.items())):
        ctx.echo(f"wrote {path}")


def step_previous_night(ctx: DemoContext) -> None:
    """Last night's scan, before the incident: what tonight's scan compares with."""
    from scanner.demo.nightly import PREVIOUS_NIGHT
    from scanner.pipeline import AwsOptions, ScanRequest, scan

    ctx.echo("\n== 3b. Last night's scan (before the incident)")
    result = scan(
        ScanRequest(
            aws=AwsOptions(regions=DEMO_REGIONS, endpoint_url=ctx.endpoint_url),
            baseline_dir=ctx.baseline_dir,
            policies_dir=ctx.policies_dir,
            output_dir=ctx.output_dir / PREVIOUS_NIGHT,
            formats=("json",),
            baseline_commit=False,
        )
    )
    ctx.state["previous_findings"] = list(result.findings)
    ctx.echo(result.summary())


def step_incident(ctx: DemoContext) -> None:
    from scanner.demo.incident import apply_incident
    from scanner.demo.seed import assume_role_factory

    ctx.echo("\n== 4. The incident: unauthorized network changes")
    seed = ctx.state["seed"]
    incident = apply_incident(ctx.client, seed, assume_role_factory(ctx.client, "999999999999"))
    ctx.state["incident"] = incident
    for call in incident.calls:
        ctx.echo(f"  {call.event_time}  {call.event_name:<32} {call.resource_id}")


def step_trail(ctx: DemoContext) -> None:
    """The organisation trail's log files for the incident, in the trail's S3 bucket."""
    from scanner.demo.cloudtrail import incident_cloudtrail_records, write_trail_objects

    seed, incident = ctx.state["seed"], ctx.state["incident"]
    iam = ctx.client("iam")
    user = iam.create_user(UserName=INTRUDER_USER)["User"]
    key = iam.create_access_key(UserName=INTRUDER_USER)["AccessKey"]["AccessKeyId"]
    ctx.state["intruder_key"] = key
    records = incident_cloudtrail_records(
        incident,
        seed.account_id,
        incident.region,
        principal_arn=user["Arn"],
        access_key_id=key,
        **INTRUDER,
    )
    write_trail_objects(ctx.client, seed.trail_bucket, records, seed.account_id, incident.region)
    ctx.state["cloudtrail"] = f"s3://{seed.trail_bucket}/AWSLogs/"
    ctx.echo(f"  ({len(records)} CloudTrail records written to s3://{seed.trail_bucket}/)")


def step_flow_logs(ctx: DemoContext) -> None:
    """The production VPC's flow log files around the incident, in its S3 bucket."""
    from scanner.demo.flowlogs import write_incident_flows

    seed, incident = ctx.state["seed"], ctx.state["incident"]
    flows = write_incident_flows(ctx.client, seed, incident, INTRUDER["source_ip"])
    ctx.state["flow_logs"] = flows.source
    ctx.echo(
        f"  ({len(flows.records)} flow log records written to {flows.source}: a port scan, an "
        "SSH brute force, the sessions the new rule let in, and a transfer out)"
    )


def step_scan(ctx: DemoContext) -> None:
    import datetime as dt

    from scanner import snapshot as snapshot_io
    from scanner.demo.nightly import (
        PREVIOUS_NIGHT,
        WAIVERS_FILE,
        local_webhook,
        waiver_for,
        write_waivers,
    )
    from scanner.pipeline import AwsOptions, ScanRequest, scan

    ctx.echo("\n== 5. Scanning: drift, policies, attribution, what is new, reports")
    today = dt.datetime.now(dt.UTC).date()
    waivers = write_waivers(
        ctx.output_dir / WAIVERS_FILE, waiver_for(ctx.state.get("previous_findings", [])), today
    )
    ctx.echo(f"  accepted risk (waiver): {waivers}")
    with local_webhook() as hook:
        result = scan(
            ScanRequest(
                aws=AwsOptions(regions=DEMO_REGIONS, endpoint_url=ctx.endpoint_url),
                baseline_dir=ctx.baseline_dir,
                policies_dir=ctx.policies_dir,
                cloudtrail=ctx.state.get("cloudtrail"),
                flow_logs=ctx.state.get("flow_logs"),
                output_dir=ctx.output_dir,
                # The demo's baseline is written by the demo, never committed.
                baseline_commit=False,
                waivers=waivers,
                today=today,
                previous=ctx.output_dir / PREVIOUS_NIGHT,
                notify=(f"webhook:{hook.url}",),
            )
        )
    ctx.state["webhook"] = list(hook.received)
    ctx.state["result"] = result
    findings = list(result.findings)
    ctx.state["findings"] = findings
    ctx.echo(result.summary())
    for message in hook.received:
        ctx.echo(
            f"  webhook {hook.url} told: {message.get('new_findings', 0)} new finding(s) "
            f"at or above high, {message.get('by_severity', {})}"
        )
    for finding in [f for f in findings if f.kind == "drift"][:8]:
        who = finding.attribution
        by = f" by {who.principal} ({who.access_key_id})" if who else ""
        ctx.echo(f"  [{finding.severity}] {finding.title}: {finding.resource_id}{by}")
    _echo_traffic(ctx, findings)
    ctx.echo("Reports:")
    # Kept, so the scan can be repeated offline: `netwarden scan --snapshot DIR/snapshot.json`.
    snapshot_path = snapshot_io.write(result.snapshot, ctx.output_dir / "snapshot.json")
    for path in [*result.written, snapshot_path]:
        ctx.echo(f"  {path}")


def _echo_traffic(ctx: DemoContext, findings: list[Any]) -> None:
    """What the flow logs showed: the traffic through the opened rule, and the detections."""
    from scanner.textsafe import one_line

    opened = [f for f in findings if f.kind == "drift" and f.traffic and f.traffic.get("accepted")]
    detected = [f for f in findings if f.rule_id.startswith("NW-FLOW-")]
    if not opened and not detected:
        return
    ctx.echo("Flow logs:")
    for finding in opened:
        summary = one_line(str(finding.traffic.get("summary", "")))
        ctx.echo(f"  {finding.resource_id}: {summary}")
    for finding in detected:
        ctx.echo(f"  [{finding.severity}] {finding.rule_id} {one_line(finding.message)}")


def step_remediate(ctx: DemoContext) -> None:
    from scanner import remediation
    from scanner.pipeline import AwsOptions, ScanRequest, scan

    ctx.echo("\n== 6. Remediation: revert the drift, then re-scan")
    # The plan `netwarden remediate` makes, from the scan the demo just reported.
    planned = remediation.plan_for(ctx.state["result"])
    outcomes = remediation.apply(planned, lambda _a, service, region: ctx.client(service, region))
    for outcome in outcomes:
        call = outcome.step.action.api.operation if outcome.step.action.api else "(manual)"
        detail = f"  {outcome.detail}" if outcome.detail else ""
        ctx.echo(f"  {outcome.status:<15} {call:<28} {outcome.step.resource_id}{detail}")
    ctx.echo(f"applied {remediation.applied(outcomes)} of {len(planned.steps)} step(s)")
    # What `netwarden diff` runs: a scan with the baseline required and no policies.
    rescan = scan(
        ScanRequest(
            aws=AwsOptions(regions=DEMO_REGIONS, endpoint_url=ctx.endpoint_url),
            baseline_dir=ctx.baseline_dir,
            require_baseline=True,
            policies_dir=None,
            baseline_commit=False,
        )
    )
    remaining = list(rescan.deltas)
    ctx.echo(f"drift after remediation: {len(remaining)} resource(s)")
    for delta in remaining:
        ctx.echo(
            f"  {delta.change} {delta.resource_type} {delta.resource_id}: "
            f"{[c.to_dict() for c in delta.changes]}"
        )
    ctx.state["remaining_drift"] = remaining


STEPS: tuple[Callable[[DemoContext], None], ...] = (
    step_seed,
    step_inventory,
    step_baseline,
    step_previous_night,
    step_incident,
    step_trail,
    step_flow_logs,
    step_scan,
)


def run_demo(
    output_dir: str, echo: Echo = print, policies_dir: str = "policies", remediate: bool = False
) -> DemoContext:
    """Start the embedded AWS API, run every step, stop it."""
    from scanner.demo.middleware import honour_dry_run

    with running_moto(honour_dry_run()) as server:
        # The same ids every run: two demos' reports differ only in their timestamps, which
        # makes a change in what the demo reports show up as a diff (tests/integration).
        server.seed(DEMO_SEED)
        echo(f"Embedded AWS API (moto) listening on {server.url}")
        with demo_environment(server.url):
            ctx = DemoContext(server.url, Path(output_dir), policies_dir, echo, remediate)
            for step in (*STEPS, step_remediate) if remediate else STEPS:
                step(ctx)
    return ctx
