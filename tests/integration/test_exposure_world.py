"""`netwarden exposure` against a moto world, collected over HTTP: exactly the interfaces
that are reachable, with their paths, and each open rule whose path is cut, with where."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from scanner.cli import cli
from tests.conftest import AwsEnv
from tests.integration.builders import main_route_table

REGION = "us-east-1"


@dataclass(frozen=True)
class World:
    web: str  # public subnet, public IP, SG open on 22 and 443
    hidden: str  # private subnet (main table, no IGW route), public IP, same SG
    denied: str  # public subnet whose NACL denies 22, public IP
    no_ip: str  # public subnet, no public IP
    web_ip: str
    sg: str
    igw: str
    public_table: str
    private_table: str
    denying_acl: str


def _instance(ec2: Any, image: str, subnet: str, sg: str, public: bool, name: str) -> str:
    reservation = ec2.run_instances(
        ImageId=image,
        MinCount=1,
        MaxCount=1,
        InstanceType="t3.micro",
        NetworkInterfaces=[
            {
                "DeviceIndex": 0,
                "SubnetId": subnet,
                "Groups": [sg],
            }
        ],
        TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": name}]}],
    )
    eni = str(reservation["Instances"][0]["NetworkInterfaces"][0]["NetworkInterfaceId"])
    if public:
        # An Elastic IP (moto does not give AssociatePublicIpAddress a public IP).
        allocation = ec2.allocate_address(Domain="vpc")["AllocationId"]
        ec2.associate_address(AllocationId=allocation, NetworkInterfaceId=eni)
    return eni


def build(aws: AwsEnv) -> World:
    ec2 = aws.client("ec2", REGION)
    image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    public = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.0.0/24")["Subnet"]["SubnetId"]
    private = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    guarded = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.2.0/24")["Subnet"]["SubnetId"]
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    table = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    for subnet in (public, guarded):
        ec2.associate_route_table(RouteTableId=table, SubnetId=subnet)
    main = main_route_table(ec2, vpc)
    # The guarded subnet's NACL denies SSH before allowing everything.
    acl = ec2.create_network_acl(VpcId=vpc)["NetworkAcl"]["NetworkAclId"]
    for egress in (False, True):
        ec2.create_network_acl_entry(
            NetworkAclId=acl,
            RuleNumber=200,
            Protocol="-1",
            RuleAction="allow",
            Egress=egress,
            CidrBlock="0.0.0.0/0",
        )
    ec2.create_network_acl_entry(
        NetworkAclId=acl,
        RuleNumber=100,
        Protocol="6",
        RuleAction="deny",
        Egress=False,
        CidrBlock="0.0.0.0/0",
        PortRange={"From": 22, "To": 22},
    )
    current = ec2.describe_network_acls(
        Filters=[{"Name": "association.subnet-id", "Values": [guarded]}]
    )["NetworkAcls"][0]
    association = next(
        a["NetworkAclAssociationId"] for a in current["Associations"] if a["SubnetId"] == guarded
    )
    ec2.replace_network_acl_association(AssociationId=association, NetworkAclId=acl)
    sg = ec2.create_security_group(GroupName="web", Description="web", VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(
        GroupId=sg,
        IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": p, "ToPort": p, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}
            for p in (22, 443)
        ],
    )
    # Partners reach 8080 through a customer-managed prefix list (its entries are collected).
    partners = ec2.create_managed_prefix_list(
        PrefixListName="partners",
        MaxEntries=5,
        AddressFamily="IPv4",
        Entries=[{"Cidr": "198.51.100.0/24"}, {"Cidr": "10.9.0.0/16"}],
    )["PrefixList"]["PrefixListId"]
    ec2.authorize_security_group_ingress(
        GroupId=sg,
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 8080,
                "ToPort": 8080,
                "PrefixListIds": [{"PrefixListId": partners}],
            }
        ],
    )
    web = _instance(ec2, image, public, sg, True, "web-1")
    hidden = _instance(ec2, image, private, sg, True, "batch-1")
    denied = _instance(ec2, image, guarded, sg, True, "guarded-1")
    no_ip = _instance(ec2, image, public, sg, False, "internal-1")
    web_ip = ec2.describe_network_interfaces(NetworkInterfaceIds=[web])["NetworkInterfaces"][0][
        "Association"
    ]["PublicIp"]
    return World(web, hidden, denied, no_ip, web_ip, sg, igw, table, main, acl)


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["exposure", "--regions", REGION, *args])
    return result.exit_code, result.output


def test_exposure_names_exactly_the_reachable_interfaces(aws: AwsEnv) -> None:
    world = build(aws)
    code, output = run("--format", "json")
    assert code == 1, output  # tcp/22 is reachable and 22 is not an approved port
    report = json.loads(output)
    exposed = {(e["eni"], e["protocol"], e["from_port"], e["to_port"]) for e in report["exposures"]}
    # The guarded instance is reachable on 443: its NACL denies only 22.
    assert exposed == {
        (world.web, "tcp", 22, 22),
        (world.web, "tcp", 443, 443),
        (world.web, "tcp", 8080, 8080),
        (world.denied, "tcp", 443, 443),
        (world.denied, "tcp", 8080, 8080),
    }
    assert len(report["exposures"]) == 5
    partners = [e for e in report["exposures"] if e["from_port"] == 8080]
    # The list's private range never comes from the internet.
    assert {tuple(e["sources"]) for e in partners} == {("198.51.100.0/24",)}
    first = next(e for e in report["exposures"] if e["eni"] == world.web)
    assert first["address"] == world.web_ip
    assert first["attachment"]["type"] == "instance"
    assert [(s["type"], s["id"]) for s in first["path"]] == [
        ("aws.internet-gateway", world.igw),
        ("aws.route-table", world.public_table),
        ("aws.network-acl", first["path"][2]["id"]),
        ("aws.network-acl", first["path"][2]["id"]),
        ("aws.security-group", world.sg),
        ("aws.eni", world.web),
    ]
    cut = {
        (b["eni"], b["from_port"]): (b["blocked_by"]["type"], b["blocked_by"]["id"])
        for b in report["blocked"]
    }
    assert cut == {
        (world.hidden, 22): ("aws.route-table", world.private_table),
        (world.hidden, 443): ("aws.route-table", world.private_table),
        (world.denied, 22): ("aws.network-acl", world.denying_acl),
        (world.no_ip, 22): ("aws.eni", world.no_ip),
        (world.no_ip, 443): ("aws.eni", world.no_ip),
    }


def test_port_and_resource_select_and_the_exit_code_follows_approval(aws: AwsEnv) -> None:
    world = build(aws)
    code, output = run("--format", "json", "--port", "443")
    assert code == 0, output  # only 443, which is approved
    assert {e["eni"] for e in json.loads(output)["exposures"]} == {world.web, world.denied}
    code, output = run("--format", "json", "--resource", world.denied)
    assert code == 1  # 8080 is not approved
    assert [(e["eni"], e["from_port"]) for e in json.loads(output)["exposures"]] == [
        (world.denied, 443),
        (world.denied, 8080),
    ]
    code, output = run("--port", "22")
    assert code == 1
    assert world.web in output and "Open rules whose path is cut" in output
    code, output = run("--format", "markdown", "--port", "22")
    assert code == 1
    assert "# Internet exposure" in output and "```mermaid\nflowchart LR" in output


def test_scan_findings_on_open_rules_follow_reachability(aws: AwsEnv, tmp_path: Any) -> None:
    world = build(aws)
    ec2 = aws.client("ec2", REGION)
    # RDP open to the world on a group whose only interface has no public address.
    vpc = ec2.describe_security_groups(GroupIds=[world.sg])["SecurityGroups"][0]["VpcId"]
    rdp = ec2.create_security_group(GroupName="rdp", Description="rdp", VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(
        GroupId=rdp,
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 3389,
                "ToPort": 3389,
                "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
            }
        ],
    )
    subnet = ec2.describe_network_interfaces(NetworkInterfaceIds=[world.no_ip])[
        "NetworkInterfaces"
    ][0]["SubnetId"]
    image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    latent = _instance(ec2, image, subnet, rdp, False, "rdp-1")
    out = tmp_path / "reports"
    result = CliRunner().invoke(
        cli, ["scan", "--regions", REGION, "-o", str(out), "--fail-on", "none"]
    )
    assert result.exit_code == 0, result.output
    findings = json.loads((out / "findings.json").read_text())["findings"]
    by_rule = {(f["rule_id"], f["resource_id"]): f for f in findings}
    ssh = by_rule[("NW-SG-002", world.sg)]
    assert ssh["severity"] == "critical"
    assert ssh["exposure"]["reachable"] is True
    # The guarded instance's NACL denies 22: only web-1 is exposed through the rule.
    assert ssh["exposure"]["enis"] == [world.web]
    assert "on tcp/22" in ssh["message"] and world.web_ip in ssh["message"]
    assert ssh["exposure"]["paths"][0][-1]["id"] == world.web
    cut = by_rule[("NW-SG-009", rdp)]
    assert cut["severity"] == "medium"  # critical, lowered: nothing reaches it
    assert cut["exposure"] == {
        "reachable": False,
        "enis": [latent],
        "blocked_by": f"{latent}: no public IPv4 address",
    }
    assert "severity lowered from critical" in cut["message"]
    sarif = json.loads((out / "netwarden.sarif").read_text())
    exposed = [
        r["properties"]["exposure"]
        for r in sarif["runs"][0]["results"]
        if "exposure" in r.get("properties", {})
    ]
    assert {"reachable": False, "enis": [latent], "blocked_by": cut["exposure"]["blocked_by"]} in (
        exposed
    )


def test_vpc_block_public_access_cuts_every_path_and_an_exclusion_reopens_one(
    aws: AwsEnv, tmp_path: Any
) -> None:
    """BPA is collected like any type (the embedded server answers it as AWS does): in
    block-bidirectional mode nothing is reachable and every open rule says BPA cut it; an
    allow-bidirectional exclusion of web-1's subnet puts it back, with the exclusion on the
    path; an allow-egress one does not."""
    world = build(aws)
    ec2 = aws.client("ec2", REGION)
    ec2.modify_vpc_block_public_access_options(InternetGatewayBlockMode="block-bidirectional")
    code, output = run("--format", "json")
    assert code == 0, output  # nothing reachable, so nothing unapproved
    report = json.loads(output)
    assert report["exposures"] == []
    cut = {
        (b["eni"], b["from_port"]): b["blocked_by"]["detail"]
        for b in report["blocked"]
        if b["blocked_by"]["type"] == "aws.vpc-block-public-access"
    }
    bpa = "VPC Block Public Access: block-bidirectional"
    assert cut == {
        (world.web, 22): bpa,
        (world.web, 443): bpa,
        (world.denied, 22): bpa,
        (world.denied, 443): bpa,
    }
    out = tmp_path / "reports"
    result = CliRunner().invoke(
        cli, ["scan", "--regions", REGION, "-o", str(out), "--fail-on", "none"]
    )
    assert result.exit_code == 0, result.output  # BPA read: coverage complete
    findings = json.loads((out / "findings.json").read_text())["findings"]
    ssh = next(f for f in findings if (f["rule_id"], f["resource_id"]) == ("NW-SG-002", world.sg))
    assert ssh["exposure"]["reachable"] is False
    assert bpa in ssh["exposure"]["blocked_by"] and ssh["severity"] == "medium"

    subnet = ec2.describe_network_interfaces(NetworkInterfaceIds=[world.web])["NetworkInterfaces"][
        0
    ]["SubnetId"]
    egress = ec2.create_vpc_block_public_access_exclusion(
        SubnetId=subnet, InternetGatewayExclusionMode="allow-egress"
    )["VpcBlockPublicAccessExclusion"]["ExclusionId"]
    assert json.loads(run("--format", "json")[1])["exposures"] == []
    ec2.delete_vpc_block_public_access_exclusion(ExclusionId=egress)
    excluded = ec2.create_vpc_block_public_access_exclusion(
        SubnetId=subnet, InternetGatewayExclusionMode="allow-bidirectional"
    )["VpcBlockPublicAccessExclusion"]["ExclusionId"]
    code, output = run("--format", "json")
    assert code == 1, output
    exposures = json.loads(output)["exposures"]
    assert {e["eni"] for e in exposures} == {world.web}
    assert all(
        ("aws.vpc-block-public-access-exclusion", excluded)
        in [(s["type"], s["id"]) for s in e["path"]]
        for e in exposures
    )


def test_bpa_that_cannot_be_read_is_a_coverage_gap_not_a_crash_and_not_off(
    tmp_path: Any, monkeypatch: Any
) -> None:
    """moto alone answers the BPA calls with an HTML 500: the scan goes on, records the two
    types as unreadable (exit 3, incomplete) and assumes nothing is blocked."""
    from scanner.demo.server import MotoServer

    server = MotoServer(block_public_access=False)
    server.start()
    try:
        server.reset()
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
        monkeypatch.setenv("AWS_ENDPOINT_URL", server.url)
        snapshot = tmp_path / "snapshot.json"
        result = CliRunner().invoke(cli, ["collect", "--regions", REGION, "-o", str(snapshot)])
        assert result.exit_code == 3, result.output
        errors = json.loads(snapshot.read_text())["accounts"]
        [account] = errors.values()
        gaps = {e["type"]: e["code"] for e in account["regions"][REGION]["errors"]}
        assert gaps == {
            "aws.vpc-block-public-access": "UnparseableResponse",
            "aws.vpc-block-public-access-exclusion": "UnparseableResponse",
        }
    finally:
        server.stop()


def test_output_writes_the_document_to_a_file_instead_of_stdout(
    aws: AwsEnv, tmp_path: Path
) -> None:
    build(aws)
    code, printed = run("--format", "json")
    target = tmp_path / "out" / "exposure.json"
    result = CliRunner().invoke(
        cli, ["exposure", "--regions", REGION, "--format", "json", "-o", str(target)]
    )
    assert (code, result.exit_code) == (1, 1)  # the same verdict wherever the document goes
    assert result.stdout == ""
    assert target.read_text() == printed
    assert f"wrote {target}" in result.stderr
