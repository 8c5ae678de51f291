"""The evaluator: pure, offline, served from the snapshot, findings with every contract field."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from scanner.errors import InputError
from scanner.policy import session as snapshot_session
from scanner.policy.evaluate import evaluate, with_trusted_accounts
from scanner.policy.loader import PolicyPack, load_policy_pack
from tests.unit.policy.conftest import RunRule
from tests.unit.policy.snapshots import ACCOUNT, REGION, perm, sg, snapshot

OTHER = "222222222222"


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every operation the snapshot sessions answered during the test."""
    calls: list[str] = []
    original = snapshot_session.SnapshotSessionFactory._answer

    def spy(self: Any, model: Any, context: Any, **kwargs: Any) -> Any:
        result = original(self, model, context, **kwargs)
        calls.append(f"{self.account}/{self.region}/{model.name}")
        return result

    monkeypatch.setattr(snapshot_session.SnapshotSessionFactory, "_answer", spy)
    return calls


def test_flow_logs_filter_is_one_served_call_per_region(
    run_rule: RunRule, served: list[str]
) -> None:
    vpcs = {
        "aws.vpc": [{"VpcId": "vpc-1"}, {"VpcId": "vpc-2"}],
        "aws.flow-log": [{"FlowLogId": "fl-1", "ResourceId": "vpc-1", "TrafficType": "ALL"}],
    }
    snap = snapshot(vpcs, extra={(ACCOUNT, "eu-west-1"): {"aws.vpc": [{"VpcId": "vpc-9"}]}})
    findings = run_rule("NW-VPC-001", snap)
    assert [(f.region, f.resource_id) for f in findings] == [
        ("eu-west-1", "vpc-9"),
        ("us-east-1", "vpc-2"),
    ]
    assert sorted(served) == [
        f"{ACCOUNT}/eu-west-1/DescribeFlowLogs",
        f"{ACCOUNT}/us-east-1/DescribeFlowLogs",
    ]


def test_accounts_never_see_each_others_data(run_rule: RunRule) -> None:
    # Same region in two accounts: Custodian caches sessions by region name, so a leak
    # would serve account A's flow logs while evaluating account B.
    mine = {
        "aws.vpc": [{"VpcId": "vpc-a"}],
        "aws.flow-log": [{"FlowLogId": "fl-1", "ResourceId": "vpc-a", "TrafficType": "ALL"}],
    }
    theirs = {"aws.vpc": [{"VpcId": "vpc-a"}]}
    findings = run_rule("NW-VPC-001", snapshot(mine, extra={(OTHER, REGION): theirs}))
    assert [(f.account, f.resource_id) for f in findings] == [(OTHER, "vpc-a")]


def test_finding_carries_every_contract_field(pack: PolicyPack) -> None:
    snap = snapshot({"aws.security-group": [sg("sg-1", [perm("tcp", 22, v4=("0.0.0.0/0",))])]})
    [finding] = [f for f in evaluate(snap, pack) if f.rule_id == "NW-SG-002"]
    policy = pack.by_id("NW-SG-002")
    data = finding.to_dict()
    assert data["kind"] == "policy" and data["severity"] == "critical"
    assert data["title"] == policy.metadata.title
    assert data["compliance"] == list(policy.metadata.compliance)
    assert data["location"] == {"path": policy.path, "line": policy.line}
    assert Path(policy.path).name == "security-groups.yml"
    assert (
        "name: sg-ssh-open-to-ipv4-internet"
        in Path(policy.path).read_text().splitlines()[policy.line - 1]
    )
    assert data["arn"] == f"arn:aws:ec2:{REGION}:{ACCOUNT}:security-group/sg-1"
    assert data["resource_type"] == "aws.security-group"
    assert data["remediation"][0]["api"]["operation"] == "RevokeSecurityGroupIngress"
    assert len(data["fingerprint"]) == 32
    assert data["attribution"] is None


def test_neither_snapshot_nor_pack_is_mutated(pack: PolicyPack) -> None:
    import copy

    snap = snapshot(
        {
            "aws.security-group": [sg("sg-1", [perm("-1", v4=("0.0.0.0/0",))])],
            "aws.vpc": [{"VpcId": "vpc-1"}],
        }
    )
    before = copy.deepcopy(snap)
    policies_before = copy.deepcopy([p.data for p in pack])
    assert evaluate(snap, pack)
    assert snap == before
    assert [p.data for p in pack] == policies_before  # the pack is reusable as is


def test_volatile_fields_do_not_change_fingerprints(run_rule: RunRule) -> None:
    def trail_snapshot(delivered: str) -> dict[str, Any]:
        return snapshot(
            {
                "aws.cloudtrail": [
                    {
                        "Name": "t",
                        "TrailARN": f"arn:aws:cloudtrail:{REGION}:{ACCOUNT}:trail/t",
                        "HomeRegion": REGION,
                        "IsMultiRegionTrail": True,
                        "c7n:TrailStatus": {"IsLogging": False, "LatestDeliveryTime": delivered},
                    }
                ]
            }
        )

    first = run_rule("NW-DET-001", trail_snapshot("2026-01-01"))
    second = run_rule("NW-DET-001", trail_snapshot("2026-02-02"))
    assert [f.fingerprint for f in first] == [f.fingerprint for f in second]
    assert first[0].evidence["c7n:cloudtrails"] == [
        {
            "Name": "t",
            "TrailARN": f"arn:aws:cloudtrail:{REGION}:{ACCOUNT}:trail/t",
            "HomeRegion": REGION,
            "IsMultiRegionTrail": True,
            "IsLogging": False,
        }
    ]


def _one_policy_pack(tmp_path: Path, filters: str, resource: str = "aws.security-group") -> Any:
    (tmp_path / "p.yml").write_text(f"""policies:
  - name: needs-more
    resource: {resource}
    filters:
{filters}
    metadata:
      id: NW-TEST-001
      title: t
      severity: low
      description: d
      risk: r
      remediation:
        text: x
        actions:
          - description: d
            cli: c
            api: {{service: ec2, operation: DescribeVpcs, params: {{}}}}
      compliance: []
      references: [https://example.com]
""")
    return load_policy_pack(tmp_path)


def test_a_call_the_snapshot_cannot_answer_is_an_input_error_at_the_policy(
    tmp_path: Path,
) -> None:
    # Custodian's `unused` asks Lambda, ELB, RDS, ...: not in any snapshot.
    pack = _one_policy_pack(tmp_path, "      - unused")
    snap = snapshot({"aws.security-group": [sg("sg-1", [])]})
    with pytest.raises(InputError) as caught:
        evaluate(snap, pack)
    assert caught.value.path == str(tmp_path / "p.yml") and caught.value.line == 2
    assert "cannot answer" in caught.value.message


def test_a_type_that_failed_to_collect_is_a_gap_not_an_error(tmp_path: Path) -> None:
    pack = _one_policy_pack(tmp_path, "      - type: flow-logs", resource="aws.vpc")
    snap = snapshot({"aws.vpc": [{"VpcId": "vpc-1"}]})
    region = snap["accounts"][ACCOUNT]["regions"][REGION]
    del region["resources"]["aws.flow-log"]
    region["errors"] = [{"type": "aws.flow-log", "code": "AccessDenied", "message": "no"}]
    assert evaluate(snap, pack) == []
    region["errors"] = []
    with pytest.raises(InputError, match=r"aws\.flow-log was not collected"):
        evaluate(snap, pack)


def test_trusted_accounts_are_merged_into_every_whitelist() -> None:
    data = {
        "filters": [
            {
                "or": [
                    {"type": "cross-account", "whitelist": ["3"]},
                    {"type": "untrusted-peer"},
                    {"type": "value", "key": "x"},
                ]
            }
        ]
    }
    assert with_trusted_accounts(data, ["1", "2"]) == {
        "filters": [
            {
                "or": [
                    {"type": "cross-account", "whitelist": ["1", "2", "3"]},
                    {"type": "untrusted-peer", "whitelist": ["1", "2"]},
                    {"type": "value", "key": "x"},
                ]
            }
        ]
    }
    assert data["filters"][0]["or"][1] == {"type": "untrusted-peer"}


def test_empty_snapshot_has_no_resource_findings(pack: PolicyPack) -> None:
    findings = evaluate(snapshot({}), pack)
    # Only the account-level posture rules fire on an empty region (no trail, no Config, no
    # GuardDuty, nothing alerting on network changes).
    assert sorted({f.rule_id for f in findings}) == [f"NW-DET-00{n}" for n in range(1, 9)]
    assert {f.resource_type for f in findings} == {"aws.account"}


def test_policy_conditions_are_honoured(tmp_path: Path) -> None:
    pack = _one_policy_pack(tmp_path, "      - type: flow-logs", resource="aws.vpc")
    text = (
        (tmp_path / "p.yml")
        .read_text()
        .replace("    filters:", "    conditions:\n      - region: eu-west-1\n    filters:")
    )
    (tmp_path / "p.yml").write_text(text)
    pack = load_policy_pack(tmp_path)
    snap = snapshot(
        {"aws.vpc": [{"VpcId": "vpc-1"}]},
        extra={(ACCOUNT, "eu-west-1"): {"aws.vpc": [{"VpcId": "vpc-2"}]}},
    )
    assert [(f.region, f.resource_id) for f in evaluate(snap, pack)] == [("eu-west-1", "vpc-2")]


def test_whole_pack_over_a_rich_snapshot_mutates_nothing(pack: PolicyPack) -> None:
    """Evaluation copies items only two levels deep; every policy of the pack, over every
    resource type, must still leave the snapshot exactly as it was."""
    import copy

    from bench import synth

    snap = synth.snapshot(3000)
    before = copy.deepcopy(snap)
    first = evaluate(snap, pack)
    assert len({f.rule_id for f in first}) >= 10  # most of the pack fired
    assert snap == before
    assert [f.to_dict() for f in evaluate(snap, pack)] == [f.to_dict() for f in first]
