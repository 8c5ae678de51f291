"""Fixtures of the integration suite."""

from __future__ import annotations

import pytest

from tests.integration.demo_run import DemoRun, run_demo


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> DemoRun:
    """`netwarden demo --remediate`, run once (about half a minute) for every test that
    reads what it wrote."""
    return run_demo(tmp_path_factory.mktemp("demo-run") / "demo", "--remediate")
