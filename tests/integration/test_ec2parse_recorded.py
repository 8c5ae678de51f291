"""The compiled EC2 parser against botocore's on moto's real answers: every response of a
collection of every type, recorded off the wire, parsed by both; and the snapshot a
collection writes is the same with either parser."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.parsers import EC2QueryParser

from scanner.aws import ec2parse
from scanner.aws.session import AccountTarget
from scanner.collect.collectors import COLLECTORS
from scanner.collect.runner import CollectOptions, collect
from scanner.collect.units import read_all
from tests.conftest import AwsEnv
from tests.integration.builders import create_every_type
from tests.unit.collect.ec2xml import outcome

REGION = "us-east-1"


def _world(aws: AwsEnv) -> None:
    create_every_type(aws.client, REGION)
    ec2 = aws.client("ec2", REGION)
    vpc = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
    group = ec2.create_security_group(GroupName="db", Description="db", VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(
        GroupId=group,
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 5432,
                "ToPort": 5433,
                "IpRanges": [{"CidrIp": "10.0.0.0/8", "Description": "office <&> vpn"}],
                "Ipv6Ranges": [{"CidrIpv6": "::/0"}],
                "UserIdGroupPairs": [{"GroupId": group}],
            }
        ],
    )
    ec2.create_tags(Resources=[group], Tags=[{"Key": "Name", "Value": "db — ünïcode"}])
    ec2.create_managed_prefix_list(
        PrefixListName="office",
        MaxEntries=5,
        AddressFamily="IPv4",
        Entries=[{"Cidr": "203.0.113.0/24", "Description": "hq"}],
    )


def _recorded(aws: AwsEnv) -> list[tuple[Any, dict[str, Any]]]:
    """(output shape, raw HTTP response) of every EC2 call a collection of every type makes."""
    client = aws.client("ec2", REGION)
    recorded: list[tuple[Any, dict[str, Any]]] = []

    def grab(operation_model: Any, response_dict: dict[str, Any], **_: Any) -> None:
        recorded.append((operation_model.output_shape, dict(response_dict)))

    client.meta.events.register("before-parse", grab)
    for _, collector in COLLECTORS.items():
        if collector.service == "ec2":
            read_all(client, collector)
    client.describe_regions()
    return recorded


def test_moto_responses_parse_as_botocore_parses_them(aws: AwsEnv) -> None:
    _world(aws)
    recorded = _recorded(aws)
    assert {shape.name for shape, _ in recorded} == ec2parse.OUTPUT_SHAPES
    for shape, response in recorded:
        before = ec2parse.STATS.compiled
        expected = outcome(EC2QueryParser(), response, shape)
        assert expected[0] == "ok", expected
        assert outcome(ec2parse.CompiledEC2Parser(), response, shape) == expected, shape.name
        assert ec2parse.STATS.compiled == before + 1, shape.name


# The EC2 types: the parser changes nothing else (and moto's trail status says "now").
EC2_TYPES = tuple(rtype for rtype, c in COLLECTORS.items() if c.service == "ec2")


def _collect(endpoint: str) -> dict[str, Any]:
    options = CollectOptions(regions=(REGION,), types=EC2_TYPES, endpoint_url=endpoint, processes=1)
    snapshot = collect([AccountTarget()], options)
    snapshot.pop("collected_at")
    snapshot["stats"].pop("duration_s")
    return snapshot


def test_a_collection_is_the_same_with_either_parser(
    aws: AwsEnv, monkeypatch: pytest.MonkeyPatch
) -> None:
    _world(aws)
    monkeypatch.delenv(ec2parse.ENV, raising=False)
    before = ec2parse.STATS.compiled
    compiled = _collect(aws.endpoint_url)
    assert ec2parse.STATS.compiled > before  # the compiled parser did the collecting
    monkeypatch.setenv(ec2parse.ENV, "botocore")
    before = ec2parse.STATS.compiled
    assert _collect(aws.endpoint_url) == compiled
    assert ec2parse.STATS.compiled == before
