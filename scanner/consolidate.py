"""Less noise, same facts (pure): account-level checks once per account, regions without a
baseline as one note, related findings of one resource grouped.

- An account-level rule (``resource: aws.account``: CloudTrail, Config, GuardDuty, the
  change alarms) is evaluated in every region and fails in each region lacking the control.
  Those findings become one per (rule, account), in the account's anchor region (us-east-1
  when it was scanned, else the first scanned region), listing every region that lacks the
  control and keeping each region's evidence and remediation. Findings a waiver accepts fold
  apart from the others, one per waiver, so an accepted region never hides an unaccepted one.
- A region that was collected but has no baseline file is not compared (every resource in it
  would be "added" drift); it is named in one coverage note with the command that baselines it.
- Findings of one resource from one rule family (``NW-SG-002`` SSH and ``NW-SG-001``
  unapproved port on the same permission) form one group for the reports, with every rule
  and control id kept.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from scanner.model import SEVERITY_RANK, Finding, RemediationAction, canonical_json
from scanner.resources import arn_for

ACCOUNT_LEVEL = "aws.account"
PREFERRED_ANCHOR = "us-east-1"


def anchor_region(regions: Iterable[str]) -> str:
    """Where an account's account-level findings are reported."""
    chosen = sorted(set(regions))
    if not chosen:
        return PREFERRED_ANCHOR
    return PREFERRED_ANCHOR if PREFERRED_ANCHOR in chosen else chosen[0]


def fold_account_level(
    findings: Iterable[Finding], regions_by_account: Mapping[str, Iterable[str]]
) -> list[Finding]:
    """One finding per (account-level rule, account, waiver) instead of one per region."""
    out: list[Finding] = []
    groups: dict[tuple[str, str, str], list[Finding]] = defaultdict(list)
    for finding in findings:
        if finding.resource_type != ACCOUNT_LEVEL:
            out.append(finding)
            continue
        waiver = canonical_json(finding.waiver) if finding.waiver is not None else ""
        groups[(finding.rule_id, finding.account, waiver)].append(finding)
    for (_, account, _), members in sorted(groups.items()):
        scanned = list(regions_by_account.get(account, ())) or [f.region for f in members]
        out.append(_folded(members, anchor_region(scanned), len(set(scanned))))
    return out


def _folded(members: Sequence[Finding], anchor: str, scanned: int) -> Finding:
    members = sorted(members, key=lambda f: f.region)
    first = members[0]
    regions = [f.region for f in members]
    worst = max(members, key=lambda f: SEVERITY_RANK[f.severity]).severity
    actions: list[RemediationAction] = []
    seen: set[str] = set()
    for member in members:
        for action in member.remediation:
            key = canonical_json(action.to_dict())
            if key not in seen:
                seen.add(key)
                actions.append(action)
    account = first.account
    listed = ", ".join(regions)
    return Finding(
        rule_id=first.rule_id,
        kind=first.kind,
        severity=worst,
        title=first.title,
        message=(
            f"account {account}: {first.title.rstrip('.')} in {len(regions)} of {scanned} "
            f"region(s) scanned: {listed}."
        ),
        account=account,
        region=anchor,
        resource_type=ACCOUNT_LEVEL,
        resource_id=account,
        arn=arn_for(ACCOUNT_LEVEL, account, account, anchor),
        evidence={
            "regions": regions,
            "by_region": {f.region: dict(f.evidence) for f in members},
        },
        remediation=tuple(actions),
        compliance=first.compliance,
        location=first.location,
        attribution=None,
        waiver=first.waiver,
        status=first.status,
    )


@dataclass(frozen=True)
class BaselineCoverage:
    """Which collected regions have a baseline file, and which do not (by account)."""

    baselined: frozenset[tuple[str, str]]
    missing: Mapping[str, tuple[str, ...]]  # account -> regions without a baseline file
    accounts_without_any: tuple[str, ...]

    def note(self) -> dict[str, str] | None:
        """The one coverage note for every unbaselined region, or None."""
        if not self.missing:
            return None
        parts = []
        for account, regions in sorted(self.missing.items()):
            whole = " (no baseline at all)" if account in self.accounts_without_any else ""
            parts.append(f"{account}{whole}: {', '.join(regions)}")
        every = sorted({r for regions in self.missing.values() for r in regions})
        count = sum(len(r) for r in self.missing.values())
        return {
            "kind": "not-baselined",
            "message": (
                f"not baselined, so drift was not checked in {count} region(s): "
                + "; ".join(parts)
                + f". Record them with `netwarden baseline create --regions {','.join(every)}`"
                " (it writes only the missing files) and review them in a pull request."
            ),
        }


def baseline_coverage(
    collected: Iterable[tuple[str, str]], baselined: Iterable[tuple[str, str]]
) -> BaselineCoverage:
    """Split the collected (account, region) pairs by whether a baseline file exists."""
    have = frozenset(baselined)
    missing: dict[str, list[str]] = defaultdict(list)
    accounts_with = {account for account, _ in have}
    for account, region in sorted(set(collected)):
        if (account, region) not in have:
            missing[account].append(region)
    without_any = tuple(sorted(a for a in missing if a not in accounts_with))
    return BaselineCoverage(
        baselined=frozenset(set(collected) & have),
        missing={a: tuple(r) for a, r in missing.items()},
        accounts_without_any=without_any,
    )


def rule_family(rule_id: str) -> str:
    """``NW-SG-002`` -> ``NW-SG``; ``drift/added`` -> ``drift``."""
    if "/" in rule_id:
        return rule_id.split("/", 1)[0]
    head, _, tail = rule_id.rpartition("-")
    return head if head and tail.isdigit() else rule_id


@dataclass(frozen=True)
class FindingGroup:
    """Findings of one resource from one rule family, most severe first."""

    findings: tuple[Finding, ...]

    @property
    def lead(self) -> Finding:
        return self.findings[0]

    @property
    def rule_ids(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(f.rule_id for f in self.findings))

    @property
    def compliance(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(c for f in self.findings for c in f.compliance))

    def key(self) -> tuple[Any, ...]:
        lead = self.lead
        return (lead.account, lead.region, lead.resource_type, lead.resource_id)


def group_related(findings: Iterable[Finding]) -> list[FindingGroup]:
    """Group findings by (account, region, resource, rule family), in the order of their most
    severe member (the input order breaks ties, so sorted input gives a stable output)."""
    buckets: dict[tuple[str, ...], list[Finding]] = {}
    for finding in findings:
        key = (
            finding.account,
            finding.region,
            finding.resource_type,
            finding.resource_id,
            rule_family(finding.rule_id),
        )
        buckets.setdefault(key, []).append(finding)
    groups = []
    for members in buckets.values():
        ordered = sorted(members, key=lambda f: -SEVERITY_RANK[f.severity])  # stable
        groups.append(FindingGroup(tuple(ordered)))
    groups.sort(key=lambda g: -SEVERITY_RANK[g.lead.severity])  # stable: input order
    return groups
