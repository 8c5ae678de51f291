"""ARNs of the resources the rule pack reports on."""

from __future__ import annotations

import pytest

from scanner.resources import arn_for


@pytest.mark.parametrize(
    ("rtype", "rid", "region", "expected"),
    [
        (
            "aws.security-group",
            "sg-1",
            "us-east-1",
            "arn:aws:ec2:us-east-1:111111111111:security-group/sg-1",
        ),
        (
            "aws.peering-connection",
            "pcx-1",
            "eu-west-1",
            "arn:aws:ec2:eu-west-1:111111111111:vpc-peering-connection/pcx-1",
        ),
        (
            "aws.nat-gateway",
            "nat-1",
            "us-east-1",
            "arn:aws:ec2:us-east-1:111111111111:natgateway/nat-1",
        ),
        (
            "aws.elastic-ip",
            "eipalloc-1",
            "us-east-1",
            "arn:aws:ec2:us-east-1:111111111111:elastic-ip/eipalloc-1",
        ),
        (
            "aws.network-acl",
            "acl-1",
            "cn-north-1",
            "arn:aws-cn:ec2:cn-north-1:111111111111:network-acl/acl-1",
        ),
        (
            "aws.subnet",
            "subnet-1",
            "us-gov-west-1",
            "arn:aws-us-gov:ec2:us-gov-west-1:111111111111:subnet/subnet-1",
        ),
        ("aws.account", "111111111111", "eu-west-1", "arn:aws:iam::111111111111:root"),
    ],
)
def test_arns(rtype: str, rid: str, region: str, expected: str) -> None:
    assert arn_for(rtype, rid, "111111111111", region) == expected


def test_an_arn_the_api_returns_is_used_as_is() -> None:
    trail = {"TrailARN": "arn:aws:cloudtrail:us-east-1:111111111111:trail/t"}
    assert arn_for("aws.cloudtrail", "t", "111111111111", "us-east-1", trail) == trail["TrailARN"]
