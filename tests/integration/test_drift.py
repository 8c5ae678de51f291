"""Baseline and drift against a real moto server: each unapproved change shows up as exactly
one delta, nothing else does, and accepting it brings drift back to zero."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
from click.testing import CliRunner

from scanner.cli import cli
from tests.conftest import ACCOUNT, AwsEnv

REGION = "us-east-1"


@dataclass
class Network:
    prod_vpc: str
    internal_vpc: str
    web_sg: str
    app_sg: str
    igw: str
    private_rtb: str
    nacl: str
    flow_log: str


def build_network(aws: AwsEnv) -> Network:
    ec2 = aws.client("ec2", REGION)
    prod = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    internal = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    ec2.create_tags(Resources=[internal], Tags=[{"Key": "Exposure", "Value": "internal"}])
    private_subnet = ec2.create_subnet(VpcId=prod, CidrBlock="10.0.11.0/24")["Subnet"]["SubnetId"]
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=prod)
    rtb = ec2.create_route_table(VpcId=prod)["RouteTable"]["RouteTableId"]
    ec2.associate_route_table(RouteTableId=rtb, SubnetId=private_subnet)
    web = ec2.create_security_group(GroupName="web", Description="web", VpcId=prod)["GroupId"]
    ec2.authorize_security_group_ingress(
        GroupId=web,
        IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": p, "ToPort": p, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}
            for p in (80, 443)
        ],
    )
    app = ec2.create_security_group(GroupName="app", Description="app", VpcId=prod)["GroupId"]
    ec2.authorize_security_group_ingress(
        GroupId=app,
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 8080,
                "ToPort": 8080,
                "UserIdGroupPairs": [{"GroupId": web}],
            },
            {
                "IpProtocol": "tcp",
                "FromPort": 9090,
                "ToPort": 9090,
                "IpRanges": [{"CidrIp": "10.0.0.0/16"}],
            },
        ],
    )
    nacl = ec2.create_network_acl(VpcId=prod)["NetworkAcl"]["NetworkAclId"]
    aws.client("s3", REGION).create_bucket(Bucket="flow-logs")
    ec2.create_flow_logs(
        ResourceIds=[prod],
        ResourceType="VPC",
        TrafficType="ALL",
        LogDestinationType="s3",
        LogDestination="arn:aws:s3:::flow-logs",
    )
    flow_log = ec2.describe_flow_logs()["FlowLogs"][0]["FlowLogId"]
    return Network(prod, internal, web, app, igw, rtb, nacl, flow_log)


def make_every_drift_kind(aws: AwsEnv, net: Network) -> dict[str, str]:
    """The drift issue's list of unapproved changes, made through boto3."""
    ec2 = aws.client("ec2", REGION)
    ec2.authorize_security_group_ingress(
        GroupId=net.web_sg,
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 22,
                "ToPort": 22,
                "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
            }
        ],
    )
    ec2.revoke_security_group_ingress(
        GroupId=net.app_sg,
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 9090,
                "ToPort": 9090,
                "IpRanges": [{"CidrIp": "10.0.0.0/16"}],
            }
        ],
    )
    ec2.create_route(
        RouteTableId=net.private_rtb, DestinationCidrBlock="0.0.0.0/0", GatewayId=net.igw
    )
    new_igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=new_igw, VpcId=net.internal_vpc)
    other = aws.client("sts", REGION).assume_role(
        RoleArn="arn:aws:iam::999999999999:role/x", RoleSessionName="attacker"
    )["Credentials"]

    foreign_ec2 = boto3.client(
        "ec2",
        region_name=REGION,
        endpoint_url=aws.endpoint_url,
        aws_access_key_id=other["AccessKeyId"],
        aws_secret_access_key=other["SecretAccessKey"],
        aws_session_token=other["SessionToken"],
    )
    foreign_vpc = foreign_ec2.create_vpc(CidrBlock="172.16.0.0/16")["Vpc"]["VpcId"]
    peering = ec2.create_vpc_peering_connection(
        VpcId=net.prod_vpc, PeerVpcId=foreign_vpc, PeerOwnerId="999999999999"
    )["VpcPeeringConnection"]["VpcPeeringConnectionId"]
    ec2.create_network_acl_entry(
        NetworkAclId=net.nacl,
        RuleNumber=90,
        Protocol="6",
        RuleAction="allow",
        Egress=False,
        CidrBlock="0.0.0.0/0",
        PortRange={"From": 3389, "To": 3389},
    )
    ec2.delete_flow_logs(FlowLogIds=[net.flow_log])
    eip = ec2.allocate_address(Domain="vpc")["AllocationId"]
    new_sg = ec2.create_security_group(GroupName="rogue", Description="rogue", VpcId=net.prod_vpc)[
        "GroupId"
    ]

    return {"igw": new_igw, "peering": peering, "eip": eip, "sg": new_sg}


def cli_run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def drift_json(tmp_path: Path) -> tuple[int, list[dict[str, Any]]]:
    code, output = cli_run(
        "diff",
        "--regions",
        REGION,
        "--baseline-dir",
        str(tmp_path / "baselines"),
        "--format",
        "json",
    )
    assert code in (0, 1), output
    return code, json.loads(output)["drift"]


def test_each_unapproved_change_is_exactly_one_delta(aws: AwsEnv, tmp_path: Path) -> None:
    net = build_network(aws)
    baselines = tmp_path / "baselines"
    code, output = cli_run(
        "baseline", "create", "--regions", REGION, "--baseline-dir", str(baselines)
    )
    assert code == 0, output
    assert drift_json(tmp_path) == (0, [])

    changed = make_every_drift_kind(aws, net)
    new_igw, peering, eip, new_sg = (
        changed["igw"],
        changed["peering"],
        changed["eip"],
        changed["sg"],
    )

    code, drift = drift_json(tmp_path)
    assert code == 1
    found = {(d["resource_type"], d["resource_id"]): d for d in drift}
    expected = {
        ("aws.security-group", net.web_sg): ("modified", "high"),
        ("aws.security-group", net.app_sg): ("modified", "low"),
        ("aws.route-table", net.private_rtb): ("modified", "high"),
        ("aws.internet-gateway", new_igw): ("added", "high"),
        ("aws.peering-connection", peering): ("added", "high"),
        ("aws.network-acl", net.nacl): ("modified", "high"),
        ("aws.flow-log", net.flow_log): ("removed", "high"),
        ("aws.elastic-ip", eip): ("added", "high"),
        ("aws.security-group", new_sg): ("added", "medium"),
    }
    assert {k: (d["change"], d["severity"]) for k, d in found.items()} == expected
    assert found[("aws.security-group", net.web_sg)]["changes"] == [
        {
            "field": "ingress",
            "change": "added",
            "element": True,
            "new": {"protocol": "tcp", "from_port": 22, "to_port": 22, "cidr": "0.0.0.0/0"},
        }
    ]
    assert found[("aws.route-table", net.private_rtb)]["changes"] == [
        {
            "field": "routes",
            "change": "added",
            "element": True,
            "new": {"destination": "0.0.0.0/0", "target": net.igw},
        }
    ]
    nacl_change = found[("aws.network-acl", net.nacl)]["changes"]
    assert [c["new"]["rule_number"] for c in nacl_change] == [90]
    baseline_file = str(baselines / ACCOUNT / f"{REGION}.yaml")
    lines = Path(baseline_file).read_text().splitlines()
    for delta in drift:
        assert delta["location"]["path"] == baseline_file
        line = lines[delta["location"]["line"] - 1]
        if delta["change"] == "added":
            assert line.strip().split(":")[0] == delta["resource_type"]
        else:
            assert line.strip() == f"{delta['resource_id']}:"

    before = Path(baseline_file).read_text()
    code, output = cli_run(
        "baseline",
        "accept",
        "--regions",
        REGION,
        "--baseline-dir",
        str(baselines),
        "--resource",
        net.web_sg,
        "--resource",
        new_igw,
    )
    assert code == 0, output
    code, drift = drift_json(tmp_path)
    assert {d["resource_id"] for d in drift} == {k[1] for k in expected} - {net.web_sg, new_igw}
    after = Path(baseline_file).read_text()
    assert after != before

    resources = [arg for d in drift for arg in ("--resource", d["resource_id"])]
    code, output = cli_run(
        "baseline", "accept", "--regions", REGION, "--baseline-dir", str(baselines), *resources
    )
    assert code == 0, output
    assert drift_json(tmp_path) == (0, [])


def test_unchanged_state_collected_twice_is_no_drift(aws: AwsEnv, tmp_path: Path) -> None:
    from tests.integration.builders import create_every_type

    create_every_type(aws.client, REGION)
    code, output = cli_run(
        "baseline", "create", "--regions", REGION, "--baseline-dir", str(tmp_path / "baselines")
    )
    assert code == 0, output
    time.sleep(2)  # timestamps, counters and states get their chance to churn
    assert drift_json(tmp_path) == (0, [])


def test_create_refuses_to_overwrite_without_force(aws: AwsEnv, tmp_path: Path) -> None:
    baselines = str(tmp_path / "baselines")
    assert cli_run("baseline", "create", "--regions", REGION, "--baseline-dir", baselines)[0] == 0
    path = Path(baselines) / ACCOUNT / f"{REGION}.yaml"
    first = path.read_text()
    aws.client("ec2", REGION).create_vpc(CidrBlock="10.9.0.0/16")
    code, output = cli_run("baseline", "create", "--regions", REGION, "--baseline-dir", baselines)
    assert code == 2 and "use --force" in output
    assert path.read_text() == first
    code, _ = cli_run(
        "baseline", "create", "--regions", REGION, "--baseline-dir", baselines, "--force"
    )
    assert code == 0 and path.read_text() != first


def test_accept_touches_only_the_accepted_resource(aws: AwsEnv, tmp_path: Path) -> None:
    net = build_network(aws)
    baselines = tmp_path / "baselines"
    assert (
        cli_run("baseline", "create", "--regions", REGION, "--baseline-dir", str(baselines))[0] == 0
    )
    path = baselines / ACCOUNT / f"{REGION}.yaml"
    original = path.read_text()
    ec2 = aws.client("ec2", REGION)
    ec2.authorize_security_group_ingress(
        GroupId=net.web_sg,
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 8443,
                "ToPort": 8443,
                "IpRanges": [{"CidrIp": "10.0.0.0/8"}],
            }
        ],
    )
    ec2.authorize_security_group_ingress(
        GroupId=net.app_sg,
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 22,
                "ToPort": 22,
                "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
            }
        ],
    )
    code, _ = cli_run(
        "baseline",
        "accept",
        "--regions",
        REGION,
        "--baseline-dir",
        str(baselines),
        "--resource",
        net.web_sg,
    )
    assert code == 0
    import difflib

    diff = [
        line
        for line in difflib.unified_diff(
            original.splitlines(), path.read_text().splitlines(), lineterm="", n=0
        )
        if line.startswith(("+", "-")) and not line.startswith(("+++", "---"))
    ]
    assert diff == [
        "+      - cidr: 10.0.0.0/8",
        "+        from_port: 8443",
        "+        protocol: tcp",
        "+        to_port: 8443",
    ]
    code, drift = drift_json(tmp_path)
    assert [d["resource_id"] for d in drift] == [net.app_sg]


def test_accepting_an_unknown_resource_is_bad_input(aws: AwsEnv, tmp_path: Path) -> None:
    baselines = str(tmp_path / "baselines")
    assert cli_run("baseline", "create", "--regions", REGION, "--baseline-dir", baselines)[0] == 0
    code, output = cli_run(
        "baseline",
        "accept",
        "--regions",
        REGION,
        "--baseline-dir",
        baselines,
        "--resource",
        "sg-nope",
    )
    assert code == 2 and "no drift for resource 'sg-nope'" in output


def test_diff_without_a_baseline_is_bad_input(aws: AwsEnv, tmp_path: Path) -> None:
    code, output = cli_run("diff", "--regions", REGION, "--baseline-dir", str(tmp_path / "none"))
    assert code == 2 and "baseline create" in output


def test_diff_output_writes_the_document_to_a_file_instead_of_stdout(
    aws: AwsEnv, tmp_path: Path
) -> None:
    net = build_network(aws)
    scope = ["--regions", REGION, "--baseline-dir", str(tmp_path / "baselines")]
    assert cli_run("baseline", "create", *scope)[0] == 0
    make_every_drift_kind(aws, net)
    for fmt in ("json", "text"):
        code, printed = cli_run("diff", *scope, "--format", fmt)
        target = tmp_path / f"drift.{fmt}"
        result = CliRunner().invoke(cli, ["diff", *scope, "--format", fmt, "-o", str(target)])
        assert (code, result.exit_code) == (1, 1)  # drift, wherever the document goes
        assert result.stdout == "", fmt
        assert target.read_text() == printed and net.web_sg in printed
    # A file where its directory should be: bad input at that path, exit 2, no traceback.
    blocked = tmp_path / "drift.json" / "inside.json"
    result = CliRunner().invoke(cli, ["diff", *scope, "-o", str(blocked)])
    assert result.exit_code == 2, result.output
    assert f"netwarden: error: {blocked}: cannot write" in result.stderr
