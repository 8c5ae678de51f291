"""The default plan for drift: revert the live resource to its baseline (pure).

What reverting means for each type (which call deletes an unapproved one, which undoes a
changed rule or route) is its ``revert`` facet in scanner/resources/; this module turns those
steps into remediation actions and says what a person must do where no call can."""

from __future__ import annotations

from scanner import resources
from scanner.drift.engine import Delta
from scanner.model import RemediationAction
from scanner.remediate.cli_text import action, manual
from scanner.resources.base import Step, ec2_tag_steps


def _actions(steps: list[Step], region: str) -> list[RemediationAction]:
    return [
        action(s.description, s.call.service, s.call.operation, s.call.params, region)
        if s.call is not None
        else manual(s.description)
        for s in steps
    ]


def _delete_added(delta: Delta) -> list[RemediationAction]:
    revert = resources.get(delta.resource_type).revert
    if revert is not None and revert.delete_added is not None:
        steps = revert.delete_added(delta.resource_id, delta.account, delta.after or {})
        return _actions(steps, delta.region)
    rid = delta.resource_id
    return [
        manual(
            f"Review the new {delta.resource_type} {rid}; delete it or accept it into "
            f"the baseline (netwarden baseline accept --resource {rid})"
        )
    ]


def _restore_removed(delta: Delta) -> list[RemediationAction]:
    revert = resources.get(delta.resource_type).revert
    if revert is not None and revert.restore_removed is not None:
        steps = revert.restore_removed(delta.resource_id, delta.before or {})
        return _actions(steps, delta.region)
    return [
        manual(
            f"Re-create {delta.resource_type} {delta.resource_id} as the baseline "
            f"describes it ({delta.location.path}:{delta.location.line}), or accept "
            "its removal into the baseline"
        )
    ]


def revert_actions(delta: Delta) -> tuple[RemediationAction, ...]:
    """The actions that put one drifted resource back as the baseline has it."""
    if delta.change == "added":
        return tuple(_delete_added(delta))
    if delta.change == "removed":
        return tuple(_restore_removed(delta))
    rtype = resources.get(delta.resource_type)
    handlers = rtype.revert.changes if rtype.revert is not None else {}
    steps: list[RemediationAction] = []
    unhandled: list[str] = []
    for change in delta.changes:
        handler = handlers.get(str(change.path[0]))
        if change.path[0] == "tags" and rtype.ec2_tagged:
            steps.extend(_actions(ec2_tag_steps(delta.resource_id, change), delta.region))
        elif handler and change.element:
            steps.extend(_actions(handler(delta.resource_id, change), delta.region))
        else:
            unhandled.append(change.field)
    if unhandled:
        steps.append(
            manual(
                f"Restore {', '.join(sorted(set(unhandled)))} to the baseline values "
                f"({delta.location.path}:{delta.location.line})"
            )
        )
    return tuple(steps)
