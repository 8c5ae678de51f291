"""Literal snapshots for the policy engine's unit tests."""

from __future__ import annotations

from typing import Any

ACCOUNT = "111111111111"
REGION = "us-east-1"

# Every type a policy or a served call reads, so no evaluation trips on a missing type.
EMPTY_TYPES = (
    "aws.vpc",
    "aws.subnet",
    "aws.security-group",
    "aws.network-acl",
    "aws.route-table",
    "aws.internet-gateway",
    "aws.peering-connection",
    "aws.nat-gateway",
    "aws.vpc-endpoint",
    "aws.elastic-ip",
    "aws.eni",
    "aws.flow-log",
    "aws.cloudtrail",
    "aws.config-recorder",
    "aws.guardduty-detector",
    "aws.alarm",
    "aws.event-rule",
    "aws.log-metric",
)


def snapshot(
    resources: dict[str, list[Any]] | None = None,
    account: str = ACCOUNT,
    region: str = REGION,
    extra: dict[tuple[str, str], dict[str, list[Any]]] | None = None,
) -> dict[str, Any]:
    """A snapshot with ``resources`` in one account/region (other types present and empty);
    ``extra`` adds more (account, region) pairs."""

    def region_data(res: dict[str, list[Any]]) -> dict[str, Any]:
        return {"resources": {t: list(res.get(t, [])) for t in {*EMPTY_TYPES, *res}}, "errors": []}

    accounts: dict[str, Any] = {account: {"regions": {region: region_data(resources or {})}}}
    for (acct, reg), res in (extra or {}).items():
        accounts.setdefault(acct, {"regions": {}})["regions"][reg] = region_data(res)
    return {"schema": "netwarden/snapshot/v1", "accounts": accounts, "stats": {}}


def sg(
    group_id: str,
    ingress: list[Any],
    name: str = "web",
    egress: list[Any] | None = None,
    vpc: str = "vpc-1",
) -> dict[str, Any]:
    """A raw DescribeSecurityGroups item."""
    return {
        "GroupId": group_id,
        "GroupName": name,
        "OwnerId": ACCOUNT,
        "VpcId": vpc,
        "Description": name,
        "IpPermissions": ingress,
        "IpPermissionsEgress": egress or [],
    }


def perm(
    protocol: str,
    from_port: int | None = None,
    to_port: int | None = None,
    v4: tuple[str, ...] = (),
    v6: tuple[str, ...] = (),
    groups: tuple[str, ...] = (),
    prefix_lists: tuple[str, ...] = (),
) -> dict[str, Any]:
    """One IpPermissions entry as AWS describes it (no ports for -1 and port-less protocols)."""
    p: dict[str, Any] = {
        "IpProtocol": protocol,
        "IpRanges": [{"CidrIp": c} for c in v4],
        "Ipv6Ranges": [{"CidrIpv6": c} for c in v6],
        "UserIdGroupPairs": [{"GroupId": g, "UserId": ACCOUNT} for g in groups],
        "PrefixListIds": [{"PrefixListId": p} for p in prefix_lists],
    }
    if from_port is not None:
        p["FromPort"], p["ToPort"] = from_port, to_port if to_port is not None else from_port
    return p


def exposed(*group_ids: str, vpc: str = "vpc-1") -> dict[str, list[Any]]:
    """Items that put ``group_ids`` on an internet-facing interface (a public IP in a subnet
    whose main table routes to an attached internet gateway), so that their open rules are
    reachable and keep their severity (``scanner.exposure.verdicts``)."""
    return {
        "aws.subnet": [{"SubnetId": "subnet-pub", "VpcId": vpc, "CidrBlock": "10.0.0.0/24"}],
        "aws.route-table": [
            {
                "RouteTableId": "rtb-main",
                "VpcId": vpc,
                "Associations": [{"Main": True}],
                "Routes": [
                    {"DestinationCidrBlock": "10.0.0.0/16", "GatewayId": "local"},
                    {"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "igw-1"},
                ],
            }
        ],
        "aws.internet-gateway": [
            {"InternetGatewayId": "igw-1", "Attachments": [{"State": "available", "VpcId": vpc}]}
        ],
        "aws.eni": [
            {
                "NetworkInterfaceId": f"eni-{index}",
                "SubnetId": "subnet-pub",
                "VpcId": vpc,
                "Status": "in-use",
                "InterfaceType": "interface",
                "Attachment": {"InstanceId": f"i-{index}", "Status": "attached"},
                "Groups": [{"GroupId": group}],
                "PrivateIpAddress": f"10.0.0.{10 + index}",
                "PrivateIpAddresses": [
                    {
                        "PrivateIpAddress": f"10.0.0.{10 + index}",
                        "Primary": True,
                        "Association": {"PublicIp": f"203.0.113.{10 + index}"},
                    }
                ],
                "Association": {"PublicIp": f"203.0.113.{10 + index}"},
            }
            for index, group in enumerate(group_ids, start=1)
        ],
    }
