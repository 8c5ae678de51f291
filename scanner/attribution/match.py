"""Matching CloudTrail records to drift deltas (pure)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from typing import Any

from scanner.attribution.events import attribution_of, events_for, mentioned_ids
from scanner.drift.engine import Delta
from scanner.model import Attribution, Finding, RemediationAction
from scanner.remediate.cli_text import action, manual
from scanner.textsafe import shell_join

Record = Mapping[str, Any]


def _key(delta: Delta) -> tuple[str, str, str]:
    return (delta.account, delta.region, delta.baseline_id or delta.resource_id)


def latest_events(
    records: Iterable[Record], deltas: Iterable[Delta]
) -> dict[tuple[str, str, str], Record]:
    """For each delta's (account, region, resource id), the latest record that could have
    caused it. Records arrive in any order and from any number of files; only the current
    best per resource is kept, so memory stays bounded by the number of deltas."""
    wanted: dict[tuple[str, str, str], frozenset[str]] = {}
    by_id: dict[str, list[tuple[str, str, str]]] = {}
    for delta in deltas:
        for rid in {delta.resource_id, delta.baseline_id} - {None}:
            key = (delta.account, delta.region, str(rid))
            wanted[key] = events_for(delta.resource_type)
            by_id.setdefault(str(rid), []).append(key)
    best: dict[tuple[str, str, str], Record] = {}
    for record in records:
        account = str(
            record.get("recipientAccountId")
            or (record.get("userIdentity") or {}).get("accountId", "")
        )
        region = str(record.get("awsRegion", ""))
        for rid in mentioned_ids(record) & by_id.keys():
            for key in by_id[rid]:
                if key[:2] != (account, region) or record.get("eventName") not in wanted[key]:
                    continue
                current = best.get(key)
                if current is None or str(record.get("eventTime", "")) > str(
                    current.get("eventTime", "")
                ):
                    best[key] = record
    return best


def containment(attribution: Attribution, region: str) -> list[RemediationAction]:
    """The playbook's containment step for the principal behind an unauthorized change."""
    steps: list[RemediationAction] = []
    key, principal = attribution.access_key_id, attribution.principal or ""
    if key and key.startswith("AKIA") and ":user/" in principal:
        user = principal.rsplit("/", 1)[-1]
        steps.append(
            action(
                f"Deactivate the access key {key} that made the change",
                "iam",
                "UpdateAccessKey",
                {"UserName": user, "AccessKeyId": key, "Status": "Inactive"},
                region,
            )
        )
    elif ":assumed-role/" in principal:
        role = principal.split(":assumed-role/", 1)[1].split("/", 1)[0]
        steps.append(
            manual(
                f"Revoke the active sessions of role {role} (IAM console: Revoke active sessions, "
                "which attaches the AWSRevokeOlderSessions deny policy)"
            )
        )
    if key:
        steps.append(review_key(key, region))
    return steps


def review_key(key: str, region: str) -> RemediationAction:
    """An investigation step (read-only, so never applied): the LookupEvents command for the
    access key, as a quoted command line. The key comes from a trail record: whoever can write
    the trail's bucket chooses it."""
    command = shell_join(
        [
            "aws",
            "cloudtrail",
            "lookup-events",
            "--region",
            region,
            "--lookup-attributes",
            f"AttributeKey=AccessKeyId,AttributeValue={key}",
        ]
    )
    return RemediationAction(
        description="Review every other action made with this access key (CloudTrail)",
        cli=command,
        api=None,
    )


def attribute(
    findings: Iterable[Finding], deltas: Iterable[Delta], records: Iterable[Record]
) -> list[Finding]:
    """Drift findings with their attribution and containment steps filled in."""
    delta_list = list(deltas)
    best = latest_events(records, delta_list)
    by_resource = {(d.account, d.region, d.resource_id): d for d in delta_list}
    out = []
    for finding in findings:
        delta = by_resource.get((finding.account, finding.region, finding.resource_id))
        record = best.get(_key(delta)) if finding.kind == "drift" and delta else None
        if record is None:
            out.append(finding)
            continue
        who = attribution_of(record)
        out.append(
            dataclasses.replace(
                finding,
                attribution=who,
                remediation=(*finding.remediation, *containment(who, finding.region)),
            )
        )
    return out
