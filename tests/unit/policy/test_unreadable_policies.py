"""A VPC endpoint whose PolicyDocument is not an IAM policy is a warning for that item: the
evaluation goes on, the other endpoints keep their findings, and `scan` reports the item."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.cli import cli
from scanner.collect.collectors import COLLECTORS
from scanner.policy.documents import document_problem, without_unreadable_policies
from tests.unit.policy.conftest import RunRule, ids
from tests.unit.policy.snapshots import ACCOUNT, REGION, snapshot

OPEN = {"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "*"}
BROKEN = {
    "not JSON": "{not json",
    "a number": "5",
    "a list": "[1]",
    "Statement a number": json.dumps({"Statement": 5}),
    "Principal a number": json.dumps({"Statement": [{**OPEN, "Principal": 5}]}),
    "Principal map of numbers": json.dumps({"Statement": [{**OPEN, "Principal": {"AWS": 5}}]}),
    "Condition a string": json.dumps({"Statement": [{**OPEN, "Condition": "x"}]}),
    "Condition operator a list": json.dumps({"Statement": [{**OPEN, "Condition": {"X": []}}]}),
    "statement a string": json.dumps({"Statement": ["Allow"]}),
    "Action a number": json.dumps({"Statement": [{**OPEN, "Action": 7}]}),
    "no Effect": json.dumps({"Statement": [{"Principal": "*", "Action": "s3:*"}]}),
    "a principal list of numbers": json.dumps({"Statement": [{**OPEN, "Principal": [1]}]}),
    "an org id a number": json.dumps(
        {"Statement": [{**OPEN, "Condition": {"StringEquals": {"aws:PrincipalOrgID": 5}}}]}
    ),
}


def endpoint(endpoint_id: str, document: Any) -> dict[str, Any]:
    return {
        "VpcEndpointId": endpoint_id,
        "VpcId": "vpc-1",
        "VpcEndpointType": "Gateway",
        "ServiceName": f"com.amazonaws.{REGION}.s3",
        "PolicyDocument": document,
    }


OPEN_ENDPOINT = endpoint("vpce-open", json.dumps({"Statement": [OPEN]}))


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_a_broken_document_is_a_warning_and_the_rest_is_evaluated(
    case: str, run_rule: RunRule
) -> None:
    snap = snapshot({"aws.vpc-endpoint": [endpoint("vpce-bad", BROKEN[case]), OPEN_ENDPOINT]})
    assert document_problem(BROKEN[case]) is not None
    for rule in ("NW-SHARE-002", "NW-SHARE-003"):
        assert ids(run_rule(rule, snap)) == ["vpce-open"]
    evaluated, notes = without_unreadable_policies(snap)
    (note,) = notes
    assert note["kind"] == "unreadable-policy"
    assert note["message"].startswith(
        f"aws.vpc-endpoint vpce-bad ({ACCOUNT}/{REGION}): its PolicyDocument cannot be read"
    )
    # The snapshot itself is untouched: the baseline and the reports see what AWS returned.
    first = snap["accounts"][ACCOUNT]["regions"][REGION]["resources"]["aws.vpc-endpoint"][0]
    assert first["PolicyDocument"] == BROKEN[case]
    assert evaluated is not snap


def test_readable_documents_pass_unchanged() -> None:
    snap = snapshot({"aws.vpc-endpoint": [OPEN_ENDPOINT, endpoint("vpce-none", None)]})
    assert without_unreadable_policies(snap) == (snap, ())
    assert document_problem({"Statement": OPEN}) is None
    assert document_problem({"Statement": [{**OPEN, "Principal": {"AWS": ["a", "b"]}}]}) is None


JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.sampled_from(["*", "s3:*", "Allow", "x"]),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.sampled_from(["AWS", "StringEquals", "aws:PrincipalAccount", "Service"]),
            inner,
            max_size=2,
        )
    ),
    max_leaves=6,
)
STATEMENT = st.dictionaries(
    st.sampled_from(["Effect", "Principal", "NotPrincipal", "Action", "Resource", "Condition"]),
    JSONISH,
    max_size=5,
)


@settings(max_examples=40, deadline=None)
@given(st.lists(STATEMENT, max_size=3))
def test_a_document_it_passes_never_breaks_custodian(statements: list[dict[str, Any]]) -> None:
    from c7n.filters.iamaccess import PolicyChecker

    document = json.dumps({"Version": "2012-10-17", "Statement": statements})
    if document_problem(document) is not None:
        return
    checker = PolicyChecker(
        {"allowed_accounts": {ACCOUNT}, "everyone_only": False, "whitelist_conditions": set()}
    )
    checker.check(document)  # raises on a document the checker cannot read


def test_scan_warns_and_reports_the_item(tmp_path: Path) -> None:
    resources: dict[str, list[Any]] = {t: [] for t in COLLECTORS}
    resources["aws.vpc-endpoint"] = [endpoint("vpce-bad", "{not json"), OPEN_ENDPOINT]
    snap = tmp_path / "snapshot.json"
    snap.write_text(
        json.dumps(
            {
                "schema": "netwarden/snapshot/v1",
                "collected_at": "2026-11-28T00:00:00+00:00",
                "tool_version": "0.1.0",
                "stats": {"api_calls": 1, "duration_s": 0.1},
                "accounts": {
                    ACCOUNT: {"regions": {REGION: {"resources": resources, "errors": []}}}
                },
            }
        )
    )
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli,
        ["scan", "--snapshot", str(snap), "--baseline-dir", str(tmp_path / "none"), "-o", str(out)],
    )
    assert result.exit_code == 1, result.output
    assert "netwarden: warning: aws.vpc-endpoint vpce-bad" in result.stderr
    findings = json.loads((out / "findings.json").read_text())["findings"]
    shared = sorted({f["resource_id"] for f in findings if f["rule_id"].startswith("NW-SHARE")})
    assert shared == ["vpce-open"]
    assert "**Note (unreadable-policy):**" in (out / "report.md").read_text()


ORG = "o-abc1234567"


def org_endpoint(endpoint_id: str, org: str) -> dict[str, Any]:
    only_org = {**OPEN, "Condition": {"StringEquals": {"aws:PrincipalOrgID": org}}}
    return endpoint(endpoint_id, json.dumps({"Statement": [only_org]}))


def test_the_scanned_organisation_is_trusted(run_rule: RunRule) -> None:
    items = [org_endpoint("vpce-ours", ORG), org_endpoint("vpce-theirs", "o-zzz9999999")]
    snap = snapshot({"aws.vpc-endpoint": [*items, OPEN_ENDPOINT]})
    # Not known to be ours without DescribeOrganization: both conditions are untrusted.
    for rule in ("NW-SHARE-002", "NW-SHARE-003"):
        assert ids(run_rule(rule, snap)) == ["vpce-open", "vpce-ours", "vpce-theirs"]
    snap["accounts"][ACCOUNT]["organization_id"] = ORG
    for rule in ("NW-SHARE-002", "NW-SHARE-003"):
        assert ids(run_rule(rule, snap)) == ["vpce-open", "vpce-theirs"]
    # And with explicit trusted accounts, the organisation is still the scanned one's.
    assert ids(run_rule("NW-SHARE-003", snap, trusted_accounts=[ACCOUNT])) == [
        "vpce-open",
        "vpce-theirs",
    ]


def test_a_forged_organisation_id_is_not_trusted(run_rule: RunRule) -> None:
    snap = snapshot({"aws.vpc-endpoint": [org_endpoint("vpce-star", "*")]})
    snap["accounts"][ACCOUNT]["organization_id"] = "*"
    assert ids(run_rule("NW-SHARE-003", snap)) == ["vpce-star"]
