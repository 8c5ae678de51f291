"""The pagination middleware: literal XML slicing, and boto3 paginators against moto."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from scanner.demo.middleware import LatencyStats, chain, latency
from scanner.demo.paginate import (
    BadToken,
    PageRequest,
    decode_token,
    encode_token,
    page_request,
    slice_response,
)
from scanner.demo.server import MotoServer

NS = "http://ec2.amazonaws.com/doc/2016-11-15"
XML = (
    f'<?xml version="1.0" encoding="utf-8"?>\n<DescribeVpcsResponse xmlns="{NS}">'
    "<vpcSet>{items}</vpcSet><requestId>r</requestId></DescribeVpcsResponse>"
)


def _body(n: int) -> bytes:
    items = "".join(f"<item><vpcId>vpc-{i}</vpcId><tagSet/></item>" for i in range(n))
    return XML.format(items=items).encode()


def _ids(body: bytes) -> list[str]:
    import re

    return re.findall(r"<vpcId>(vpc-\d+)</vpcId>", body.decode())


def test_token_round_trip_and_foreign_tokens() -> None:
    assert decode_token(encode_token(1234)) == 1234
    for token in ("abc", encode_token(3)[:-2] + "!!", "bmV0d2FyZGVuLXBhZ2U6eA=="):
        with pytest.raises(BadToken):
            decode_token(token)


def test_page_request() -> None:
    assert page_request([("Action", "DescribeVpcs")]) is None
    assert page_request([("Action", "CreateVpc"), ("MaxResults", "5")]) is None
    assert page_request([("Action", "DescribeVpcs"), ("MaxResults", "5")]) == PageRequest(0, 5)
    token = encode_token(10)
    assert page_request(
        [("Action", "DescribeVpcs"), ("MaxResults", "5"), ("NextToken", token)]
    ) == PageRequest(10, 5)


def test_slice_response_pages_and_tokens() -> None:
    body = _body(12)
    first = slice_response(body, PageRequest(0, 5))
    assert _ids(first) == [f"vpc-{i}" for i in range(5)]
    assert f"<nextToken>{encode_token(5)}</nextToken>" in first.decode()
    last = slice_response(body, PageRequest(10, 5))
    assert _ids(last) == ["vpc-10", "vpc-11"]
    assert "nextToken" not in last.decode()
    # The nested <tagSet/> of each item and the default namespace survive.
    assert f'xmlns="{NS}"' in last.decode() and "<tagSet />" in last.decode()
    assert _ids(slice_response(_body(0), PageRequest(0, 5))) == []


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[str, LatencyStats]]:
    from scanner.demo.paginate import paginate

    os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
    stats = LatencyStats()
    moto = MotoServer(chain(latency(0.0, stats=stats), paginate()))
    url = moto.start()
    try:
        yield url, stats
    finally:
        moto.stop()


def _client(url: str) -> Any:
    return boto3.client("ec2", region_name="eu-north-1", endpoint_url=url)


def test_boto3_paginator_sees_aws_like_pages(server: tuple[str, LatencyStats]) -> None:
    url, stats = server
    ec2 = _client(url)
    for i in range(12):
        ec2.create_vpc(CidrBlock=f"10.{i}.0.0/16")
    everything = [v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"]]
    assert len(everything) == 13  # and the default VPC
    before = stats.requests
    pages = list(ec2.get_paginator("describe_vpcs").paginate(PaginationConfig={"PageSize": 5}))
    assert [len(p["Vpcs"]) for p in pages] == [5, 5, 3]
    assert [v["VpcId"] for p in pages for v in p["Vpcs"]] == everything
    assert stats.requests - before == 3


def test_exact_multiple_needs_no_extra_page(server: tuple[str, LatencyStats]) -> None:
    url, stats = server
    ec2 = _client(url)
    for i in range(12):
        ec2.create_security_group(GroupName=f"g{i}", Description="bench")
    total = len(ec2.describe_security_groups()["SecurityGroups"])
    before = stats.requests
    pages = list(
        ec2.get_paginator("describe_security_groups").paginate(PaginationConfig={"PageSize": total})
    )
    assert len(pages) == 1 and stats.requests - before == 1


def test_unpaged_calls_and_other_services_pass_through(server: tuple[str, LatencyStats]) -> None:
    url, _ = server
    ec2 = _client(url)
    assert len(ec2.describe_vpcs()["Vpcs"]) == 13
    assert "NextToken" not in ec2.describe_vpcs()
    sts = boto3.client("sts", region_name="eu-north-1", endpoint_url=url)
    assert sts.get_caller_identity()["Account"]


def test_foreign_token_is_an_aws_error(server: tuple[str, LatencyStats]) -> None:
    from botocore.exceptions import ClientError

    url, _ = server
    with pytest.raises(ClientError) as error:
        _client(url).describe_vpcs(MaxResults=5, NextToken="not-ours")
    assert error.value.response["Error"]["Code"] == "InvalidNextToken"
