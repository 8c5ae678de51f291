"""The collector makes no call outside the read-only IAM policy shipped in docs/."""

from __future__ import annotations

import json
from pathlib import Path

from scanner.collect.collectors import COLLECTORS, IAM_PREFIX

POLICY = Path(__file__).resolve().parents[3] / "docs" / "iam-policy.json"
READ_ONLY_VERBS = ("Describe", "List", "Get")
# Calls the runner makes besides the collectors: identity (no permission needed) and regions.
RUNNER_ACTIONS = {"ec2:DescribeRegions", "organizations:DescribeOrganization"}
NO_PERMISSION_NEEDED = {"sts:GetCallerIdentity"}


def policy_actions() -> set[str]:
    document = json.loads(POLICY.read_text())
    actions: set[str] = set()
    for statement in document["Statement"]:
        assert statement["Effect"] == "Allow"
        actions.update(statement["Action"])
    return actions


def iam_action(operation_key: str) -> str:
    """'ec2:DescribeVpcs' as counted by botocore -> the IAM action it needs."""
    service, operation = operation_key.split(":")
    return f"{IAM_PREFIX.get(service, service)}:{operation}"


def test_policy_is_read_only() -> None:
    for action in policy_actions():
        assert "*" not in action
        assert action.split(":")[1].startswith(READ_ONLY_VERBS), action


def test_every_declared_call_is_in_the_policy() -> None:
    declared = set(RUNNER_ACTIONS)
    for _, collector in COLLECTORS.items():
        declared.update(collector.iam_actions())
    assert declared <= policy_actions()
    assert policy_actions() <= declared, "the policy grants nothing the collector does not use"


def observed_calls_are_allowed(api_calls_by_operation: dict[str, int]) -> list[str]:
    """Operations a collection made that the shipped policy does not allow (should be [])."""
    allowed = policy_actions()
    return sorted(
        op
        for op in api_calls_by_operation
        if iam_action(op) not in allowed and op not in NO_PERMISSION_NEEDED
    )
