"""The bench's API-call floor counts every collector, VPC Block Public Access included: one
call for the region's setting (one object, not a list) and one page of exclusions."""

from __future__ import annotations

from bench.floor import floor_of, measure
from scanner.collect.collectors import COLLECTORS
from tests.conftest import AwsEnv


def test_the_floor_counts_one_call_per_bpa_collector(aws: AwsEnv) -> None:
    ec2 = aws.client("ec2", "us-east-1")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    ec2.create_vpc_block_public_access_exclusion(
        VpcId=vpc, InternetGatewayExclusionMode="allow-bidirectional"
    )
    units = {u.type: u for u in measure(aws.endpoint_url, ["us-east-1"])}
    assert set(units) == {name for name, _ in COLLECTORS.items()}
    setting = units["aws.vpc-block-public-access"]
    exclusions = units["aws.vpc-block-public-access-exclusion"]
    assert (setting.items, setting.calls) == (1, 1)
    assert (exclusions.items, exclusions.calls) == (1, 1)
    floor = floor_of(list(units.values()), ["us-east-1"])
    assert floor.calls == 2 + sum(u.calls for u in units.values())
