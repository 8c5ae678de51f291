"""Fixtures for the policy engine's unit tests: the real rule pack, and a way to run one rule."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import botocore.endpoint
import pytest

from scanner.model import Finding
from scanner.policy.evaluate import evaluate
from scanner.policy.loader import PolicyPack, load_policy_pack

POLICIES = Path(__file__).resolve().parents[3] / "policies"


@pytest.fixture(scope="session")
def pack() -> PolicyPack:
    return load_policy_pack(POLICIES)


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every unit test of the engine fails if botocore tries to send a request."""
    attempts: list[str] = []

    def refuse(self: Any, operation_model: Any, request_dict: Any) -> Any:
        attempts.append(operation_model.name)
        raise AssertionError(f"network call attempted: {operation_model.name}")

    monkeypatch.setattr(botocore.endpoint.Endpoint, "make_request", refuse)
    yield attempts
    assert attempts == []


RunRule = Callable[..., list[Finding]]


@pytest.fixture
def run_rule(pack: PolicyPack) -> RunRule:
    """Evaluate one rule of the pack (by metadata id) over a snapshot."""

    def run(rule_id: str, snapshot: dict[str, Any], **kwargs: Any) -> list[Finding]:
        one = PolicyPack(pack.directory, (pack.by_id(rule_id),), pack.digest)
        return evaluate(snapshot, one, **kwargs)

    return run


def ids(findings: list[Finding]) -> list[str]:
    return sorted(f.resource_id for f in findings)
