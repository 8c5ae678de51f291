"""One waiver: which findings it accepts, why, who owns the risk, and until when."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any

from scanner.model import Finding

DRIFT_RULE_IDS = ("drift/added", "drift/modified", "drift/removed")
ANY_RULE = "*"
ANY_DRIFT = "drift/*"


@dataclass(frozen=True)
class Waiver:
    """An entry of ``waivers.yaml``; ``path`` and ``line`` say where it is written."""

    rule: str  # a rule id, a drift kind, "drift/*" or "*"
    resource: str  # a resource id, an ARN, or a glob of either (fnmatch, case-sensitive)
    reason: str
    owner: str
    expires: dt.date  # the last day the waiver applies
    path: str
    line: int
    account: str | None = None
    region: str | None = None  # a region name or a glob (eu-*)

    def expired(self, today: dt.date) -> bool:
        """True once the expiry day has passed (the waiver holds through that day)."""
        return today > self.expires

    def matches(self, finding: Finding) -> bool:
        """Whether this waiver's rule, resource, account and region select ``finding``."""
        if self.rule == ANY_DRIFT:
            if finding.kind != "drift":
                return False
        elif self.rule != ANY_RULE and self.rule != finding.rule_id:
            return False
        if self.account is not None and self.account != finding.account:
            return False
        if self.region is not None and not fnmatchcase(finding.region, self.region):
            return False
        # An ARN-shaped pattern is compared with the finding's ARN, anything else with its id.
        target = finding.arn if self.resource.startswith("arn:") else finding.resource_id
        return bool(target) and fnmatchcase(target, self.resource)

    def reference(self) -> dict[str, Any]:
        """What a waived finding carries (docs/contract.md): reason, owner, expiry, file, line."""
        return {
            "reason": self.reason,
            "owner": self.owner,
            "expires": self.expires.isoformat(),
            "path": self.path,
            "line": self.line,
        }

    def describe(self) -> dict[str, Any]:
        """The waiver as plain data, for the reports' expired and stale lists."""
        data: dict[str, Any] = {"rule": self.rule, "resource": self.resource}
        if self.account is not None:
            data["account"] = self.account
        if self.region is not None:
            data["region"] = self.region
        data.update(self.reference())
        return data
