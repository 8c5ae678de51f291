"""The Security Hub library calls on literal findings and a recording client: each batch in its
findings' own account and region, the resolved ones archived, a failed batch a coverage note
(exit 3), and a report directory read back into the same import `report securityhub` does."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from scanner.errors import InputError
from scanner.previous import RESOLVED_FIELDS
from scanner.report.run import RunInfo
from scanner.securityhub.publish import (
    HubImport,
    exit_code,
    import_report,
    report_findings,
    security_hub_import,
)
from tests.unit.signal.findings import ACCOUNT, OTHER, finding

REPO = Path(__file__).resolve().parents[3]
POLICIES = str(REPO / "policies")
WHEN = "2026-12-01T03:00:00+00:00"
RUN = RunInfo(
    tool_version="1.0.0",
    collected_at=WHEN,
    accounts=(ACCOUNT, OTHER),
    regions=("eu-west-1", "us-east-1"),
    policy_pack_digest="d",
    policy_pack_dir="policies",
    baseline_dir="baselines",
    account_names=((ACCOUNT, "prod"),),
)


class Hub:
    """A securityhub client per (account, region) that records what it is sent."""

    def __init__(self, refuse: frozenset[tuple[str, str]] = frozenset()) -> None:
        self.calls: list[tuple[str, str, list[dict[str, Any]]]] = []
        self.refuse = refuse

    def client_for(self, account: str, region: str) -> Any:
        hub = self

        class Client:
            def batch_import_findings(self, Findings: list[dict[str, Any]]) -> dict[str, Any]:
                if (account, region) in hub.refuse:
                    error = {"Error": {"Code": "InvalidAccessException", "Message": "not on"}}
                    raise ClientError(error, "BatchImportFindings")  # type: ignore[arg-type]
                hub.calls.append((account, region, Findings))
                return {"SuccessCount": len(Findings), "FailedCount": 0, "FailedFindings": []}

        return Client()


def _resolved(**overrides: Any) -> dict[str, Any]:
    gone = finding(resource_id="sg-0gone").to_dict()
    return {key: gone.get(key) for key in RESOLVED_FIELDS} | overrides


def test_each_finding_goes_to_its_own_account_and_region_and_resolved_ones_are_archived() -> None:
    findings = [
        finding(resource_id="sg-1"),
        finding(resource_id="sg-2", account=OTHER),
        finding(resource_id="sg-3", region="us-east-1"),
    ]
    hub = Hub()
    result = security_hub_import(findings, [_resolved()], RUN, hub.client_for)
    assert [(a, r, len(items)) for a, r, items in hub.calls] == [
        (ACCOUNT, "eu-west-1", 2),  # sg-1 and the resolved sg-0gone
        (ACCOUNT, "us-east-1", 1),
        (OTHER, "eu-west-1", 1),
    ]
    assert result.report == {"imported": 4, "archived": 1, "calls": 3, "failed": []}
    assert result.notes == ()
    assert exit_code(result) == 0
    sent = {item["Id"]: item for _, _, items in hub.calls for item in items}
    assert sent[findings[0].fingerprint]["RecordState"] == "ACTIVE"
    assert sent[findings[0].fingerprint]["AwsAccountName"] == "prod"  # the run's name
    assert sent[_resolved()["fingerprint"]]["RecordState"] == "ARCHIVED"


def test_a_refused_batch_is_a_coverage_note_and_exit_3_not_an_exception() -> None:
    findings = [finding(resource_id="sg-1"), finding(resource_id="sg-2", account=OTHER)]
    hub = Hub(refuse=frozenset({(OTHER, "eu-west-1")}))
    result = security_hub_import(findings, [], RUN, hub.client_for)
    assert [(a, r) for a, r, _ in hub.calls] == [(ACCOUNT, "eu-west-1")]
    assert result.report["imported"] == 1
    assert result.report["failed"] == [
        {
            "account": OTHER,
            "region": "eu-west-1",
            "count": 1,
            "reason": "InvalidAccessException: not on",
        }
    ]
    assert result.notes == (
        {
            "kind": "security-hub-failed",
            "message": "1 finding(s) not imported into Security Hub in account "
            f"{OTHER}, region eu-west-1: InvalidAccessException: not on",
        },
    )
    assert exit_code(result) == 3
    assert exit_code(HubImport(result.report, ())) == 0


def _document(**run: Any) -> dict[str, Any]:
    return {
        "run": {
            "tool_version": "1.0.0",
            "collected_at": WHEN,
            "accounts": [ACCOUNT],
            "regions": ["eu-west-1"],
            "policy_pack": {"digest": "abc", "dir": "policies"},
            "baseline": {"dir": "baselines", "commit": None},
            "account_names": {ACCOUNT: "prod"},
            **run,
        },
        "findings": [finding(resource_id="sg-1").to_dict()],
        "resolved": [_resolved()],
    }


def test_a_report_directory_is_imported_with_the_rule_packs_rules(tmp_path: Path) -> None:
    (tmp_path / "findings.json").write_text(json.dumps(_document()))
    hub = Hub()
    result = import_report(tmp_path, POLICIES, client_for=hub.client_for)
    assert result.report == {"imported": 2, "archived": 1, "calls": 1, "failed": []}
    items = hub.calls[0][2]
    active = next(i for i in items if i["RecordState"] == "ACTIVE")
    # The rule's remediation text comes from the pack (NW-SG-005 is the default-group rule).
    assert active["GeneratorId"] == "NW-SG-005"
    assert active["Remediation"]["Recommendation"]["Text"]
    assert active["AwsAccountName"] == "prod"


def test_what_a_findings_document_holds_for_an_import() -> None:
    read = report_findings(_document(), "r/findings.json", POLICIES)
    assert [f.resource_id for f in read.findings] == ["sg-1"]
    assert [r["resource_id"] for r in read.resolved] == ["sg-0gone"]
    assert (read.run.collected_at, read.run.accounts, read.run.policy_pack_digest) == (
        WHEN,
        (ACCOUNT,),
        "abc",
    )
    assert read.run.policy_pack_dir == POLICIES and read.run.baseline_dir == "baselines"
    assert read.run.account_name(ACCOUNT) == "prod"
    assert "NW-SG-005" in {rule.id for rule in read.run.rules}


@pytest.mark.parametrize(
    ("document", "says"),
    [
        ({"run": {}, "findings": []}, "'collected_at'"),
        ({"run": {"collected_at": WHEN}, "findings": [{"rule_id": 1}]}, ""),
        ({"run": {"collected_at": WHEN, "account_names": ["x"]}, "findings": []}, ""),
    ],
)
def test_a_document_that_is_not_netwardens_is_an_input_error_at_its_path(
    document: dict[str, Any], says: str
) -> None:
    with pytest.raises(InputError) as caught:
        report_findings(document, "r/findings.json", POLICIES)
    assert caught.value.path == "r/findings.json"
    assert str(caught.value.message).startswith("not a netwarden findings.json: ")
    assert says in str(caught.value.message)
