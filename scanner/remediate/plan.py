"""A remediation plan: the executable steps of many findings, deduplicated and in a safe
order (pure)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from scanner.model import Finding, RemediationAction, canonical_json

# Close exposure first, then take things apart, then put the baseline back.
PHASES = (
    (
        "contain",
        (
            "Revoke",
            "Reject",
            "DeleteRoute",
            "DeleteNetworkAclEntry",
            "ReplaceRoute",
            "ReplaceNetworkAclEntry",
            "UpdateAccessKey",
            "Disassociate",
        ),
    ),
    ("detach", ("Detach",)),
    ("delete", ("Delete", "Release")),
    ("restore", ("",)),
)


def phase_of(operation: str) -> int:
    for index, (_, prefixes) in enumerate(PHASES):
        if operation.startswith(prefixes):
            return index
    return len(PHASES) - 1


@dataclass(frozen=True)
class Step:
    """One action of the plan, and the findings it resolves."""

    account: str
    region: str
    resource_type: str
    resource_id: str
    action: RemediationAction
    fingerprints: tuple[str, ...]
    rule_ids: tuple[str, ...]

    @property
    def executable(self) -> bool:
        return self.action.api is not None

    @property
    def phase(self) -> str:
        return PHASES[phase_of(self.action.api.operation)][0] if self.action.api else "manual"

    def sort_key(self) -> tuple[Any, ...]:
        order = phase_of(self.action.api.operation) if self.action.api else len(PHASES)
        return (
            order,
            self.account,
            self.region,
            self.resource_type,
            self.resource_id,
            canonical_json(self.action.to_dict()),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "phase": self.phase,
            "account": self.account,
            "region": self.region,
            "resource_type": self.resource_type,
            "resource_id": self.resource_id,
            "rule_ids": list(self.rule_ids),
            "fingerprints": list(self.fingerprints),
            **self.action.to_dict(),
        }


def build_plan(findings: Iterable[Finding], include_policy: bool = False) -> list[Step]:
    """Every step that fixes the findings: drift reverts, and policy fixes when asked.

    Policy fixes are opt-in because they change what the reviewed baseline approved; a
    violation that came with a drift is undone by reverting that drift. The same call needed
    by two findings is one step.
    """
    merged: dict[tuple[str, str, str], Step] = {}
    for finding in findings:
        if finding.kind == "policy" and not include_policy:
            continue
        for action in finding.remediation:
            key = (finding.account, finding.region, canonical_json(action.to_dict()))
            known = merged.get(key)
            if known is None:
                merged[key] = Step(
                    finding.account,
                    finding.region,
                    finding.resource_type,
                    finding.resource_id,
                    action,
                    (finding.fingerprint,),
                    (finding.rule_id,),
                )
            else:
                merged[key] = Step(
                    known.account,
                    known.region,
                    known.resource_type,
                    known.resource_id,
                    known.action,
                    tuple(sorted({*known.fingerprints, finding.fingerprint})),
                    tuple(sorted({*known.rule_ids, finding.rule_id})),
                )
    return sorted(merged.values(), key=Step.sort_key)


def plan_document(steps: list[Step]) -> dict[str, Any]:
    return {"schema": "netwarden/plan/v1", "steps": [step.to_dict() for step in steps]}


def evidence_document(snapshot: Mapping[str, Any], steps: list[Step]) -> dict[str, Any]:
    """The raw items of every resource the plan touches: preserve before you destroy."""
    from scanner.collect.collectors import resource_id_of
    from scanner.snapshot import region_items

    wanted = {(s.account, s.region, s.resource_type, s.resource_id) for s in steps}
    items = []
    for account, region, rtype, rid in sorted(wanted):
        for item in region_items(snapshot, account, region, rtype):
            if resource_id_of(rtype, item) == rid:
                items.append(
                    {
                        "account": account,
                        "region": region,
                        "resource_type": rtype,
                        "resource_id": rid,
                        "item": item,
                    }
                )
    return {
        "schema": "netwarden/evidence/v1",
        "collected_at": snapshot.get("collected_at"),
        "resources": items,
    }
