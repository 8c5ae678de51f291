"""The compliance table both reports share (pure): every control the pack maps to, the rules
that check part of it, and how many findings this scan counted against it.

A rule checks one aspect of a control (CIS-AWS-5.2 is about admin ports open to the world;
the pack checks the security-group rules it can see), never the whole control, so the status
of a control without findings is "no findings", never "pass".
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from scanner.model import Finding
from scanner.report.run import RuleInfo

FRAMEWORKS = (
    ("CIS-AWS-", "CIS AWS Foundations Benchmark v3.0"),
    ("FSBP-", "AWS Foundational Security Best Practices"),
    ("NIST-800-53-", "NIST SP 800-53"),
)
FINDINGS, NO_FINDINGS = "findings", "no findings"


def framework(control: str) -> tuple[int, str]:
    """The framework's rank and name for a control id."""
    for rank, (prefix, name) in enumerate(FRAMEWORKS):
        if control.startswith(prefix):
            return rank, name
    return len(FRAMEWORKS), "Other"


def _natural(text: str) -> list[object]:
    """Sort key that puts CIS-AWS-5.10 after CIS-AWS-5.2."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text)]


@dataclass(frozen=True)
class ControlRow:
    framework: str
    control: str
    rules: tuple[str, ...]
    findings: int
    status: str


def control_rows(findings: Iterable[Finding], rules: Sequence[RuleInfo]) -> list[ControlRow]:
    """One row per control, by framework then natural order; a finding counts against its
    own controls and its rule's."""
    rules_of: dict[str, set[str]] = defaultdict(set)
    for rule in rules:
        for control in rule.compliance:
            rules_of[control].add(rule.id)
    by_id = {rule.id: rule for rule in rules}
    hits: Counter[str] = Counter()
    for finding in findings:
        found = by_id.get(finding.rule_id)
        mapped = set(finding.compliance).union(found.compliance if found else ())
        for control in mapped:
            hits[control] += 1
            rules_of[control].add(finding.rule_id)
    controls = sorted(rules_of, key=lambda c: (framework(c)[0], _natural(c)))
    return [
        ControlRow(
            framework=framework(c)[1],
            control=c,
            rules=tuple(sorted(rules_of[c])),
            findings=hits[c],
            status=FINDINGS if hits[c] else NO_FINDINGS,
        )
        for c in controls
    ]


# How the evidence names what it counted; any other type reads as its Custodian name.
NOUNS = {
    "aws.account": ("account", "accounts"),
    "aws.security-group": ("security group", "security groups"),
    "aws.network-acl": ("network ACL", "network ACLs"),
    "aws.vpc": ("VPC", "VPCs"),
    "aws.subnet": ("subnet", "subnets"),
    "aws.route-table": ("route table", "route tables"),
    "aws.internet-gateway": ("internet gateway", "internet gateways"),
    "aws.nat-gateway": ("NAT gateway", "NAT gateways"),
    "aws.elastic-ip": ("Elastic IP", "Elastic IPs"),
    "aws.peering-connection": ("peering connection", "peering connections"),
    "aws.vpc-endpoint": ("VPC endpoint", "VPC endpoints"),
    "aws.transit-gateway": ("transit gateway", "transit gateways"),
    "aws.vpn-connection": ("VPN connection", "VPN connections"),
    "aws.eni": ("network interface", "network interfaces"),
}


def noun(resource_type: str, count: int) -> str:
    one, many = NOUNS.get(resource_type, (resource_type, resource_type))
    return f"{count} {one if count == 1 else many}"


@dataclass(frozen=True)
class ControlEvidence:
    """What one control's rules looked at and how much of it passed.

    ``checked`` counts each resource once per type the control's rules evaluate, where that
    type was read (an account-level rule checks each account once); ``failing`` the ones with
    a finding no waiver accepts; ``accepted`` the ones whose every finding a waiver accepts.
    """

    framework: str
    control: str
    rules: tuple[str, ...]
    checked_by_type: tuple[tuple[str, int], ...]
    failing: int
    accepted: int

    @property
    def checked(self) -> int:
        return sum(n for _, n in self.checked_by_type)

    @property
    def passed(self) -> int:
        return max(0, self.checked - self.failing - self.accepted)

    def checked_text(self) -> str:
        """``412 security groups`` (types joined with "and")."""
        return " and ".join(noun(t, n) for t, n in self.checked_by_type) or "nothing"

    def sentence(self) -> str:
        """``CIS-AWS-5.2: 412 security groups checked, 0 failing``."""
        accepted = f", {self.accepted} accepted" if self.accepted else ""
        return f"{self.control}: {self.checked_text()} checked, {self.failing} failing{accepted}"

    def to_dict(self) -> dict[str, object]:
        return {
            "control": self.control,
            "framework": self.framework,
            "rules": list(self.rules),
            "checked": self.checked,
            "checked_by_type": dict(self.checked_by_type),
            "passed": self.passed,
            "failing": self.failing,
            "accepted": self.accepted,
        }


def control_evidence(
    findings: Iterable[Finding],
    rules: Sequence[RuleInfo],
    inventory: Iterable[tuple[str, str, str, int]],
) -> list[ControlEvidence]:
    """Per control a policy rule maps to: the resources its rules checked (from the
    ``(account, region, type, count)`` inventory) and how many failed (pure). Drift rules
    check the baseline, not a population of resources, and are left out."""
    per_type: Counter[str] = Counter()
    accounts: set[str] = set()
    for account, _region, rtype, count in inventory:
        per_type[rtype] += count
        accounts.add(account)
    per_type[ACCOUNT_TYPE] = len(accounts)  # the account itself is never collected as items
    rules_of: dict[str, set[RuleInfo]] = defaultdict(set)
    for rule in rules:
        if rule.kind == "policy" and rule.resource_type:
            for control in rule.compliance:
                rules_of[control].add(rule)
    # (control) -> resource key -> whether any of its findings there is unwaived
    failing: dict[str, dict[tuple[str, ...], bool]] = defaultdict(dict)
    by_id = {rule.id: rule for rule in rules}
    for finding in findings:
        found = by_id.get(finding.rule_id)
        if finding.kind != "policy" or found is None or not found.resource_type:
            continue
        key = _resource_key(finding, found.resource_type)
        for control in found.compliance:
            seen = failing[control]
            seen[key] = seen.get(key, False) or finding.waiver is None
    evidence = []
    for control in sorted(rules_of, key=lambda c: (framework(c)[0], _natural(c))):
        types = sorted({r.resource_type for r in rules_of[control]})
        marks = failing.get(control, {})
        evidence.append(
            ControlEvidence(
                framework=framework(control)[1],
                control=control,
                rules=tuple(sorted(r.id for r in rules_of[control])),
                checked_by_type=tuple((t, per_type.get(t, 0)) for t in types),
                failing=sum(1 for unwaived in marks.values() if unwaived),
                accepted=sum(1 for unwaived in marks.values() if not unwaived),
            )
        )
    return evidence


ACCOUNT_TYPE = "aws.account"


def _resource_key(finding: Finding, resource_type: str) -> tuple[str, ...]:
    if resource_type == ACCOUNT_TYPE:
        return (resource_type, finding.account)  # folded: one finding per account
    return (resource_type, finding.account, finding.region, finding.resource_id)
