"""Findings into Security Hub as library calls, with no click and no printing: the scan's
stage (``--security-hub``) and ``netwarden report securityhub DIR`` both call
:func:`security_hub_import`; :func:`import_report` is the whole of the command::

    result = import_report("reports", policies_dir="policies", aws=AwsOptions(profile="audit"))
    raise SystemExit(exit_code(result))

Each finding goes to its own account and region (through the scan's credentials for that
account); the findings resolved since the previous run are archived. A failed batch is a
coverage note, never an exception.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scanner.collect.aws_options import AwsOptions
from scanner.errors import ExitCode, InputError
from scanner.model import Finding, finding_from_dict
from scanner.report.run import RunInfo

# (account, region) -> a securityhub client in that account.
ClientFor = Callable[[str, str], Any]


@dataclass(frozen=True)
class HubImport:
    """What the reports record of an import ({"imported", "archived", "calls", "failed"}),
    and one coverage note ({"kind", "message"}) per account and region that failed."""

    report: Mapping[str, Any]
    notes: tuple[Mapping[str, str], ...]


@dataclass(frozen=True)
class ReportFindings:
    """What a report's findings.json holds for an import: its findings, the ones resolved
    since its previous run, and its run information with the rule pack's rules."""

    findings: tuple[Finding, ...]
    resolved: tuple[Mapping[str, Any], ...]
    run: RunInfo


def security_hub_import(
    findings: Iterable[Finding],
    resolved: Iterable[Mapping[str, Any]],
    run: RunInfo,
    client_for: ClientFor,
) -> HubImport:
    """Import ``findings`` and archive ``resolved`` (as ASFF) through ``client_for``."""
    from scanner.report.run import rule_catalog
    from scanner.securityhub.asff import resolved_asff, to_asff
    from scanner.securityhub.importer import import_findings

    chosen = list(findings)
    rules, _ = rule_catalog(run, chosen)
    by_id = {rule.id: rule for rule in rules}
    items = [
        to_asff(f, by_id.get(f.rule_id), run.collected_at, run.account_name(f.account))
        for f in chosen
    ]
    gone = list(resolved)
    items += [
        resolved_asff(
            r, by_id.get(str(r["rule_id"])), run.collected_at, run.account_name(str(r["account"]))
        )
        for r in gone
    ]
    result = import_findings(items, client_for)
    report = {
        "imported": result.imported,
        "archived": len(gone),
        "calls": result.calls,
        "failed": [
            {"account": f.account, "region": f.region, "count": f.count, "reason": f.reason}
            for f in result.failures
        ],
    }
    notes = tuple(
        {
            "kind": "security-hub-failed",
            "message": f"{f.count} finding(s) not imported into Security Hub in account "
            f"{f.account}, region {f.region}: {f.reason}",
        }
        for f in result.failures
    )
    return HubImport(report, notes)


def report_findings(document: Mapping[str, Any], path: str, policies_dir: str) -> ReportFindings:
    """The findings, resolved findings and run of a findings.json document (read by
    ``report.merge.read_findings``); the rules' texts come from the rule pack in
    ``policies_dir``. A document that is not netwarden's is an ``InputError`` at ``path``."""
    from scanner.policy.loader import load_policy_pack
    from scanner.report.run import pack_rules

    try:
        findings = tuple(finding_from_dict(item) for item in document["findings"])
        resolved = tuple(document.get("resolved") or [])
        meta = document["run"]
        pack = load_policy_pack(policies_dir)
        run = RunInfo(
            tool_version=str(meta.get("tool_version", "")),
            collected_at=str(meta["collected_at"]),
            accounts=tuple(meta.get("accounts", ())),
            regions=tuple(meta.get("regions", ())),
            policy_pack_digest=str((meta.get("policy_pack") or {}).get("digest", "")),
            policy_pack_dir=policies_dir,
            baseline_dir=str((meta.get("baseline") or {}).get("dir", "")),
            rules=tuple(pack_rules(pack)),
            account_names=tuple((meta.get("account_names") or {}).items()),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise InputError(f"not a netwarden findings.json: {exc}", path) from None
    return ReportFindings(findings, resolved, run)


def import_report(
    report_dir: str | Path,
    policies_dir: str = "policies",
    aws: AwsOptions | None = None,
    client_for: ClientFor | None = None,
) -> HubImport:
    """Import a scan's findings.json (``report_dir`` or the file itself) into Security Hub
    and archive the findings it lists as resolved. ``client_for`` defaults to the scanned
    accounts' clients through the AWS options (``collect.aws_options.AccountClients``)."""
    from scanner.report.merge import read_findings

    document, path = read_findings(report_dir)
    read = report_findings(document, path, policies_dir)
    if client_for is None:
        from scanner.collect.aws_options import AccountClients

        clients = AccountClients(aws or AwsOptions())

        def client_for(account: str, region: str) -> Any:
            return clients.client("securityhub", account, region)

    return security_hub_import(read.findings, read.resolved, read.run, client_for)


def exit_code(result: HubImport) -> int:
    """3 when some findings could not be imported (the import is incomplete), else 0."""
    return ExitCode.INCOMPLETE if result.notes else ExitCode.OK
