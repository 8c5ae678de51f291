"""The demo as a sequence of steps over one embedded moto server.

Each step is a small function taking the shared ``DemoContext``, so the story grows
(baseline, incident, scan, reports, remediation) by adding steps, not by rewriting it.
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
    saved = {name: os.environ.get(name) for name in (*_FAKE_CREDENTIALS, *_CLEARED)}
    saved["AWS_ENDPOINT_URL"] = os.environ.get("AWS_ENDPOINT_URL")
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
    echo: Echo
    state: dict[str, Any] = field(default_factory=dict)

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

    ctx.echo(f"Seeding a demo organisation in {', '.join(DEMO_REGIONS)} ...")
    ctx.state["seed"] = seed_organisation(ctx.client, regions=DEMO_REGIONS)


def step_inventory(ctx: DemoContext) -> None:
    snapshot = ctx.collect()
    ctx.state["snapshot"] = snapshot
    ctx.echo(inventory.summary_line(snapshot))
    ctx.echo(inventory.table(snapshot))


STEPS: tuple[Callable[[DemoContext], None], ...] = (step_seed, step_inventory)


def run_demo(output_dir: str, echo: Echo = print) -> DemoContext:
    """Start the embedded AWS API, run every step, stop it."""
    from scanner.demo.middleware import honour_dry_run

    with running_moto(honour_dry_run()) as server:
        echo(f"Embedded AWS API (moto) listening on {server.url}")
        with demo_environment(server.url):
            ctx = DemoContext(server.url, Path(output_dir), echo)
            for step in STEPS:
                step(ctx)
    return ctx
