"""Every rule against a real moto server: the collector's snapshot, evaluated offline.

One world is built and collected once for the module; each rule then asserts on a resource
that must fire and one that must not. Evaluation runs with botocore's sender disabled, so a
single AWS call during evaluation fails the test.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import botocore.endpoint
import pytest
from click.testing import CliRunner

from scanner.cli import cli
from scanner.demo.server import MotoServer
from scanner.model import Finding
from scanner.policy.copies import clone_item
from scanner.policy.evaluate import account_regions, evaluate, native_plans
from scanner.policy.loader import PolicyPack, load_policy_pack
from scanner.policy.native import Block
from scanner.snapshot import region_items
from tests.conftest import ACCOUNT, AwsEnv, point_aws_at
from tests.integration.policy_world import (
    build_network,
    eligible,
    enable_change_alerts,
    enable_detection,
    run_custodian,
)

POLICIES = Path(__file__).resolve().parents[2] / "policies"
REGIONS = ("us-east-1", "eu-west-1")


@dataclass
class World:
    ids: dict[str, str]
    snapshot: dict[str, Any]
    findings: list[Finding]
    pack: PolicyPack
    custodian: dict[tuple[str, str], set[str]]  # (policy name, region) -> resource ids
    alerts: dict[str, set[str]]  # change-alert rule id -> the regions where it must fire

    def fired(self, rule_id: str, region: str = "us-east-1") -> set[str]:
        return {f.resource_id for f in self.findings if f.rule_id == rule_id and f.region == region}


def aws_env(monkeypatch: pytest.MonkeyPatch, server: MotoServer) -> AwsEnv:
    """What the `aws` fixture does, for module-scoped use."""
    server.reset()
    point_aws_at(monkeypatch, server.url)
    return AwsEnv(endpoint_url=server.url, server=server)


def collect(tmp: Path, regions: tuple[str, ...]) -> dict[str, Any]:
    out = tmp / "snapshot.json"
    result = CliRunner().invoke(cli, ["collect", "-o", str(out), "--regions", ",".join(regions)])
    assert result.exit_code == 0, result.output
    snapshot: dict[str, Any] = json.loads(out.read_text())
    return snapshot


def evaluate_offline(
    snapshot: dict[str, Any], pack: PolicyPack, engine: str = "native"
) -> list[Finding]:
    """Evaluate with every botocore send refused: zero AWS API calls, asserted."""
    attempts: list[str] = []

    def refuse(self: Any, operation_model: Any, request_dict: Any) -> Any:
        attempts.append(operation_model.name)
        raise AssertionError(f"AWS call during evaluation: {operation_model.name}")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(botocore.endpoint.Endpoint, "make_request", refuse)
        findings = evaluate(snapshot, pack, engine=engine)
    assert attempts == []
    return findings


@pytest.fixture(scope="module")
def world(moto_server: MotoServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    with pytest.MonkeyPatch.context() as patch:
        env = aws_env(patch, moto_server)
        ids = build_network(env.client, env.endpoint_url)
        enable_detection(env.client, "us-east-1", trail=True)
        alerts = enable_change_alerts(env.client)
        snapshot = collect(tmp_path_factory.mktemp("world"), REGIONS)
        pack = load_policy_pack(POLICIES)
        # `custodian run` against the same moto state, before any other test resets it.
        builtin = eligible(pack)
        custom = [p for p in pack.policies if p not in builtin]
        custodian = run_custodian(builtin, REGIONS, tmp_path_factory.mktemp("c7n"), custom)
        yield World(ids, snapshot, evaluate_offline(snapshot, pack), pack, custodian, alerts)


# rule id -> (resources that must fire, resources that must not), by name in World.ids
CASES = {
    "NW-SG-001": (["sg_ssh", "sg_all", "sg_db"], ["sg_web", "sg_wide_private", "sg_icmp"]),
    "NW-SG-002": (["sg_ssh", "sg_all"], ["sg_web", "sg_db", "sg_icmp", "sg_range_v6"]),
    "NW-SG-008": (["sg_range_v6"], ["sg_ssh", "sg_web", "sg_rdp_v6"]),
    "NW-SG-009": (["sg_all"], ["sg_ssh", "sg_rdp_v6", "sg_web"]),
    "NW-SG-010": (["sg_rdp_v6"], ["sg_all", "sg_range_v6", "sg_web"]),
    "NW-SG-003": (
        ["sg_db", "sg_all", "sg_kerberos", "sg_ldap", "sg_netbios"],
        ["sg_web", "sg_ssh", "sg_one_address"],
    ),
    "NW-SG-011": (
        ["sg_one_address", "sg_one_address_v6"],
        ["sg_one_private", "sg_web", "sg_wide_public", "sg_narrow_public", "sg_ssh"],
    ),
    "NW-SG-012": (
        ["sg_wide_public"],
        ["sg_narrow_public", "sg_wide_private", "sg_web", "sg_all", "sg_one_address"],
    ),
    "NW-SUBNET-001": (["subnet_auto_ip"], ["subnet_public", "subnet_private_ok"]),
    "NW-NACL-003": (["acl_guarded", "acl_v6_open"], ["acl_used", "acl_default_int"]),
    "NW-TGW-001": (["tgw_auto"], ["tgw_reviewed"]),
    "NW-SG-004": (["sg_all"], ["sg_ssh", "sg_web"]),
    "NW-SG-005": (["sg_default_open"], ["sg_default_clean", "sg_web"]),
    "NW-SG-006": (["sg_idle"], ["sg_used", "sg_default_open"]),
    "NW-SG-007": (["sg_wide_private"], ["sg_narrow_private", "sg_ssh"]),
    "NW-NACL-001": (["acl_default_int"], ["acl_guarded", "acl_v6_open"]),
    "NW-NACL-002": (["acl_v6_open"], ["acl_guarded", "acl_default_int"]),
    "NW-VPC-001": ([], ["vpc_pub", "vpc_int"]),
    "NW-VPC-002": (["vpc_int"], ["vpc_pub"]),
    "NW-VPC-003": (["igw_int"], ["igw_pub"]),
    "NW-ROUTE-001": (
        ["subnet_private_igw", "subnet_private_main"],
        ["subnet_private_ok", "subnet_public"],
    ),
    "NW-ROUTE-002": (["rtb_igw"], ["rtb_private"]),
    "NW-SHARE-001": (["pcx_outside"], ["pcx_internal"]),
    "NW-SHARE-002": (["vpce_default"], ["vpce_own"]),
    "NW-SHARE-003": (["vpce_default"], ["vpce_own"]),
    "NW-COST-001": (["eip_idle"], ["eip_nat_watched"]),
    "NW-NAT-001": (["nat_blind"], ["nat_watched"]),
    "NW-EXP-001": (["eni_ssh_public"], ["eni_ssh_private", "eni_db_public", "eni_web_public"]),
    "NW-EXP-002": (["eni_ssh_public", "eni_db_public"], ["eni_ssh_private", "eni_web_public"]),
}


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_rule_fires_and_does_not(world: World, rule_id: str) -> None:
    must_fire, must_not = CASES[rule_id]
    fired = world.fired(rule_id)
    for name in must_fire:
        assert world.ids[name] in fired, f"{rule_id} should fire on {name}"
    for name in must_not:
        assert world.ids[name] not in fired, f"{rule_id} must not fire on {name}"


def test_vpc_without_flow_logs_fires_on_the_default_vpc(world: World) -> None:
    vpcs = world.snapshot["accounts"][ACCOUNT]["regions"]["us-east-1"]["resources"]["aws.vpc"]
    default = next(v["VpcId"] for v in vpcs if v.get("IsDefault"))
    assert world.fired("NW-VPC-001") == {default}


def test_detection_rules_per_region(world: World) -> None:
    # us-east-1 has Config and GuardDuty; eu-west-1 has neither; the multi-region trail
    # (home us-east-1) covers both.
    assert world.fired("NW-DET-001", "us-east-1") == world.fired("NW-DET-001", "eu-west-1") == set()
    for rule_id in ("NW-DET-002", "NW-DET-003"):
        assert world.fired(rule_id, "us-east-1") == set()
        assert world.fired(rule_id, "eu-west-1") == {ACCOUNT}


def test_change_alert_rules_per_region(world: World) -> None:
    # EventBridge rules in each region, and CIS metric filters on the us-east-1 log group of
    # the multi-region trail, which cover eu-west-1 too (policy_world.enable_change_alerts).
    for rule_id, regions in sorted(world.alerts.items()):
        for region in REGIONS:
            expected = {ACCOUNT} if region in regions else set()
            assert world.fired(rule_id, region) == expected, (rule_id, region)
    [acl] = [f for f in world.findings if f.rule_id == "NW-DET-005" and f.region == "eu-west-1"]
    assert acl.evidence["c7n:change-alerts"]["missing_events"] == ["ReplaceNetworkAclAssociation"]
    covered = acl.evidence["c7n:change-alerts"]["covered_by"]
    assert covered["CreateNetworkAcl"] == ["metric filter NaclChanges on cloudtrail/org-trail"]
    [vpc] = [f for f in world.findings if f.rule_id == "NW-DET-008" and f.region == "us-east-1"]
    assert (
        "EventBridge rule all-ec2-untargeted matches but has no target"
        in (vpc.evidence["c7n:change-alerts"]["notes"])
    )
    [routes] = [f for f in world.findings if f.rule_id == "NW-DET-007"]
    assert (
        "EventBridge rule routes-paused matches but is DISABLED"
        in (routes.evidence["c7n:change-alerts"]["notes"])
    )


def test_no_trail_at_all(aws: AwsEnv, tmp_path: Path) -> None:
    enable_detection(aws.client, "us-east-1", trail=False)
    pack = load_policy_pack(POLICIES)
    findings = evaluate_offline(collect(tmp_path, ("us-east-1",)), pack)
    # No trail and no EventBridge rule: no change alerts either (NW-DET-004..008 fire).
    change_alerts = {(f"NW-DET-00{n}", ACCOUNT) for n in range(4, 9)}
    assert {(f.rule_id, f.resource_id) for f in findings if f.rule_id.startswith("NW-DET")} == {
        ("NW-DET-001", ACCOUNT),
        *change_alerts,
    }
    trail_policy = pack.by_id("NW-DET-001")
    assert run_custodian([trail_policy], ("us-east-1",), tmp_path) == {
        (trail_policy.name, "us-east-1"): {ACCOUNT}
    }


def test_custodian_validate_accepts_the_pack() -> None:
    """The real Custodian CLI (`c7n.cli.main`), with netwarden's filters registered."""
    files = sorted(str(p) for p in POLICIES.glob("*.y*ml"))
    result = subprocess.run(
        [sys.executable, "-m", "scanner.policy.custodian", "validate", *files],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=POLICIES.parent,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.count("Configuration valid") == len(files)


def test_findings_locate_their_policy_and_remediate_exactly(world: World) -> None:
    [ssh] = [
        f
        for f in world.findings
        if f.rule_id == "NW-SG-002" and f.resource_id == world.ids["sg_ssh"]
    ]
    policy = world.pack.by_id("NW-SG-002")
    assert (ssh.location.path, ssh.location.line) == (policy.path, policy.line)
    [action] = ssh.remediation
    assert action.api is not None
    assert action.api.params["IpPermissions"] == [
        {
            "IpProtocol": "tcp",
            "FromPort": 22,
            "ToPort": 22,
            "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
            "Ipv6Ranges": [],
            "PrefixListIds": [],
            "UserIdGroupPairs": [],
        }
    ]
    [outside] = [f for f in world.findings if f.rule_id == "NW-SHARE-001"]
    assert outside.evidence == {"c7n:CrossAccountViolations": ["999999999999"]}


def test_builtin_only_policies_match_custodian_run_exactly(world: World) -> None:
    """The differential test: for every policy using only Custodian's own filters, offline
    evaluation finds exactly the resource ids `custodian run` finds, in every region."""
    policies = eligible(world.pack)
    assert {p.metadata.id for p in policies} >= {
        "NW-SG-001",
        "NW-SG-002",
        "NW-SG-008",
        "NW-SG-009",
        "NW-SG-010",
        "NW-SG-003",
        "NW-SG-004",
        "NW-SG-005",
        "NW-VPC-001",
        "NW-VPC-002",
        "NW-SHARE-002",
        "NW-SHARE-003",
        "NW-COST-001",
        "NW-DET-001",
        "NW-DET-002",
        "NW-DET-003",
        "NW-SUBNET-001",
        "NW-NACL-003",
        "NW-TGW-001",
        "NW-VPN-001",
    }
    for policy in policies:
        for region in REGIONS:
            ours = world.fired(policy.metadata.id, region)
            assert ours == world.custodian[(policy.name, region)], (policy.name, region)
    # Not vacuous: Custodian itself found something for most of them.
    assert sum(bool(world.custodian[(p.name, r)]) for p in policies for r in REGIONS) >= 10


def test_native_and_custodian_engines_agree_on_the_world(world: World) -> None:
    """The world's findings (native engine) are the Custodian engine's, field for field, and
    the native engine did evaluate every policy it compiles, in every region."""
    theirs = evaluate_offline(world.snapshot, world.pack, engine="custodian")
    assert [f.to_dict() for f in world.findings] == [f.to_dict() for f in theirs]
    plans = native_plans(world.pack, [ACCOUNT], "native")
    assert plans is not None and len(plans.compiled) >= 18
    for account, region in account_regions(world.snapshot):
        block = Block(world.snapshot, account, region)
        for policy in world.pack.policies:
            if policy.name in plans.compiled:
                items = region_items(world.snapshot, account, region, policy.resource_type)
                ran = plans.run(policy.name, block, items, clone_item)
                assert ran is not None, (policy.name, region)


def test_netwarden_filters_under_custodian_run_match_too(world: World) -> None:
    """netwarden's own filters, run by the real Custodian CLI against the (moto) API, find
    what offline evaluation finds from the snapshot."""
    builtin = eligible(world.pack)
    custom = [p for p in world.pack.policies if p not in builtin]
    assert len(custom) >= 7
    for policy in custom:
        for region in REGIONS:
            ours = world.fired(policy.metadata.id, region)
            assert ours == world.custodian[(policy.name, region)], (policy.name, region)


def test_scan_from_a_snapshot_makes_zero_aws_calls(world: World, tmp_path: Path) -> None:
    """`netwarden scan --snapshot F`: the whole pipeline, with botocore's sender refused."""
    snapshot_file = tmp_path / "snapshot.json"
    snapshot_file.write_text(json.dumps(world.snapshot))
    attempts: list[str] = []

    def refuse(self: Any, operation_model: Any, request_dict: Any) -> Any:
        attempts.append(operation_model.name)
        raise AssertionError(f"AWS call during scan --snapshot: {operation_model.name}")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(botocore.endpoint.Endpoint, "make_request", refuse)
        result = CliRunner().invoke(
            cli,
            [
                "scan",
                "--snapshot",
                str(snapshot_file),
                "--baseline-dir",
                str(tmp_path / "none"),
                "--policies",
                str(POLICIES),
                "-o",
                str(tmp_path / "out"),
                "--format",
                "json",
            ],
        )
    assert attempts == []
    assert result.exit_code == 1, result.output
    report = (tmp_path / "out" / "findings.json").read_text()
    assert world.ids["sg_ssh"] in report and "NW-SG-002" in report


def test_scan_engine_option_gives_the_same_reports(world: World, tmp_path: Path) -> None:
    """`scan --engine native` and `--engine custodian` write the same findings.json; any
    other engine is a usage error (exit 2)."""
    snapshot_file = tmp_path / "snapshot.json"
    snapshot_file.write_text(json.dumps(world.snapshot))

    def scan(engine: str) -> Any:
        out = tmp_path / engine
        args = ["scan", "--snapshot", str(snapshot_file), "--baseline-dir", str(tmp_path / "none")]
        args += ["--policies", str(POLICIES), "-o", str(out), "--format", "json"]
        result = CliRunner().invoke(cli, [*args, "--engine", engine])
        return result.exit_code, (out / "findings.json").read_text() if out.exists() else None

    native_code, native_report = scan("native")
    assert (native_code, native_report) == scan("custodian")
    assert native_code == 1 and native_report and "NW-SG-002" in native_report
    assert scan("fast")[0] == 2


def test_every_rule_has_a_case_that_fires_and_one_that_must_not(world: World) -> None:
    detection = {"NW-DET-001", "NW-DET-002", "NW-DET-003"}  # per region, tested above
    detection |= set(world.alerts)  # change alerts, per region, tested above
    # moto reports no tunnel telemetry: tested with it added (test_policy_vpn.py), and here
    # only that a VPN connection without a tunnel down does not fire.
    telemetry = {"NW-VPN-001"}
    assert {p.metadata.id for p in world.pack} == set(CASES) | detection | telemetry
    for rule_id, (must_fire, must_not) in CASES.items():
        assert must_not, rule_id
        assert must_fire or rule_id == "NW-VPC-001", rule_id  # fires on the default VPC
