"""Collection spread over worker processes gives what one process gives, counts every call,
and fails loudly, never hangs, when a worker breaks."""

from __future__ import annotations

import json
from typing import Any

import pytest

from scanner.aws.session import AccountTarget
from scanner.collect import runner, units
from scanner.collect.runner import CollectOptions, collect
from scanner.forking import can_fork
from tests.conftest import AwsEnv
from tests.integration.builders import create_every_type

pytestmark = pytest.mark.skipif(not can_fork(), reason="worker processes need fork")

REGIONS = ("us-east-1", "eu-west-1", "ap-southeast-2")
ROLES = (
    "arn:aws:iam::111111111111:role/netwarden-audit",
    "arn:aws:iam::222222222222:role/netwarden-audit",
)


def run(processes: int, progress: list[str] | None = None) -> dict[str, Any]:
    targets = [AccountTarget(role_arn=role) for role in ROLES]
    options = CollectOptions(regions=REGIONS, processes=processes)
    return collect(targets, options, progress=progress.append if progress is not None else None)


def test_processes_collect_exactly_what_threads_collect(aws: AwsEnv) -> None:
    for region in REGIONS:
        create_every_type(aws.client, region)
    progress: list[str] = []
    spread, alone = run(2, progress), run(1)
    assert json.dumps(spread["accounts"], sort_keys=True) == json.dumps(
        alone["accounts"], sort_keys=True
    )
    assert len(progress) == len(ROLES) * len(REGIONS) * len(runner.selected_collectors(None))
    # Every call made in a worker is counted, overall and per account.
    for key in ("api_calls", "api_calls_by_operation", "retries"):
        assert spread["stats"][key] == alone["stats"][key], key
    for account in ("111111111111", "222222222222"):
        assert spread["stats"]["by_account"][account] == alone["stats"]["by_account"][account]
    assert spread["stats"]["api_calls_by_operation"]["ec2:DescribeVpcs"] == 6


def test_the_snapshot_is_what_its_file_holds(aws: AwsEnv) -> None:
    create_every_type(aws.client, "eu-west-1")
    for processes in (1, 2):
        snapshot = run(processes)
        assert json.loads(json.dumps(snapshot)) == snapshot


def boom(*_: Any, **__: Any) -> Any:
    raise RuntimeError("a bug in a collector")


def test_a_worker_that_breaks_fails_the_collection(
    aws: AwsEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(units, "read_all", boom)  # inherited by the forked workers
    with pytest.raises(RuntimeError, match="a bug in a collector"):
        run(2)


def test_a_failing_worker_does_not_hang_a_busy_one(
    aws: AwsEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One worker fails at once while the other is still sending large results: the parent
    must raise, not wait forever on a worker blocked writing to a pipe nobody reads."""
    import threading
    import time

    big = [{"Id": f"x-{i}", "Padding": "p" * 200} for i in range(1000)]  # > a pipe's buffer

    def read_all(client: Any, collector: Any) -> list[dict[str, Any]]:
        if client.meta.region_name == "eu-west-1":
            raise RuntimeError("a bug in a collector")
        time.sleep(1)  # still working when the parent learns of the failure
        return big

    monkeypatch.setattr(units, "read_all", read_all)
    outcome: list[BaseException] = []

    def attempt() -> None:
        try:
            collect(
                [AccountTarget()], CollectOptions(regions=("eu-west-1", "us-east-1"), processes=2)
            )
        except BaseException as exc:
            outcome.append(exc)

    thread = threading.Thread(target=attempt, daemon=True)
    thread.start()
    thread.join(timeout=120)
    assert not thread.is_alive(), "collection hung after a worker failed"
    assert outcome and "a bug in a collector" in str(outcome[0])
