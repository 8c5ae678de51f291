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
