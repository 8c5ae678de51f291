"""Synthetic snapshots in the exact snapshot format, and a baseline with 1% drift.

A snapshot of N resources is N / 2,500 (account, region) blocks; each block is a realistic
region: VPCs with subnets, internet and NAT gateways, hundreds of security groups with rules
(some referencing each other, a few open to the internet), ENIs using most of the groups,
route tables with routes and associations, network ACLs with entries, Elastic IPs,
endpoints, peering, flow logs on half the VPCs, and the logging posture. Per-region sizes
stay what AWS quotas allow; an organisation grows by accounts and regions, so the growth
with N is the growth with the number of blocks (and ``density`` runs test a bigger block).

Items have the shape the Describe APIs return (and the keys the collector adds), so every
policy filter and projection reads them as it reads a real snapshot. Deterministic: the same
N gives the same bytes.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from bench.world import REGIONS
from scanner.snapshot import SCHEMA, accounts_of, iter_items, regions_in, resources_of

Item = dict[str, Any]
BLOCK = 2500  # resources per (account, region)
# Per block of 2,500: the mix of a network-heavy region.
MIX = {
    "aws.vpc": 10,
    "aws.subnet": 60,
    "aws.internet-gateway": 5,
    "aws.nat-gateway": 5,
    "aws.flow-log": 5,
    "aws.security-group": 900,
    "aws.eni": 840,
    "aws.route-table": 300,
    "aws.network-acl": 300,
    "aws.elastic-ip": 20,
    "aws.vpc-endpoint": 20,
    "aws.peering-connection": 10,
    "aws.prefix-list": 5,
    "aws.alarm": 10,
    "aws.config-recorder": 1,
    "aws.guardduty-detector": 1,
    "aws.cloudtrail": 1,
    "aws.event-rule": 1,
}
EMPTY_TYPES = (
    "aws.customer-gateway",
    "aws.egress-only-internet-gateway",
    "aws.log-metric",
    "aws.transit-attachment",
    "aws.transit-gateway",
    "aws.vpn-connection",
    "aws.vpn-gateway",
)
PORTS = (22, 80, 443, 3306, 3389, 5432, 6379, 8080, 8443, 9200, 11211, 27017)
PRIVATE = ("10.0.0.0/8", "10.20.0.0/16", "172.16.0.0/12", "192.168.10.0/24", "10.1.2.0/24")
STAMP = "2026-11-01T00:00:00+00:00"
EVERY_EC2_CALL = '{"source":["aws.ec2"],"detail-type":["AWS API Call via CloudTrail"]}'


def _hex(rng: random.Random, n: int = 17) -> str:
    return f"{rng.getrandbits(4 * n):0{n}x}"


def _tags(**pairs: str) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in pairs.items()]


class Block:
    """One (account, region) of a synthetic organisation."""

    def __init__(self, account: str, region: str, scale: float, rng: random.Random) -> None:
        self.account, self.region, self.rng = account, region, rng
        self.counts = {t: max(1, round(n * scale)) for t, n in MIX.items()}
        self.counts["aws.cloudtrail"] = 1 if region == REGIONS[0] else 0
        self.vpcs = [f"vpc-{_hex(rng)}" for _ in range(self.counts["aws.vpc"])]
        self.public = set(self.vpcs[::2])
        self.igws = {
            v: f"igw-{_hex(rng)}" for v in list(self.public)[: self.counts["aws.internet-gateway"]]
        }
        self.subnets = [
            (f"subnet-{_hex(rng)}", self.vpcs[i % len(self.vpcs)], i)
            for i in range(self.counts["aws.subnet"])
        ]
        self.groups = [f"sg-{_hex(rng)}" for _ in range(self.counts["aws.security-group"])]
        self.pcx = [f"pcx-{_hex(rng)}" for _ in range(self.counts["aws.peering-connection"])]
        self.nats = [f"nat-{_hex(rng)}" for _ in range(self.counts["aws.nat-gateway"])]

    def arn(self, kind: str, rid: str) -> str:
        return f"arn:aws:ec2:{self.region}:{self.account}:{kind}/{rid}"

    def vpc(self, i: int, vpc_id: str) -> Item:
        cidr = f"10.{i % 250}.0.0/16"
        exposure = "public" if vpc_id in self.public else "internal"
        return {
            "CidrBlock": cidr,
            "CidrBlockAssociationSet": [
                {
                    "AssociationId": f"vpc-cidr-assoc-{_hex(self.rng)}",
                    "CidrBlock": cidr,
                    "CidrBlockState": {"State": "associated"},
                }
            ],
            "DhcpOptionsId": f"dopt-{_hex(self.rng)}",
            "InstanceTenancy": "default",
            "Ipv6CidrBlockAssociationSet": [],
            "IsDefault": False,
            "OwnerId": self.account,
            "State": "available",
            "Tags": _tags(Name=f"vpc-{i}", Exposure=exposure),
            "VpcId": vpc_id,
        }

    def subnet(self, subnet_id: str, vpc_id: str, i: int) -> Item:
        zone = f"{self.region}{'abc'[i % 3]}"
        return {
            "AssignIpv6AddressOnCreation": False,
            "AvailabilityZone": zone,
            "AvailabilityZoneId": f"{self.region[:2]}-az{i % 3 + 1}",
            "AvailableIpAddressCount": 250,
            "CidrBlock": f"10.{self.vpcs.index(vpc_id) % 250}.{i % 250}.0/24",
            "DefaultForAz": False,
            "Ipv6CidrBlockAssociationSet": [],
            "MapPublicIpOnLaunch": False,
            "OwnerId": self.account,
            "State": "available",
            "SubnetArn": self.arn("subnet", subnet_id),
            "SubnetId": subnet_id,
            "Tags": _tags(Name=f"subnet-{i}", Exposure="private" if i % 2 else "public"),
            "VpcId": vpc_id,
        }

    def permission(self, used: list[str]) -> Item:
        rng = self.rng
        port = rng.choice(PORTS)
        perm: Item = {
            "FromPort": port,
            "IpProtocol": "tcp",
            "IpRanges": [],
            "Ipv6Ranges": [],
            "PrefixListIds": [],
            "ToPort": port,
            "UserIdGroupPairs": [],
        }
        roll = rng.random()
        if roll < 0.03:
            perm["IpRanges"] = [{"CidrIp": "0.0.0.0/0"}]
        elif roll < 0.04:
            perm["Ipv6Ranges"] = [{"CidrIpv6": "::/0"}]
        elif roll < 0.35 and used:
            perm["UserIdGroupPairs"] = [{"GroupId": rng.choice(used), "UserId": self.account}]
        else:
            perm["IpRanges"] = [
                {"CidrIp": c, "Description": "app tier"}
                for c in rng.sample(PRIVATE, rng.randint(1, 3))
            ]
        return perm

    def security_group(self, i: int, group_id: str) -> Item:
        vpc_id = self.vpcs[i % len(self.vpcs)]
        default = i < len(self.vpcs)
        perms = (
            []
            if default
            else [self.permission(self.groups[:i]) for _ in range(self.rng.randint(1, 5))]
        )
        return {
            "Description": "default VPC security group" if default else f"tier {i}",
            "GroupId": group_id,
            "GroupName": "default" if default else f"sg-{i}",
            "IpPermissions": perms,
            "IpPermissionsEgress": []
            if default
            else [
                {
                    "IpProtocol": "-1",
                    "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
                    "Ipv6Ranges": [],
                    "PrefixListIds": [],
                    "UserIdGroupPairs": [],
                }
            ],
            "OwnerId": self.account,
            "SecurityGroupArn": self.arn("security-group", group_id),
            "Tags": _tags(Name=f"sg-{i}", Team=f"team-{i % 7}"),
            "VpcId": vpc_id,
        }

    def eni(self, i: int) -> Item:
        subnet_id, vpc_id, _ = self.subnets[i % len(self.subnets)]
        used = self.groups[: max(1, len(self.groups) * 4 // 5)]
        group = self.rng.choice(used)
        ip = f"10.{i % 250}.{(i // 250) % 250}.{i % 200 + 10}"
        return {
            "AvailabilityZone": f"{self.region}a",
            "Description": f"interface {i}",
            "Groups": [{"GroupId": group, "GroupName": group}],
            "InterfaceType": "interface",
            "Ipv6Addresses": [],
            "MacAddress": f"02:00:00:{i % 256:02x}:{(i // 256) % 256:02x}:01",
            "NetworkInterfaceId": f"eni-{_hex(self.rng)}",
            "OwnerId": self.account,
            "PrivateIpAddress": ip,
            "PrivateIpAddresses": [{"Primary": True, "PrivateIpAddress": ip}],
            "RequesterManaged": False,
            "SourceDestCheck": True,
            "Status": "in-use",
            "SubnetId": subnet_id,
            "TagSet": [],
            "VpcId": vpc_id,
        }

    def route_table(self, i: int) -> Item:
        vpc_id = self.vpcs[i % len(self.vpcs)]
        table_id = f"rtb-{_hex(self.rng)}"
        routes: list[Item] = [
            {
                "DestinationCidrBlock": f"10.{self.vpcs.index(vpc_id) % 250}.0.0/16",
                "GatewayId": "local",
                "Origin": "CreateRouteTable",
                "State": "active",
            }
        ]
        if vpc_id in self.igws and i % 3 == 0:
            routes.append(
                {
                    "DestinationCidrBlock": "0.0.0.0/0",
                    "GatewayId": self.igws[vpc_id],
                    "Origin": "CreateRoute",
                    "State": "active",
                }
            )
        elif self.nats and i % 3 == 1:
            routes.append(
                {
                    "DestinationCidrBlock": "0.0.0.0/0",
                    "NatGatewayId": self.nats[i % len(self.nats)],
                    "Origin": "CreateRoute",
                    "State": "active",
                }
            )
        if self.pcx and i % 10 == 0:
            routes.append(
                {
                    "DestinationCidrBlock": f"172.{16 + i % 16}.0.0/{16 if i % 20 == 0 else 24}",
                    "VpcPeeringConnectionId": self.pcx[i % len(self.pcx)],
                    "Origin": "CreateRoute",
                    "State": "active",
                }
            )
        associations = (
            [
                {
                    "AssociationState": {"State": "associated"},
                    "Main": False,
                    "RouteTableAssociationId": f"rtbassoc-{_hex(self.rng)}",
                    "RouteTableId": table_id,
                    "SubnetId": self.subnets[i][0],
                }
            ]
            if i < len(self.subnets)
            else []
        )
        if i < len(self.vpcs):
            associations.append(
                {
                    "AssociationState": {"State": "associated"},
                    "Main": True,
                    "RouteTableAssociationId": f"rtbassoc-{_hex(self.rng)}",
                    "RouteTableId": table_id,
                }
            )
        return {
            "Associations": associations,
            "OwnerId": self.account,
            "PropagatingVgws": [],
            "RouteTableId": table_id,
            "Routes": routes,
            "Tags": _tags(Name=f"rtb-{i}"),
            "VpcId": vpc_id,
        }

    def network_acl(self, i: int) -> Item:
        entries = []
        rules = [(100, "6", "allow", "10.0.0.0/8", 443), (110, "6", "allow", "0.0.0.0/0", 443)]
        if i % 10 == 0:
            rules.append((120, "6", "allow", "0.0.0.0/0", 22))
        if i % 25 == 0:
            rules.insert(0, (90, "6", "deny", "0.0.0.0/0", 22))
        for number, protocol, action, cidr, port in rules:
            for egress in (False, True):
                entries.append(
                    {
                        "CidrBlock": cidr,
                        "Egress": egress,
                        "PortRange": {"From": port, "To": port},
                        "Protocol": protocol,
                        "RuleAction": action,
                        "RuleNumber": number,
                    }
                )
        for egress in (False, True):
            entries.append(
                {
                    "CidrBlock": "0.0.0.0/0",
                    "Egress": egress,
                    "Protocol": "-1",
                    "RuleAction": "deny",
                    "RuleNumber": 32767,
                }
            )
        acl_id = f"acl-{_hex(self.rng)}"
        subnet = self.subnets[i % len(self.subnets)][0]
        return {
            "Associations": [
                {
                    "NetworkAclAssociationId": f"aclassoc-{_hex(self.rng)}",
                    "NetworkAclId": acl_id,
                    "SubnetId": subnet,
                }
            ],
            "Entries": entries,
            "IsDefault": i < len(self.vpcs),
            "NetworkAclId": acl_id,
            "OwnerId": self.account,
            "Tags": _tags(Name=f"acl-{i}"),
            "VpcId": self.vpcs[i % len(self.vpcs)],
        }

    def others(self) -> dict[str, list[Item]]:
        rng = self.rng
        out: dict[str, list[Item]] = {}
        out["aws.internet-gateway"] = [
            {
                "Attachments": [{"State": "available", "VpcId": v}],
                "InternetGatewayId": igw,
                "OwnerId": self.account,
                "Tags": _tags(Name=f"igw-{v}"),
            }
            for v, igw in self.igws.items()
        ]
        out["aws.nat-gateway"] = [
            {
                "CreateTime": STAMP,
                "NatGatewayAddresses": [
                    {
                        "AllocationId": f"eipalloc-{_hex(rng)}",
                        "NetworkInterfaceId": f"eni-{_hex(rng)}",
                        "PrivateIp": f"10.0.{i}.5",
                        "PublicIp": f"198.51.100.{i + 1}",
                    }
                ],
                "NatGatewayId": nat,
                "State": "available",
                "SubnetId": self.subnets[i % len(self.subnets)][0],
                "Tags": [],
                "VpcId": self.subnets[i % len(self.subnets)][1],
            }
            for i, nat in enumerate(self.nats)
        ]
        out["aws.alarm"] = [
            {
                "ActionsEnabled": True,
                "AlarmActions": [],
                "AlarmArn": f"arn:aws:cloudwatch:{self.region}:{self.account}:alarm:{nat}-{m}",
                "AlarmName": f"{nat}-{m}",
                "ComparisonOperator": "GreaterThanOrEqualToThreshold",
                "Dimensions": [{"Name": "NatGatewayId", "Value": nat}],
                "EvaluationPeriods": 1,
                "MetricName": m,
                "Namespace": "AWS/NATGateway",
                "Period": 300,
                "StateValue": "OK",
                "Statistic": "Sum",
                "Threshold": 1.0,
            }
            for nat in self.nats[: max(1, len(self.nats) - 1)]  # one NAT gateway unmonitored
            for m in ("BytesOutToDestination", "ErrorPortAllocation")
        ][: self.counts["aws.alarm"]]
        # Network changes (CIS 4.10-4.14) alert the security team, as in a monitored account.
        out["aws.event-rule"] = [
            {
                "Arn": f"arn:aws:events:{self.region}:{self.account}:rule/network-changes",
                "EventBusName": "default",
                "EventPattern": EVERY_EC2_CALL,
                "Name": "network-changes",
                "State": "ENABLED",
                "Targets": [
                    {"Arn": f"arn:aws:sns:{self.region}:{self.account}:security", "Id": "sns"}
                ],
            }
        ][: self.counts["aws.event-rule"]]
        out["aws.flow-log"] = [
            {
                "CreationTime": STAMP,
                "DeliverLogsStatus": "SUCCESS",
                "FlowLogId": f"fl-{_hex(rng)}",
                "FlowLogStatus": "ACTIVE",
                "LogDestination": f"arn:aws:s3:::flow-logs-{self.account}",
                "LogDestinationType": "s3",
                "LogFormat": "${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr}",
                "MaxAggregationInterval": 600,
                "ResourceId": v,
                "Tags": [],
                "TrafficType": "ALL" if i % 4 else "REJECT",
            }
            for i, v in enumerate(self.vpcs[::2][: self.counts["aws.flow-log"]])
        ]
        out["aws.elastic-ip"] = [
            {
                "AllocationId": f"eipalloc-{_hex(rng)}",
                "Domain": "vpc",
                "PublicIp": f"203.0.113.{i % 250 + 1}",
                "PublicIpv4Pool": "amazon",
                "Tags": [],
                **(
                    {
                        "AssociationId": f"eipassoc-{_hex(rng)}",
                        "NetworkInterfaceId": f"eni-{_hex(rng)}",
                    }
                    if i % 5
                    else {}
                ),
            }
            for i in range(self.counts["aws.elastic-ip"])
        ]
        out["aws.vpc-endpoint"] = [
            {
                "CreationTimestamp": STAMP,
                "OwnerId": self.account,
                "PolicyDocument": '{"Version":"2012-10-17","Statement":[{"Effect":"Allow",'
                '"Principal":"*","Action":"s3:GetObject","Resource":"*","Condition":'
                f'{{"StringEquals":{{"aws:PrincipalAccount":"{self.account}"}}}}}}]}}',
                "RouteTableIds": [],
                "ServiceName": f"com.amazonaws.{self.region}.s3",
                "State": "available",
                "Tags": [],
                "VpcEndpointId": f"vpce-{_hex(rng)}",
                "VpcEndpointType": "Gateway",
                "VpcId": self.vpcs[i % len(self.vpcs)],
            }
            for i in range(self.counts["aws.vpc-endpoint"])
        ]
        out["aws.peering-connection"] = [
            {
                "AccepterVpcInfo": {
                    "CidrBlock": f"172.{16 + i % 16}.0.0/16",
                    "OwnerId": self.account if i % 4 else "999999999999",
                    "Region": self.region,
                    "VpcId": f"vpc-{_hex(rng)}",
                },
                "RequesterVpcInfo": {
                    "CidrBlock": "10.0.0.0/16",
                    "OwnerId": self.account,
                    "Region": self.region,
                    "VpcId": self.vpcs[i % len(self.vpcs)],
                },
                "Status": {"Code": "active", "Message": "Active"},
                "Tags": [],
                "VpcPeeringConnectionId": pcx,
            }
            for i, pcx in enumerate(self.pcx)
        ]
        out["aws.prefix-list"] = [
            {
                "AddressFamily": "IPv4",
                "OwnerId": "AWS",
                "PrefixListArn": self.arn("prefix-list", f"pl-{i:08x}"),
                "PrefixListId": f"pl-{i:08x}",
                "PrefixListName": f"com.amazonaws.{self.region}.service-{i}",
                "State": "create-complete",
                "Tags": [],
            }
            for i in range(self.counts["aws.prefix-list"])
        ]
        out["aws.config-recorder"] = [
            {
                "name": "default",
                "recordingGroup": {"allSupported": True, "includeGlobalResourceTypes": False},
                "roleARN": f"arn:aws:iam::{self.account}:role/config",
                "status": {"name": "default", "recording": True, "lastStatus": "SUCCESS"},
                "deliveryChannel": {"name": "default", "s3BucketName": "config"},
            }
        ]
        out["aws.guardduty-detector"] = [
            {
                "DetectorId": _hex(rng, 32),
                "FindingPublishingFrequency": "SIX_HOURS",
                "Status": "ENABLED" if self.region != REGIONS[2] else "DISABLED",
                "Tags": {},
            }
        ]
        out["aws.cloudtrail"] = [
            {
                "HomeRegion": self.region,
                "IncludeGlobalServiceEvents": True,
                "IsMultiRegionTrail": True,
                "IsOrganizationTrail": False,
                "LogFileValidationEnabled": True,
                "Name": "org-trail",
                "S3BucketName": "trail",
                "TrailARN": f"arn:aws:cloudtrail:{self.region}:{self.account}:trail/org-trail",
                "c7n:TrailStatus": {"IsLogging": True},
            }
        ][: self.counts["aws.cloudtrail"]]
        return out

    def resources(self) -> dict[str, list[Item]]:
        out: dict[str, list[Item]] = {t: [] for t in EMPTY_TYPES}
        out["aws.vpc"] = [self.vpc(i, v) for i, v in enumerate(self.vpcs)]
        out["aws.subnet"] = [self.subnet(s, v, i) for s, v, i in self.subnets]
        out["aws.security-group"] = [self.security_group(i, g) for i, g in enumerate(self.groups)]
        out["aws.eni"] = [self.eni(i) for i in range(self.counts["aws.eni"])]
        out["aws.route-table"] = [
            self.route_table(i) for i in range(self.counts["aws.route-table"])
        ]
        out["aws.network-acl"] = [
            self.network_acl(i) for i in range(self.counts["aws.network-acl"])
        ]
        out.update(self.others())
        from scanner.collect.collectors import resource_id_of

        def by_id(rtype: str) -> Callable[[Item], str]:
            return lambda item: resource_id_of(rtype, item)

        return {t: sorted(items, key=by_id(t)) for t, items in out.items()}


def blocks_for(resources: int) -> list[tuple[str, str]]:
    """(account, region) pairs: accounts of 17 regions each, as many as ``resources`` needs."""
    count = max(1, round(resources / BLOCK))
    return [
        (f"{100000000000 + i // len(REGIONS):012d}", REGIONS[i % len(REGIONS)])
        for i in range(count)
    ]


def snapshot(resources: int, seed: int = 7, density: float = 1.0) -> dict[str, Any]:
    """A snapshot of about ``resources`` items (``density`` scales each block instead)."""
    accounts: dict[str, Any] = {}
    pairs = blocks_for(round(resources / density))
    for account, region in pairs:
        rng = random.Random(f"{seed}-{account}-{region}")
        block = Block(account, region, density, rng)
        regions = accounts.setdefault(account, {"regions": {}, "errors": []})["regions"]
        regions[region] = {"resources": block.resources(), "errors": []}
    return {
        "schema": SCHEMA,
        "collected_at": "2026-11-28T00:00:00+00:00",
        "tool_version": "bench",
        "accounts": accounts,
        "stats": {"api_calls": 0, "duration_s": 0.0},
    }


def count_resources(snap: dict[str, Any]) -> int:
    return sum(1 for _ in iter_items(snap))


Mutation = Callable[[Item], None]


def _drop_last_permission(item: Item) -> None:
    if item.get("IpPermissions"):
        item["IpPermissions"] = item["IpPermissions"][:-1]
    else:
        item["Tags"] = [*item.get("Tags", []), {"Key": "Changed", "Value": "yes"}]


def _drop_last_route(item: Item) -> None:
    if len(item.get("Routes", [])) > 1:
        item["Routes"] = item["Routes"][:-1]
    else:
        item["Tags"] = [*item.get("Tags", []), {"Key": "Changed", "Value": "yes"}]


def _retag(item: Item) -> None:
    key = "TagSet" if "TagSet" in item else "Tags"
    if isinstance(item.get(key), list):
        item[key] = [*item[key], {"Key": "Changed", "Value": "yes"}]


MUTATIONS: dict[str, Mutation] = {
    "aws.security-group": _drop_last_permission,
    "aws.route-table": _drop_last_route,
}


def baseline_source(snap: dict[str, Any], rate: float = 0.01) -> tuple[dict[str, Any], int]:
    """The snapshot the baseline was taken from: every 1/rate-th resource differs from
    ``snap`` (nine in ten modified, one in ten absent, i.e. added since); and the count."""
    import copy

    step = max(1, round(1 / rate))
    base = copy.deepcopy(snap)
    drifted = 0
    index = 0
    # In the order the snapshot was built (not sorted): the same items drift as before.
    for account in accounts_of(base).values():
        for region in regions_in(account).values():
            resources = resources_of(region)
            for rtype, items in resources.items():
                kept = []
                for item in items:
                    index += 1
                    if index % step:
                        kept.append(item)
                        continue
                    drifted += 1
                    if (index // step) % 10 == 0:
                        continue  # added since the baseline
                    MUTATIONS.get(rtype, _retag)(item)
                    kept.append(item)
                resources[rtype] = kept
    return base, drifted
