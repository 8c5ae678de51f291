"""Executing a plan against AWS: every step dry-run first, then for real, in order; the
first failure stops everything after it. Nothing is retried beyond botocore's own retries."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from botocore import xform_name
from botocore.exceptions import BotoCoreError, ClientError

from scanner.remediate.plan import Step

ClientFor = Callable[[str, str, str], Any]  # (account, service, region) -> client


@dataclass(frozen=True)
class Outcome:
    step: Step
    status: str  # applied | failed | not-run | manual | dry-run-failed
    detail: str = ""


def _supports_dry_run(client: Any, operation: str) -> bool:
    shape = client.meta.service_model.operation_model(operation).input_shape
    return shape is not None and "DryRun" in shape.members


def _error(exc: Exception) -> str:
    if isinstance(exc, ClientError):
        err = exc.response.get("Error", {})
        return f"{err.get('Code')}: {err.get('Message')}"
    return f"{type(exc).__name__}: {exc}"


def dry_run(step: Step, client: Any) -> str | None:
    """None when AWS says the call would succeed; else why not. ``applied`` when the endpoint
    ignored DryRun and executed the call (never seen on AWS; guards against emulators)."""
    assert step.action.api is not None
    operation = step.action.api.operation
    if not _supports_dry_run(client, operation):
        return None
    method = getattr(client, xform_name(operation))
    try:
        method(**step.action.api.params, DryRun=True)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") == "DryRunOperation":
            return None
        return _error(exc)
    except BotoCoreError as exc:
        return _error(exc)
    return "applied"


def apply_plan(steps: list[Step], client_for: ClientFor) -> list[Outcome]:
    """Dry-run every executable step, then apply them in order; stop at the first failure."""
    outcomes: dict[int, Outcome] = {}
    executable = [(i, s) for i, s in enumerate(steps) if s.executable]
    for index, step in enumerate(steps):
        if not step.executable:
            outcomes[index] = Outcome(step, "manual", "not an API call: do it by hand")
    already_applied: set[int] = set()
    for index, step in executable:
        assert step.action.api is not None
        client = client_for(step.account, step.action.api.service, step.region)
        problem = dry_run(step, client)
        if problem == "applied":
            already_applied.add(index)
        elif problem is not None:
            outcomes[index] = Outcome(step, "dry-run-failed", problem)
            for later, other in executable:
                outcomes.setdefault(later, Outcome(other, "not-run", "a dry run failed"))
            return [outcomes[i] for i in range(len(steps))]
    failed = False
    for index, step in executable:
        assert step.action.api is not None
        if failed:
            outcomes[index] = Outcome(step, "not-run", "stopped after a failure")
            continue
        if index in already_applied:
            outcomes[index] = Outcome(step, "applied", "the endpoint ignored DryRun and applied it")
            continue
        client = client_for(step.account, step.action.api.service, step.region)
        try:
            getattr(client, xform_name(step.action.api.operation))(**step.action.api.params)
        except (ClientError, BotoCoreError) as exc:
            outcomes[index] = Outcome(step, "failed", _error(exc))
            failed = True
            continue
        outcomes[index] = Outcome(step, "applied")
    return [outcomes[i] for i in range(len(steps))]
