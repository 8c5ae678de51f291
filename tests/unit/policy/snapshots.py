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
