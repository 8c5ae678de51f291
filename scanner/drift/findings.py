"""Drift deltas as findings (pure), so one report carries both drift and policy results.

A drift finding's remediation is the plan that reverts the delta, which
``scanner.remediate.drift_plan.revert_actions`` makes; the caller passes it in (the pipeline
does), because remediation is a stage above drift: it reads deltas.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from scanner.drift.describe import drift_sentence
from scanner.drift.engine import Delta
from scanner.model import Attribution, Finding, RemediationAction
from scanner.resources import arn_for
from scanner.textsafe import one_line

# An unapproved change to the reviewed configuration: NIST SP 800-53 baseline configuration
# (CM-2), configuration change control (CM-3), configuration settings (CM-6). The one list of
# drift controls: the reports' drift rules use it too.
DRIFT_COMPLIANCE = ("NIST-800-53-CM-2", "NIST-800-53-CM-3", "NIST-800-53-CM-6")
# What reverts one delta (``scanner.remediate.drift_plan.revert_actions``).
Reverter = Callable[[Delta], tuple[RemediationAction, ...]]

# The title of each drift kind, for its findings and for its rule in the reports
# (``scanner.report.run.DRIFT_RULES``): one wording wherever a drift is named.
TITLES = {
    "added": "Network resource added outside the baseline",
    "removed": "Network resource removed outside the baseline",
    "modified": "Network resource changed outside the baseline",
}


def _message(delta: Delta) -> str:
    """``Security group sg-1 gained ingress tcp/22 from 0.0.0.0/0 outside the baseline
    (account 111111111111, eu-west-1).``: what changed in words; the evidence has it all."""
    sentence = drift_sentence(
        delta.resource_type, delta.resource_id, delta.change, [c.to_dict() for c in delta.changes]
    )
    return f"{sentence} (account {one_line(delta.account)}, {one_line(delta.region)})."


def drift_finding(delta: Delta, revert: Reverter) -> Finding:
    evidence: dict[str, Any] = {
        "change": delta.change,
        "changes": [c.to_dict() for c in delta.changes],
    }
    if delta.change == "added":
        evidence["after"] = dict(delta.after or {})
    elif delta.change == "removed":
        evidence["before"] = dict(delta.before or {})
    return Finding(
        rule_id=f"drift/{delta.change}",
        kind="drift",
        severity=delta.severity,
        title=TITLES[delta.change],
        message=_message(delta),
        account=delta.account,
        region=delta.region,
        resource_type=delta.resource_type,
        resource_id=delta.resource_id,
        arn=arn_for(delta.resource_type, delta.resource_id, delta.account, delta.region),
        evidence=evidence,
        remediation=revert(delta),
        compliance=DRIFT_COMPLIANCE,
        location=delta.location,
    )


def drift_findings(deltas: Iterable[Delta], revert: Reverter) -> list[Finding]:
    return [drift_finding(d, revert) for d in deltas]


# (account, region, resource id): how a drift finding names its delta.
DeltaKey = tuple[str, str, str]


def drift_annotations(
    findings: Iterable[Finding],
) -> tuple[dict[DeltaKey, Attribution], dict[DeltaKey, Mapping[str, Any]]]:
    """Who made each drift (CloudTrail's attribution) and the waiver accepting it, by the
    delta's (account, region, resource id): what `diff` prints beside each delta."""
    who: dict[DeltaKey, Attribution] = {}
    waived: dict[DeltaKey, Mapping[str, Any]] = {}
    for finding in findings:
        if finding.kind != "drift":
            continue
        key = (finding.account, finding.region, finding.resource_id)
        if finding.attribution:
            who[key] = finding.attribution
        if finding.waiver is not None:
            waived[key] = finding.waiver
    return who, waived
