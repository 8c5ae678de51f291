"""One paginated call sequence per (region, type), at the API's largest page size.

moto answers every EC2 Describe in a single page whatever MaxResults says, so the page
handling is pinned here with botocore's Stubber, which checks the exact parameters sent.
"""

from __future__ import annotations

import boto3
import pytest
from botocore.exceptions import ClientError
from botocore.stub import Stubber

from scanner.collect.collectors import COLLECTORS
from scanner.collect.units import MalformedResponse, error_record, read_all


def ec2_client() -> object:
    return boto3.client(
        "ec2", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="y"
    )


def table(n: int) -> dict[str, object]:
    return {"RouteTableId": f"rtb-{n:04d}", "VpcId": "vpc-1", "Routes": []}


def test_reads_every_page_at_the_largest_page_size() -> None:
    client = ec2_client()
    with Stubber(client) as stub:
        stub.add_response(
            "describe_route_tables",
            {"RouteTables": [table(i) for i in range(100, 0, -1)], "NextToken": "page-2"},
            {"MaxResults": 100},
        )
        stub.add_response(
            "describe_route_tables",
            {"RouteTables": [table(0)]},
            {"MaxResults": 100, "NextToken": "page-2"},
        )
        items = read_all(client, COLLECTORS.get("aws.route-table"))
        stub.assert_no_pending_responses()
    assert len(items) == 101
    assert [t["RouteTableId"] for t in items] == sorted(t["RouteTableId"] for t in items)


def test_unpaginated_api_is_one_call() -> None:
    client = ec2_client()
    with Stubber(client) as stub:
        stub.add_response(
            "describe_addresses",
            {"Addresses": [{"AllocationId": "eipalloc-2"}, {"AllocationId": "eipalloc-1"}]},
            {},
        )
        items = read_all(client, COLLECTORS.get("aws.elastic-ip"))
        stub.assert_no_pending_responses()
    assert [a["AllocationId"] for a in items] == ["eipalloc-1", "eipalloc-2"]


def test_errors_are_recorded_with_their_code() -> None:
    client = ec2_client()
    with Stubber(client) as stub:
        stub.add_client_error(
            "describe_vpcs", service_error_code="OptInRequired", service_message="opt in first"
        )
        with pytest.raises(ClientError) as raised:
            read_all(client, COLLECTORS.get("aws.vpc"))
    assert error_record("aws.vpc", raised.value) == {
        "type": "aws.vpc",
        "code": "OptInRequired",
        "message": "opt in first",
    }


@pytest.mark.parametrize("rtype", sorted(COLLECTORS))
def test_declared_page_size_is_within_the_api_limits(rtype: str) -> None:
    collector = COLLECTORS.get(rtype)
    client = boto3.client(
        collector.service, region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="y"
    )
    operation = client.meta.service_model.operation_model(collector.api_operation)
    members = operation.input_shape.members if operation.input_shape else {}
    if collector.page_size is None:
        assert (
            not client.can_paginate(collector.operation) or collector.page_size_param not in members
        )
        return
    # Paged by botocore's paginator, or by read_all following NextToken itself.
    output = operation.output_shape.members if operation.output_shape else {}
    assert client.can_paginate(collector.operation) or "NextToken" in output
    shape = members[collector.page_size_param]
    maximum = shape.metadata.get("max")
    if maximum is not None:
        assert collector.page_size <= maximum


def test_the_bpa_setting_is_the_regions_one_item() -> None:
    client = ec2_client()
    options = {
        "AwsAccountId": "111111111111",
        "AwsRegion": "us-east-1",
        "State": "update-complete",
        "InternetGatewayBlockMode": "block-ingress",
        "ExclusionsAllowed": "allowed",
    }
    with Stubber(client) as stub:
        stub.add_response(
            "describe_vpc_block_public_access_options", {"VpcBlockPublicAccessOptions": options}, {}
        )
        items = read_all(client, COLLECTORS.get("aws.vpc-block-public-access"))
        stub.assert_no_pending_responses()
    assert items == [options]


def test_a_bpa_answer_without_the_setting_is_malformed_not_off() -> None:
    client = ec2_client()
    with Stubber(client) as stub:
        stub.add_response("describe_vpc_block_public_access_options", {}, {})
        with pytest.raises(MalformedResponse) as raised:
            read_all(client, COLLECTORS.get("aws.vpc-block-public-access"))
    record = error_record("aws.vpc-block-public-access", raised.value)
    assert (record["type"], record["code"]) == (
        "aws.vpc-block-public-access",
        "UnparseableResponse",
    )


def test_bpa_exclusions_follow_next_token_at_the_largest_page() -> None:
    # botocore has no paginator for this call: read_all follows NextToken itself.
    def exclusion(n: int) -> dict[str, object]:
        return {
            "ExclusionId": f"exclusion-{n}",
            "InternetGatewayExclusionMode": "allow-bidirectional",
            "ResourceArn": f"arn:aws:ec2:us-east-1:111111111111:subnet/subnet-{n}",
            "State": "create-complete",
        }

    client = ec2_client()
    with Stubber(client) as stub:
        stub.add_response(
            "describe_vpc_block_public_access_exclusions",
            {"VpcBlockPublicAccessExclusions": [exclusion(2)], "NextToken": "t-2"},
            {"MaxResults": 1000},
        )
        stub.add_response(
            "describe_vpc_block_public_access_exclusions",
            {"VpcBlockPublicAccessExclusions": [exclusion(1)]},
            {"MaxResults": 1000, "NextToken": "t-2"},
        )
        items = read_all(client, COLLECTORS.get("aws.vpc-block-public-access-exclusion"))
        stub.assert_no_pending_responses()
    assert [i["ExclusionId"] for i in items] == ["exclusion-1", "exclusion-2"]


def test_a_repeated_next_token_ends_the_read() -> None:
    client = ec2_client()
    with Stubber(client) as stub:
        for params in ({"MaxResults": 1000}, {"MaxResults": 1000, "NextToken": "same"}):
            stub.add_response(
                "describe_vpc_block_public_access_exclusions",
                {"VpcBlockPublicAccessExclusions": [], "NextToken": "same"},
                params,
            )
        assert read_all(client, COLLECTORS.get("aws.vpc-block-public-access-exclusion")) == []
        stub.assert_no_pending_responses()
