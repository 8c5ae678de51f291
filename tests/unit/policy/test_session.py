"""The snapshot session: Describe calls answered from the snapshot, anything else refused."""

from __future__ import annotations

from typing import Any

import pytest

from scanner.policy.session import SnapshotMiss, SnapshotSessionFactory
from tests.unit.policy.snapshots import ACCOUNT, REGION, snapshot

ROUTE_TABLES = [
    {"RouteTableId": "rtb-1", "VpcId": "vpc-1", "Associations": [{"Main": True}]},
    {
        "RouteTableId": "rtb-2",
        "VpcId": "vpc-1",
        "Associations": [{"SubnetId": "subnet-1", "Main": False}],
    },
    {
        "RouteTableId": "rtb-3",
        "VpcId": "vpc-2",
        "Associations": [],
        "Tags": [{"Key": "Exposure", "Value": "private"}],
    },
]


def client(service: str, snap: dict[str, Any] | None = None) -> tuple[Any, SnapshotSessionFactory]:
    factory = SnapshotSessionFactory(
        snap or snapshot({"aws.route-table": ROUTE_TABLES}), ACCOUNT, REGION
    )
    return factory().client(service), factory


def tables(response: dict[str, Any]) -> list[str]:
    return [t["RouteTableId"] for t in response["RouteTables"]]


def test_describe_with_ids_and_filters() -> None:
    ec2, factory = client("ec2")
    assert tables(ec2.describe_route_tables()) == ["rtb-1", "rtb-2", "rtb-3"]
    assert tables(ec2.describe_route_tables(RouteTableIds=["rtb-3"])) == ["rtb-3"]
    assert tables(
        ec2.describe_route_tables(
            Filters=[
                {"Name": "vpc-id", "Values": ["vpc-1"]},
                {"Name": "association.main", "Values": ["true"]},
            ]
        )
    ) == ["rtb-1"]
    assert tables(
        ec2.describe_route_tables(
            Filters=[{"Name": "association.subnet-id", "Values": ["subnet-1"]}]
        )
    ) == ["rtb-2"]
    assert tables(
        ec2.describe_route_tables(Filters=[{"Name": "tag:Exposure", "Values": ["private"]}])
    ) == ["rtb-3"]
    assert factory.served == ["ec2:DescribeRouteTables"] * 5


def test_paginators_get_one_page() -> None:
    ec2, factory = client("ec2")
    pages = list(ec2.get_paginator("describe_route_tables").paginate())
    assert len(pages) == 1 and len(pages[0]["RouteTables"]) == 3
    assert factory.served == ["ec2:DescribeRouteTables"]


def test_unsupported_filter_operation_or_type_names_what_is_missing() -> None:
    ec2, factory = client("ec2")
    with pytest.raises(SnapshotMiss, match=r"filter name 'route\.gateway-id'"):
        ec2.describe_route_tables(Filters=[{"Name": "route.gateway-id", "Values": ["igw-1"]}])
    with pytest.raises(SnapshotMiss, match="ec2:DescribeInstances"):
        ec2.describe_instances()
    with pytest.raises(SnapshotMiss, match="lambda:ListFunctions"):
        client("lambda")[0].list_functions()
    snap = snapshot({})
    del snap["accounts"][ACCOUNT]["regions"][REGION]["resources"]["aws.vpc"]
    with pytest.raises(SnapshotMiss, match=r"aws\.vpc was not collected") as caught:
        client("ec2", snap)[0].describe_vpcs()
    assert caught.value.gap is False
    assert factory.served == []


def _trail(name: str, region: str, multi: bool) -> dict[str, Any]:
    return {
        "Name": name,
        "TrailARN": f"arn:aws:cloudtrail:{region}:{ACCOUNT}:trail/{name}",
        "HomeRegion": region,
        "IsMultiRegionTrail": multi,
        "c7n:TrailStatus": {"IsLogging": True},
    }


def test_trails_include_multi_region_trails_from_their_home_region() -> None:
    snap = snapshot(
        {"aws.cloudtrail": [_trail("local", REGION, False)]},
        extra={
            (ACCOUNT, "eu-west-1"): {
                "aws.cloudtrail": [
                    _trail("org", "eu-west-1", True),
                    _trail("eu-only", "eu-west-1", False),
                ]
            }
        },
    )
    cloudtrail = client("cloudtrail", snap)[0]
    trails = cloudtrail.describe_trails()["trailList"]
    assert [t["Name"] for t in trails] == ["local", "org"]
    assert all("c7n:TrailStatus" not in t for t in trails)
    assert [
        t["Name"] for t in cloudtrail.describe_trails(includeShadowTrails=False)["trailList"]
    ] == ["local"]
    assert cloudtrail.get_trail_status(Name=trails[1]["TrailARN"])["IsLogging"] is True


def test_config_and_guardduty_answers() -> None:
    recorder = {
        "name": "default",
        "recordingGroup": {},
        "status": {"name": "default", "recording": True},
        "deliveryChannel": {"name": "ch", "s3BucketName": "b"},
    }
    snap = snapshot(
        {
            "aws.config-recorder": [recorder],
            "aws.guardduty-detector": [
                {"DetectorId": "d1", "Status": "ENABLED", "ServiceRole": "r"}
            ],
        }
    )
    config = client("config", snap)[0]
    assert config.describe_configuration_recorders()["ConfigurationRecorders"] == [
        {"name": "default", "recordingGroup": {}}
    ]
    assert config.describe_configuration_recorder_status()["ConfigurationRecordersStatus"] == [
        {"name": "default", "recording": True}
    ]
    assert config.describe_delivery_channels()["DeliveryChannels"] == [
        {"name": "ch", "s3BucketName": "b"}
    ]
    guardduty = client("guardduty", snap)[0]
    assert guardduty.list_detectors()["DetectorIds"] == ["d1"]
    assert guardduty.get_detector(DetectorId="d1")["Status"] == "ENABLED"
    assert "Administrator" not in guardduty.get_administrator_account(DetectorId="d1")


def test_other_selecting_parameters() -> None:
    snap = snapshot(
        {
            "aws.elastic-ip": [
                {"AllocationId": "eipalloc-1", "PublicIp": "198.51.100.1"},
                {"AllocationId": "eipalloc-2", "PublicIp": "198.51.100.2"},
            ],
            "aws.security-group": [
                {"GroupId": "sg-1", "GroupName": "web"},
                {"GroupId": "sg-2", "GroupName": "db"},
            ],
        }
    )
    ec2 = client("ec2", snap)[0]
    assert [
        a["AllocationId"] for a in ec2.describe_addresses(PublicIps=["198.51.100.2"])["Addresses"]
    ] == ["eipalloc-2"]
    assert [
        g["GroupId"] for g in ec2.describe_security_groups(GroupNames=["web"])["SecurityGroups"]
    ] == ["sg-1"]
