"""``remediate --apply --plan F``: apply exactly the plan a person reviewed, or nothing.

A plan written with ``--plan-out`` records a digest of the state of every resource it
touches (their baseline projections, which leave out what churns). Applying it:

- every step of the file must be a step netwarden derives from the live state now (so a
  file edited to add a call, or a crafted one, applies nothing: only removing steps is
  allowed: not reordering or repeating them), and
- the digest of those resources in the live state now must equal the recorded one (so a
  resource that changed after the review is not touched by a plan made for its old state).

Otherwise the command refuses (exit 2) and applies nothing.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from scanner.errors import InputError
from scanner.model import ApiCall, RemediationAction, canonical_json
from scanner.remediate.plan import Step, evidence_document

SCHEMA = "netwarden/plan/v1"


def state_digest(snapshot: dict[str, Any], steps: Sequence[Step]) -> str:
    """sha256 over the projected state of every resource the steps touch."""
    from scanner.baseline.projection import is_projected, project

    state = []
    for entry in evidence_document(snapshot, list(steps))["resources"]:
        rtype = entry["resource_type"]
        item = project(rtype, entry["item"]) if is_projected(rtype) else entry["item"]
        state.append([entry["account"], entry["region"], rtype, entry["resource_id"], item])
    return hashlib.sha256(canonical_json(state).encode()).hexdigest()


def reviewed_plan_document(steps: Sequence[Step], snapshot: dict[str, Any]) -> dict[str, Any]:
    """The plan file: the steps and the digest of the state they were made for."""
    return {
        "schema": SCHEMA,
        "state": {
            "collected_at": snapshot.get("collected_at"),
            "digest": state_digest(snapshot, steps),
        },
        "steps": [step.to_dict() for step in steps],
    }


def _step(data: Any, where: str) -> Step:
    if not isinstance(data, dict):
        raise InputError("a step must be an object", where)
    try:
        api = data.get("api")
        call = (
            ApiCall(str(api["service"]), str(api["operation"]), dict(api["params"]))
            if api
            else None
        )
        return Step(
            account=str(data["account"]),
            region=str(data["region"]),
            resource_type=str(data["resource_type"]),
            resource_id=str(data["resource_id"]),
            action=RemediationAction(str(data["description"]), str(data["cli"]), call),
            fingerprints=tuple(str(f) for f in data.get("fingerprints", [])),
            rule_ids=tuple(str(r) for r in data.get("rule_ids", [])),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError(f"malformed step ({exc})", where) from None


def load_reviewed_plan(path: str | Path) -> tuple[list[Step], str]:
    """The steps and the recorded state digest of a plan file; InputError naming the JSON
    path of the first problem."""
    file = Path(path)
    try:
        document = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"cannot read the plan: {exc}", str(file)) from None
    if not isinstance(document, dict) or document.get("schema") != SCHEMA:
        raise InputError(f"not a netwarden plan ($.schema is not {SCHEMA!r})", str(file))
    digest = (document.get("state") or {}).get("digest")
    if not isinstance(digest, str):
        raise InputError(
            "$.state.digest is missing: write the plan with `remediate --plan-out`", str(file)
        )
    steps = document.get("steps")
    if not isinstance(steps, list):
        raise InputError("$.steps must be a list", str(file))
    return [_step(s, f"{file}: $.steps[{i}]") for i, s in enumerate(steps)], digest


def check_reviewed(
    reviewed: Sequence[Step], recorded: str, current: Sequence[Step], snapshot: dict[str, Any]
) -> None:
    """Raise InputError unless every reviewed step is one netwarden derives now and the state
    of the resources they touch is the one the plan was made for."""
    derivable = {step.sort_key() for step in current}
    for index, step in enumerate(reviewed):
        if step.sort_key() not in derivable:
            raise InputError(
                f"$.steps[{index}] ({step.action.description}) is not a step netwarden derives "
                "from the live state now; make a new plan and review it"
            )
    # Removing steps is the only edit: the file's order is the order they run in, and a
    # restore moved before its containment, or a step written twice, is not what was made.
    for index in range(1, len(reviewed)):
        if reviewed[index].sort_key() <= reviewed[index - 1].sort_key():
            raise InputError(
                f"$.steps[{index}] ({reviewed[index].action.description}) repeats or comes "
                f"before $.steps[{index - 1}] in the order netwarden made the plan; make a "
                "new plan and review it"
            )
    if state_digest(snapshot, reviewed) != recorded:
        raise InputError(
            "the live state of the resources in the plan moved since the plan was made; "
            "make a new plan (--plan-out) and review it"
        )
