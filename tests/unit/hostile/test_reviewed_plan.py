"""``remediate --apply --plan F``: a plan file is a pull request's or a colleague's, and only
removing steps from what netwarden made is allowed; reordering or repeating them is refused
like any other edit, before anything is applied."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from scanner.errors import InputError
from scanner.model import ApiCall, RemediationAction
from scanner.remediate.plan import Step
from scanner.remediate.reviewed import check_reviewed, load_reviewed_plan, reviewed_plan_document
from tests.unit.policy.snapshots import ACCOUNT, REGION, perm, sg, snapshot

WORLD = snapshot({"aws.security-group": [sg("sg-1", [perm("tcp", 22, v4=("0.0.0.0/0",))])]})


def _step(operation: str, description: str, params: dict[str, Any]) -> Step:
    cli = f"aws ec2 {operation} {json.dumps(params, sort_keys=True)}"
    return Step(
        ACCOUNT,
        REGION,
        "aws.security-group",
        "sg-1",
        RemediationAction(description, cli, ApiCall("ec2", operation, params)),
        ("f1",),
        ("drift/modified",),
    )


# In the order build_plan makes them: contain (revoke) before restore (authorize).
REVOKE = _step(
    "RevokeSecurityGroupIngress",
    "close ssh",
    {"GroupId": "sg-1", "IpPermissions": [{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22}]},
)
RESTORE = _step(
    "AuthorizeSecurityGroupIngress",
    "restore https",
    {"GroupId": "sg-1", "IpPermissions": [{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443}]},
)
CURRENT = [REVOKE, RESTORE]


def _reviewed(tmp_path: Path, edit: Any) -> tuple[list[Step], str]:
    document = reviewed_plan_document(CURRENT, WORLD)
    document["steps"] = edit(document["steps"])
    file = tmp_path / "plan.json"
    file.write_text(json.dumps(document))
    return load_reviewed_plan(file)


def test_the_plan_as_made_and_with_steps_removed_is_accepted(tmp_path: Path) -> None:
    assert sorted(CURRENT, key=Step.sort_key) == CURRENT
    for edit in (lambda s: s, lambda s: s[:1], lambda s: s[1:]):
        steps, digest = _reviewed(tmp_path, edit)
        check_reviewed(steps, digest, CURRENT, WORLD)


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda s: s[::-1], id="restore-moved-before-containment"),
        pytest.param(lambda s: [s[0], s[0]], id="a-step-twice"),
        pytest.param(lambda s: [s[0], s[1], s[1]], id="the-last-step-twice"),
    ],
)
def test_a_reordered_or_repeated_plan_is_refused(tmp_path: Path, edit: Any) -> None:
    steps, digest = _reviewed(tmp_path, edit)
    with pytest.raises(InputError, match=r"\$\.steps\[\d\] .* repeats or comes before"):
        check_reviewed(steps, digest, CURRENT, WORLD)
