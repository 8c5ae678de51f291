"""Shared fixtures: one real moto server over HTTP for the session, reset before each test."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest

from scanner.demo.middleware import honour_dry_run
from scanner.demo.server import MotoServer

ACCOUNT = "123456789012"  # moto's default account


@dataclass
class AwsEnv:
    """The moto endpoint plus a boto3 client factory for tests to set up state with."""

    endpoint_url: str
    server: MotoServer

    def client(self, service: str, region: str = "us-east-1") -> Any:
        return boto3.client(
            service,
            region_name=region,
            endpoint_url=self.endpoint_url,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )

    def client_factory(self) -> Callable[[str, str], Any]:
        return self.client


@pytest.fixture(scope="session")
def moto_server() -> Iterator[MotoServer]:
    # DryRun honoured as AWS does: moto alone would execute some dry runs for real.
    server = MotoServer(honour_dry_run())
    server.start()
    yield server
    server.stop()


def point_aws_at(
    monkeypatch: pytest.MonkeyPatch, endpoint_url: str | None, region: str = "us-east-1"
) -> None:
    """Point every AWS client the code under test makes at ``endpoint_url`` with moto's test
    credentials, and hide the machine's own profiles, roles and config files from it. With
    ``endpoint_url=None`` no endpoint is set (the test passes one explicitly)."""
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_ROLE_ARN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", region)
    if endpoint_url is None:
        monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    else:
        monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint_url)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent/netwarden-test-config")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/netwarden-test-credentials")


@pytest.fixture
def aws(moto_server: MotoServer, monkeypatch: pytest.MonkeyPatch) -> AwsEnv:
    """A clean moto world, with the environment pointing every AWS client at it."""
    moto_server.reset()
    point_aws_at(monkeypatch, moto_server.url)
    return AwsEnv(endpoint_url=moto_server.url, server=moto_server)


# Set when this run leaves out the tests marked slow (`make unit`: -m "not slow").
SLOW_LEFT_OUT = pytest.StashKey[bool]()


def pytest_deselected(items: list[pytest.Item]) -> None:
    """Note a run that deselects slow tests: it promises to start no process, and the SARIF
    multitool below is one (a .NET runtime, ~2 s a call, two calls per test that writes
    SARIF: about a third of `make unit`'s CPU and most of its wall time)."""
    for item in items:
        if item.get_closest_marker("slow") is not None:
            item.config.stash[SLOW_LEFT_OUT] = True
            return


@pytest.fixture(autouse=True)
def every_sarif_written_is_valid(request: pytest.FixtureRequest) -> Iterator[None]:
    """Any SARIF a test writes under its tmp_path must pass the OASIS schema and the SARIF
    multitool's GitHub (Ghas) and SARIF rules: GitHub rejects a whole file for one bad
    result, so no test may produce one unnoticed. A run without the slow tests (`make
    unit`) checks the schema only; `make test` and any run that keeps the slow tests also
    run the multitool on every file, as tests/unit/report/test_multitool.py (slow) does."""
    # Taken before the test: tmp_path's fixture is gone at our teardown, its directory is not.
    tmp_path = request.getfixturevalue("tmp_path") if "tmp_path" in request.fixturenames else None
    yield
    if tmp_path is None:
        return
    produced = sorted(p for p in tmp_path.rglob("*.sarif") if not p.name.startswith("validation-"))
    if not produced:
        return
    from tests.sarif_check import TOOL, multitool_problems
    from tests.unit.report.helpers import assert_valid_sarif

    for path in produced:
        assert_valid_sarif(path.read_text(encoding="utf-8"))
    if request.config.stash.get(SLOW_LEFT_OUT, False):
        return  # schema checked; the multitool is a process, for the runs with slow tests
    if not TOOL.exists() and not os.environ.get("CI"):
        return  # schema checked; the multitool is installed by `npm ci --prefix tools/sarif`
    staged = tmp_path / "_sarif_check"
    staged.mkdir(exist_ok=True)
    copies = []
    for index, path in enumerate(produced):
        copy = staged / f"{index}-{path.name}"
        copy.write_bytes(path.read_bytes())
        copies.append(copy)
    for kind in ("Ghas", "Sarif"):
        problems = multitool_problems(copies, kind, staged / f"validation-{kind}.sarif")
        assert not any(problems.values()), problems
