"""Findings in the AWS Security Finding Format, 2018-10-08 (pure).

Each finding is imported under the account's own default integration
(``arn:<partition>:securityhub:<region>:<account>:product/<account>/default``), which
BatchImportFindings only accepts from that same account: so findings are grouped by their
account and region, and each group is sent through that account's session. ``Id`` is the
finding's fingerprint (stable across runs, so a re-import updates the same Security Hub
finding), ``GeneratorId`` the rule id. Severity and Types go in ``FindingProviderFields``, the
fields a provider owns. A finding resolved since the previous run is re-imported with
``RecordState: ARCHIVED`` and ``Compliance.Status: PASSED``, from which Security Hub sets
the workflow of an existing finding to RESOLVED (``Workflow`` itself is only read when a
finding is created, so it is sent as RESOLVED too, for one created already resolved).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import groupby
from typing import Any

from scanner import resources
from scanner.arns import partition
from scanner.model import Finding
from scanner.report.run import RuleInfo
from scanner.textsafe import CONTROL_POINTS

SCHEMA_VERSION = "2018-10-08"
MAX_BATCH = 100  # BatchImportFindings accepts at most 100 findings per call
MAX_TITLE = 256
MAX_DESCRIPTION = 1024
MAX_RECOMMENDATION = 512
MAX_REQUIREMENTS = 32
MAX_REQUIREMENT = 128
MAX_PRODUCT_FIELD = 2048
MAX_OTHER = 1023  # Resources[].Details.Other: "fewer than 1,024 characters"
MAX_ID = 512  # Id and GeneratorId
MAX_SEVERITY_ORIGINAL = 64
SEVERITY_LABEL = {
    "critical": "CRITICAL",
    "high": "HIGH",
    "medium": "MEDIUM",
    "low": "LOW",
    "info": "INFORMATIONAL",
}
STANDARDS = "Software and Configuration Checks/Industry and Regulatory Standards/"
FRAMEWORK_TYPES = (
    ("FSBP-", STANDARDS + "AWS-Foundational-Security-Best-Practices"),
    ("CIS-AWS-", STANDARDS + "CIS AWS Foundations Benchmark"),
    ("NIST-800-53-", STANDARDS + "NIST 800-53 Controls (USA)"),
)
BEST_PRACTICES = "Software and Configuration Checks/AWS Security Best Practices"
# Custodian resource name -> ASFF resource type (a ResourceDetails key of the Security Hub
# API, or AwsAccount, or Other where ASFF has no type for it): each type's ``asff_type`` facet.
ASFF_TYPES = {
    "aws.account": "AwsAccount",
    **{t.name: t.asff_type for t in resources.types() if t.asff_type is not None},
}
# Every control character (scanner.textsafe: C0, DEL, C1, line separators, bidi controls).
_CONTROL = dict.fromkeys(CONTROL_POINTS, " ")


def product_arn(account: str, region: str) -> str:
    """The account's default (custom integration) product ARN in ``region``."""
    return f"arn:{partition(region)}:securityhub:{region}:{account}:product/{account}/default"


def asff_type(resource_type: str) -> str:
    return ASFF_TYPES.get(resource_type, "Other")


def timestamp(value: str) -> str:
    """An ISO 8601 time as RFC 3339 in UTC with a ``Z``."""
    return value[:-6] + "Z" if value.endswith("+00:00") else value


def _text(value: Any, limit: int) -> str:
    text = str(value).translate(_CONTROL).strip() or "-"
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _types(compliance: Iterable[str]) -> list[str]:
    types = [BEST_PRACTICES]
    for prefix, type_name in FRAMEWORK_TYPES:
        if any(control.startswith(prefix) for control in compliance):
            types.append(type_name)
    return types


def _resource(data: Mapping[str, Any]) -> dict[str, Any]:
    account, region, rtype = str(data["account"]), str(data["region"]), str(data["resource_type"])
    resource_id = str(data["resource_id"])
    if rtype == "aws.account":
        identifier = f"AWS::::Account:{account}"
    else:
        identifier = str(data.get("arn") or "") or resource_id
    return {
        "Type": asff_type(rtype),
        "Id": _text(identifier, 512),
        "Partition": partition(region),
        "Region": region,
        "Details": {
            "Other": {
                "netwarden/resource_type": _text(rtype, MAX_OTHER),
                "netwarden/resource_id": _text(resource_id, MAX_OTHER),
            }
        },
    }


def _base(
    data: Mapping[str, Any], rule: RuleInfo | None, collected_at: str, account_name: str | None
) -> dict[str, Any]:
    account, region = str(data["account"]), str(data["region"])
    compliance = [str(c) for c in data.get("compliance") or []]
    when = timestamp(collected_at)
    item: dict[str, Any] = {
        "SchemaVersion": SCHEMA_VERSION,
        # A resolved entry comes from the previous run's file: any length, any characters.
        "Id": _text(data["fingerprint"], MAX_ID),
        "ProductArn": product_arn(account, region),
        "ProductName": "netwarden",
        "CompanyName": "netwarden",
        "GeneratorId": _text(data["rule_id"], MAX_ID),
        "AwsAccountId": account,
        "Region": region,
        "CreatedAt": when,
        "UpdatedAt": when,
        "LastObservedAt": when,
        "Title": _text(data.get("title") or data["rule_id"], MAX_TITLE),
        "FindingProviderFields": {
            "Severity": {
                "Label": SEVERITY_LABEL.get(str(data.get("severity")), "INFORMATIONAL"),
                "Original": _text(data.get("severity") or "info", MAX_SEVERITY_ORIGINAL),
            },
            "Types": _types(compliance),
        },
        "Resources": [_resource(data)],
        "Compliance": {
            "Status": "FAILED",
            "RelatedRequirements": [_text(c, MAX_REQUIREMENT) for c in dict.fromkeys(compliance)][
                :MAX_REQUIREMENTS
            ],
        },
        "RecordState": "ACTIVE",
        "Workflow": {"Status": "NEW"},
    }
    if account_name:
        item["AwsAccountName"] = _text(account_name, 50)
    if rule is not None:
        recommendation: dict[str, str] = {"Text": _text(rule.remediation_text, MAX_RECOMMENDATION)}
        if rule.uri:
            recommendation["Url"] = rule.uri
        item["Remediation"] = {"Recommendation": recommendation}
    return item


def to_asff(
    finding: Finding,
    rule: RuleInfo | None,
    collected_at: str,
    account_name: str | None = None,
) -> dict[str, Any]:
    """One active finding as ASFF. A waived finding is created SUPPRESSED and carries its
    waiver in ``ProductFields`` (the fields a provider may still update later)."""
    data = finding.to_dict()
    item = _base(data, rule, collected_at, account_name)
    item["Description"] = _text(finding.message, MAX_DESCRIPTION)
    evidence = json.dumps(data["evidence"], sort_keys=True, default=str)
    fields: dict[str, str] = {
        "netwarden/kind": finding.kind,
        "netwarden/fingerprint": finding.fingerprint,
        "netwarden/location": _text(
            f"{finding.location.path}:{finding.location.line}", MAX_PRODUCT_FIELD
        ),
        "netwarden/evidence": _text(evidence, MAX_PRODUCT_FIELD),
    }
    if finding.status is not None:
        fields["netwarden/status"] = finding.status
        if finding.status == "new":
            item["FirstObservedAt"] = item["CreatedAt"]
    if finding.remediation:
        fields["netwarden/remediation/cli"] = _text(finding.remediation[0].cli, MAX_PRODUCT_FIELD)
    if finding.waiver is not None:
        item["Workflow"] = {"Status": "SUPPRESSED"}
        for key in ("reason", "owner", "expires"):
            fields[f"netwarden/waiver/{key}"] = _text(finding.waiver.get(key, ""), 1024)
    item["ProductFields"] = fields
    return item


def resolved_asff(
    entry: Mapping[str, Any],
    rule: RuleInfo | None,
    collected_at: str,
    account_name: str | None = None,
) -> dict[str, Any]:
    """A finding of the previous run that is gone (a ``resolved`` entry) as ASFF, archived."""
    item = _base(entry, rule, collected_at, account_name)
    item["Description"] = _text(
        f"Resolved: {entry.get('title') or entry['rule_id']} no longer applies to "
        f"{entry['resource_type']} {entry['resource_id']} (netwarden scan of {collected_at}).",
        MAX_DESCRIPTION,
    )
    item["Compliance"]["Status"] = "PASSED"
    item["RecordState"] = "ARCHIVED"
    item["Workflow"] = {"Status": "RESOLVED"}
    item["ProductFields"] = {"netwarden/status": "resolved"}
    return item


def batches(
    items: Iterable[Mapping[str, Any]], size: int = MAX_BATCH
) -> Iterator[tuple[str, str, list[Mapping[str, Any]]]]:
    """(account, region, up to ``size`` findings), grouped by each finding's own account and
    region, in a deterministic order."""
    ordered: Sequence[Mapping[str, Any]] = sorted(
        items, key=lambda i: (i["AwsAccountId"], i["Region"], i["Id"])
    )
    for (account, region), group in groupby(
        ordered, key=lambda i: (i["AwsAccountId"], i["Region"])
    ):
        chunk = list(group)
        for start in range(0, len(chunk), size):
            yield account, region, chunk[start : start + size]
