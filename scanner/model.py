"""Plain, immutable data shared by every stage: findings, remediation, locations.

Resources stay raw boto3 dicts, as Cloud Custodian keeps them. ``Finding`` carries every
field of a finding that docs/contract.md lists.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

Severity = Literal["critical", "high", "medium", "low", "info"]
SEVERITIES: tuple[Severity, ...] = ("critical", "high", "medium", "low", "info")
# Higher rank = more severe; "none" (for --fail-on) ranks above everything.
SEVERITY_RANK: dict[str, int] = {"info": 0, "low": 1, "medium": 2, "high": 3, "critical": 4}

FindingKind = Literal["policy", "drift"]
FindingStatus = Literal["new", "existing"]


def severity_at_least(severity: str, threshold: str) -> bool:
    """True when ``severity`` is at or above ``threshold`` (``none`` is never reached)."""
    if threshold == "none":
        return False
    return SEVERITY_RANK[severity] >= SEVERITY_RANK[threshold]


def canonical_json(value: Any) -> str:
    """A stable JSON text for hashing and comparing (sorted keys, no whitespace)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)


@dataclass(frozen=True)
class Location:
    """A file and 1-based line: the policy or baseline entry a finding is about."""

    path: str
    line: int

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "line": self.line}


@dataclass(frozen=True)
class ApiCall:
    service: str
    operation: str
    params: Mapping[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {"service": self.service, "operation": self.operation, "params": dict(self.params)}


@dataclass(frozen=True)
class RemediationAction:
    """One concrete step that fixes a finding; ``cli`` and ``api`` describe the same action."""

    description: str
    cli: str
    api: ApiCall | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "description": self.description,
            "cli": self.cli,
            "api": self.api.to_dict() if self.api else None,
        }


@dataclass(frozen=True)
class Attribution:
    """Who made a change, from CloudTrail."""

    principal: str | None
    access_key_id: str | None
    source_ip: str | None
    user_agent: str | None
    event_name: str
    event_time: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "principal": self.principal,
            "access_key_id": self.access_key_id,
            "source_ip": self.source_ip,
            "user_agent": self.user_agent,
            "event_name": self.event_name,
            "event_time": self.event_time,
        }


@dataclass(frozen=True)
class Finding:
    """One result of a scan: a policy violation or a drift from the baseline."""

    rule_id: str
    kind: FindingKind
    severity: Severity
    title: str
    message: str
    account: str
    region: str
    resource_type: str
    resource_id: str
    arn: str
    evidence: Mapping[str, Any]
    remediation: tuple[RemediationAction, ...]
    compliance: tuple[str, ...]
    location: Location
    attribution: Attribution | None = None
    # Set by later stages, never part of the fingerprint: the waiver that accepts this
    # finding ({"reason", "owner", "expires", "path", "line"}) and, against a previous run,
    # whether it is "new" or "existing".
    waiver: Mapping[str, Any] | None = None
    status: FindingStatus | None = None
    # From flow logs (scan --flow-logs): what came in through the rule a finding is about,
    # {"accepted", "rejected", "bytes", "sources": [{"address", "flows"}], "first_seen",
    # "last_seen", ...}. Observed, so it changes run to run: never in the fingerprint.
    traffic: Mapping[str, Any] | None = None
    # From the exposure engine, on open-rule findings: {"reachable", "enis", "blocked_by"}
    # (and "paths" when reachable); on drift that creates an internet exposure: the new
    # exposures and their paths. Derived from the snapshot: never in the fingerprint.
    exposure: Mapping[str, Any] | None = None

    @functools.cached_property
    def fingerprint(self) -> str:
        """Stable across runs: what broke which rule where, never file layout or wording.

        Computed once per finding (sorting, grouping and every report ask for it; the
        evidence is never changed after the finding is made, and ``dataclasses.replace``
        makes a new finding that computes its own)."""
        key = canonical_json(
            [
                self.rule_id,
                self.account,
                self.region,
                self.resource_type,
                self.resource_id,
                self.evidence,
            ]
        )
        return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]

    def sort_key(self) -> tuple[Any, ...]:
        return (
            -SEVERITY_RANK[self.severity],
            self.rule_id,
            self.account,
            self.region,
            self.resource_type,
            self.resource_id,
            self.fingerprint,
        )

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "fingerprint": self.fingerprint,
            "rule_id": self.rule_id,
            "kind": self.kind,
            "severity": self.severity,
            "title": self.title,
            "message": self.message,
            "account": self.account,
            "region": self.region,
            "resource_type": self.resource_type,
            "resource_id": self.resource_id,
            "arn": self.arn,
            "evidence": dict(self.evidence),
            "remediation": [action.to_dict() for action in self.remediation],
            "compliance": list(self.compliance),
            "location": self.location.to_dict(),
            "attribution": self.attribution.to_dict() if self.attribution else None,
        }
        # Optional fields appear only when set, so findings.json of wave 1 stays unchanged.
        if self.waiver is not None:
            data["waiver"] = dict(self.waiver)
        if self.status is not None:
            data["status"] = self.status
        if self.traffic is not None:
            data["traffic"] = dict(self.traffic)
        if self.exposure is not None:
            data["exposure"] = dict(self.exposure)
        return data


def finding_from_dict(data: Mapping[str, Any]) -> Finding:
    """The inverse of ``Finding.to_dict`` (for merging shard reports)."""
    remediation = tuple(
        RemediationAction(
            description=step["description"],
            cli=step["cli"],
            api=ApiCall(step["api"]["service"], step["api"]["operation"], step["api"]["params"])
            if step.get("api")
            else None,
        )
        for step in data.get("remediation", [])
    )
    who = data.get("attribution")
    return Finding(
        rule_id=data["rule_id"],
        kind=data["kind"],
        severity=data["severity"],
        title=data["title"],
        message=data["message"],
        account=data["account"],
        region=data["region"],
        resource_type=data["resource_type"],
        resource_id=data["resource_id"],
        arn=data["arn"],
        evidence=data["evidence"],
        remediation=remediation,
        compliance=tuple(data.get("compliance", [])),
        location=Location(data["location"]["path"], int(data["location"]["line"])),
        attribution=Attribution(**who) if who else None,
        waiver=dict(data["waiver"]) if data.get("waiver") else None,
        status=data.get("status"),
        traffic=dict(data["traffic"]) if data.get("traffic") else None,
        exposure=dict(data["exposure"]) if data.get("exposure") else None,
    )
