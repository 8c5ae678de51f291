"""What the reports need beyond the findings: the scan's scope, the rule pack, coverage.

``RunInfo`` is gathered once by the shell (CLI) and handed, with the findings, to every pure
``render`` function. ``RuleInfo`` describes one rule: a policy of the pack, or one of the
three drift kinds (``DRIFT_RULES``), so every report can explain every finding.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from scanner import HOMEPAGE
from scanner.drift.findings import DRIFT_COMPLIANCE, TITLES
from scanner.model import Finding, Location, Severity

DEFAULT_CATEGORY = "netwarden"
# A category as GitHub shows it: no spaces or control characters; '/' separates parts.
CATEGORY_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]{0,99}")

# "inventory" rows: (account, region, resource type, count).
InventoryRow = tuple[str, str, str, int]


@dataclass(frozen=True, kw_only=True)
class RuleInfo:
    """One rule as the reports describe it (SARIF ``reportingDescriptor``, Markdown section)."""

    id: str
    title: str
    severity: Severity
    description: str
    risk: str
    remediation_text: str
    references: tuple[str, ...] = ()
    compliance: tuple[str, ...] = ()
    help_uri: str | None = None
    # Where the rule is defined (the policy file and line); None for built-in rules.
    location: Location | None = None
    # A PascalCase identifier; derived from the title when empty.
    name: str = ""
    kind: str = "policy"
    # The Custodian resource type a policy evaluates ("aws.security-group"); "" for drift.
    resource_type: str = ""

    @property
    def display_name(self) -> str:
        """``name``, or the title as a PascalCase identifier (SARIF ``rule.name``)."""
        if self.name:
            return self.name
        words = re.findall(r"[A-Za-z0-9]+", self.title)
        return "".join(w[:1].upper() + w[1:] for w in words) or self.id

    @property
    def uri(self) -> str | None:
        """Where to read more: ``help_uri``, else the first reference."""
        return self.help_uri or (self.references[0] if self.references else None)


_DRIFT_REFERENCES = (
    "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-user-guide.html",
    "https://docs.aws.amazon.com/vpc/latest/userguide/security.html",
)
_DRIFT_COMPLIANCE = DRIFT_COMPLIANCE
DRIFT_RULES: tuple[RuleInfo, ...] = (
    RuleInfo(
        id="drift/added",
        name="NetworkResourceAddedOutsideBaseline",
        title=TITLES["added"],
        severity="high",
        kind="drift",
        description=(
            "A network resource exists in the account that the reviewed baseline does not "
            "list: it was created without going through the baseline's pull-request review."
        ),
        risk=(
            "Unreviewed network paths (security groups, routes, gateways, peerings) can expose "
            "workloads to the internet or to other networks without anyone having approved it."
        ),
        remediation_text=(
            "Find who created it (the attribution names the CloudTrail principal). If the change "
            "is legitimate, fold it into the baseline with `netwarden baseline accept --resource "
            "ID` in a reviewed pull request; otherwise delete the resource."
        ),
        references=_DRIFT_REFERENCES,
        compliance=_DRIFT_COMPLIANCE,
    ),
    RuleInfo(
        id="drift/modified",
        name="NetworkResourceChangedOutsideBaseline",
        title=TITLES["modified"],
        severity="high",
        kind="drift",
        description=(
            "A network resource's configuration (rules, routes, entries, attachments or tags) "
            "differs from the reviewed baseline."
        ),
        risk=(
            "An unreviewed change to a firewall rule, route or ACL entry can open a path that "
            "the approved design closes, or remove a control the design relies on."
        ),
        remediation_text=(
            "Review the changed fields in the evidence. Revert them to the baseline values with "
            "the commands below, or accept the change into the baseline in a reviewed pull "
            "request (`netwarden baseline accept --resource ID`)."
        ),
        references=_DRIFT_REFERENCES,
        compliance=_DRIFT_COMPLIANCE,
    ),
    RuleInfo(
        id="drift/removed",
        name="NetworkResourceRemovedOutsideBaseline",
        title=TITLES["removed"],
        severity="high",
        kind="drift",
        description=(
            "A network resource that the reviewed baseline lists no longer exists in the account."
        ),
        risk=(
            "A deleted control (flow log, network ACL, deny entry, security group) silently "
            "removes monitoring or isolation that the approved design relies on."
        ),
        remediation_text=(
            "Recreate the resource from the baseline entry, or remove it from the baseline in a "
            "reviewed pull request if the removal was intended."
        ),
        references=_DRIFT_REFERENCES,
        compliance=_DRIFT_COMPLIANCE,
    ),
)


@dataclass(frozen=True, kw_only=True)
class RunInfo:
    """Everything the reports show besides the findings; built once by the CLI."""

    tool_version: str
    collected_at: str
    accounts: tuple[str, ...]
    regions: tuple[str, ...]
    policy_pack_digest: str
    policy_pack_dir: str
    baseline_dir: str
    baseline_commit: str | None = None
    # {account, region, type, code, message}, as scanner.snapshot.coverage_gaps returns them.
    coverage_gaps: tuple[Mapping[str, str], ...] = ()
    # (account, region, type, count) rows, as scanner.inventory.counts returns them, or a
    # {(account, region, type): count} mapping (stored as sorted rows).
    inventory: tuple[InventoryRow, ...] = ()
    rules: tuple[RuleInfo, ...] = ()
    api_calls: int = 0
    # SARIF automationDetails.id without its trailing slash (--category); see ``scope_id``.
    scope: str | None = None
    # The project's home page, for SARIF tool.driver.informationUri.
    tool_uri: str | None = None
    # {account id: name} from AWS Organizations or the accounts file (stored sorted).
    account_names: tuple[tuple[str, str], ...] = ()
    # The netwarden that collected the snapshot, when it is not the one writing the reports
    # (``tool_version``): a snapshot may come from another machine or an older release.
    snapshot_tool_version: str | None = None
    # The waivers file and what it did: {"file", "applied": [WAIVER + "findings"],
    # "expired": [WAIVER + "findings"], "stale": [WAIVER]} (scanner.waivers.report.waiver_report);
    # None when no waivers file was read.
    waivers: Mapping[str, Any] | None = None
    # Against a previous run (--previous): {"path", "collected_at", "new", "existing",
    # "resolved": [{"fingerprint", "rule_id", "resource_id", ...}]}; None without one.
    previous: Mapping[str, Any] | None = None
    # Coverage notes that are not read errors ({"kind", "message"}): regions without a
    # baseline file, a notification or import that failed.
    notes: tuple[Mapping[str, str], ...] = ()
    # How each --notify target fared: {"target" (its label: a webhook URL is a secret),
    # "sent", "ok", "detail"}.
    notifications: tuple[Mapping[str, Any], ...] = ()
    # The Security Hub import (--security-hub): {"imported", "archived", "calls", "failed"}.
    security_hub: Mapping[str, Any] | None = None
    # With scan --flow-logs: {"source", "since", "until", "files", "pruned_files", "records",
    # "nodata_records", "skipped_records", "exposures": [EXPOSURE + "traffic"]}.
    flow_logs: Mapping[str, Any] | None = None
    # What the internet reaches (scanner.exposure.ExposureReport); None: not computed.
    exposure: Any = None

    def __post_init__(self) -> None:
        # Accept lists and an {(account, region, type): n} inventory; keep tuples, sorted rows.
        inventory: Any = self.inventory
        if isinstance(inventory, Mapping):
            inventory = [(a, r, t, int(n)) for (a, r, t), n in inventory.items()]
        object.__setattr__(self, "inventory", tuple(sorted(tuple(row) for row in inventory)))
        for name in ("accounts", "regions", "coverage_gaps", "rules", "notes", "notifications"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        names: Any = self.account_names
        pairs = names.items() if isinstance(names, Mapping) else names
        object.__setattr__(
            self, "account_names", tuple(sorted((str(a), str(n)) for a, n in pairs if n))
        )

    @functools.cached_property
    def names_by_account(self) -> dict[str, str]:
        return dict(self.account_names)

    def account_name(self, account: str) -> str | None:
        """The account's name, when Organizations or the accounts file gave one."""
        return self.names_by_account.get(account)

    @property
    def scope_id(self) -> str:
        """The scan's SARIF automation id (GitHub's analysis category): ``scope`` (the
        ``--category``), default ``netwarden``, always ending in ``/``.

        It does not depend on the accounts scanned: adding an account must not start a new
        category and leave every alert of the old one open forever. Separate uploads that
        must not close each other's alerts (a review, shards uploaded one by one) use their
        own category.
        """
        return (self.scope or DEFAULT_CATEGORY).rstrip("/") + "/"


def rule_catalog(
    run: RunInfo, findings: Iterable[Finding] = ()
) -> tuple[list[RuleInfo], dict[str, int]]:
    """Every rule the reports describe, sorted by id, and the index of each id.

    The pack's rules and the drift kinds come first-class; a finding whose rule the run does
    not describe gets a minimal rule built from the finding, so every result can point at one.
    """
    by_id: dict[str, RuleInfo] = {rule.id: rule for rule in DRIFT_RULES}
    by_id.update((rule.id, rule) for rule in run.rules)
    for finding in findings:
        if finding.rule_id not in by_id:
            by_id[finding.rule_id] = RuleInfo(
                id=finding.rule_id,
                title=finding.title,
                severity=finding.severity,
                kind=finding.kind,
                description=finding.title,
                risk="Not described by the rule pack.",
                remediation_text="See the remediation steps of each finding.",
                compliance=finding.compliance,
            )
    rules = [by_id[key] for key in sorted(by_id)]
    return rules, {rule.id: index for index, rule in enumerate(rules)}


def rule_from_metadata(metadata: Any, location: Location | None = None) -> RuleInfo:
    """A RuleInfo from a policy's validated metadata (``scanner.policy.metadata.PolicyMetadata``
    or any object with the same attributes)."""
    return RuleInfo(
        id=metadata.id,
        title=metadata.title,
        severity=metadata.severity,
        description=metadata.description,
        risk=metadata.risk,
        remediation_text=metadata.remediation_text,
        references=tuple(metadata.references),
        compliance=tuple(metadata.compliance),
        location=location,
    )


def pack_rules(pack: Any) -> list[RuleInfo]:
    """Every policy of a pack (``scanner.policy.loader.PolicyPack``) as a RuleInfo located at
    its policy file and line."""
    return [
        dataclasses.replace(
            rule_from_metadata(p.metadata, Location(p.path, p.line)), resource_type=p.resource_type
        )
        for p in pack.policies
    ]


def run_info_from_snapshot(
    snapshot: Mapping[str, Any],
    *,
    rules: Sequence[RuleInfo],
    policy_pack_dir: str,
    policy_pack_digest: str,
    baseline_dir: str,
    baseline_commit: str | None = None,
    **overrides: Any,
) -> RunInfo:
    """The RunInfo of a scan of ``snapshot`` (scope, coverage and inventory read from it)."""
    from scanner import __version__
    from scanner.inventory import counts
    from scanner.snapshot import accounts_of, coverage_gaps, iter_regions

    accounts = accounts_of(snapshot)
    regions = sorted({region for _, region, _ in iter_regions(snapshot)})
    collected_by = str(snapshot.get("tool_version") or "")
    values: dict[str, Any] = {
        # The reports' tool is the netwarden writing them, not whatever the snapshot says.
        "tool_version": __version__,
        "snapshot_tool_version": collected_by if collected_by != __version__ else None,
        "collected_at": str(snapshot.get("collected_at", "")),
        "accounts": tuple(sorted(accounts)),
        "regions": tuple(regions),
        "policy_pack_digest": policy_pack_digest,
        "policy_pack_dir": policy_pack_dir,
        "baseline_dir": baseline_dir,
        "baseline_commit": baseline_commit,
        "coverage_gaps": tuple(coverage_gaps(snapshot)),
        "inventory": tuple(counts(snapshot)),
        "rules": tuple(sorted(rules, key=lambda r: r.id)),
        "api_calls": int(snapshot.get("stats", {}).get("api_calls", 0) or 0),
        "tool_uri": HOMEPAGE,
        "account_names": {
            account: data["name"]
            for account, data in accounts.items()
            if isinstance(data, Mapping) and isinstance(data.get("name"), str)
        },
    }
    values.update(overrides)
    return RunInfo(**values)
