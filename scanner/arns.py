"""ARNs for the resource types the rule pack reports on."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# Custodian resource name -> (service, resource path prefix in the ARN).
ARN_PATHS = {
    "aws.vpc": ("ec2", "vpc/"),
    "aws.subnet": ("ec2", "subnet/"),
    "aws.security-group": ("ec2", "security-group/"),
    "aws.network-acl": ("ec2", "network-acl/"),
    "aws.route-table": ("ec2", "route-table/"),
    "aws.internet-gateway": ("ec2", "internet-gateway/"),
    "aws.egress-only-internet-gateway": ("ec2", "egress-only-internet-gateway/"),
    "aws.peering-connection": ("ec2", "vpc-peering-connection/"),
    "aws.nat-gateway": ("ec2", "natgateway/"),
    "aws.vpc-endpoint": ("ec2", "vpc-endpoint/"),
    "aws.elastic-ip": ("ec2", "elastic-ip/"),
    "aws.eni": ("ec2", "network-interface/"),
    "aws.customer-gateway": ("ec2", "customer-gateway/"),
    "aws.vpn-gateway": ("ec2", "vpn-gateway/"),
    "aws.vpn-connection": ("ec2", "vpn-connection/"),
    "aws.transit-gateway": ("ec2", "transit-gateway/"),
    "aws.transit-attachment": ("ec2", "transit-gateway-attachment/"),
    "aws.flow-log": ("ec2", "vpc-flow-log/"),
    "aws.prefix-list": ("ec2", "prefix-list/"),
    "aws.config-recorder": ("config", "config-recorder/"),
    "aws.alarm": ("cloudwatch", "alarm:"),
}


def partition(region: str) -> str:
    """The ARN partition a region belongs to."""
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


def arn_for(
    resource_type: str,
    resource_id: str,
    account: str,
    region: str,
    item: Mapping[str, Any] | None = None,
) -> str:
    """The ARN of one resource (its own ARN field where the API returns one)."""
    item = item or {}
    for key in ("TrailARN", "AlarmArn", "Arn"):
        if isinstance(item.get(key), str) and item[key].startswith("arn:"):
            return str(item[key])
    part = partition(region)
    if resource_type == "aws.account":
        return f"arn:{part}:iam::{account}:root"
    if resource_type == "aws.guardduty-detector":
        return f"arn:{part}:guardduty:{region}:{account}:detector/{resource_id}"
    service, prefix = ARN_PATHS.get(resource_type, ("ec2", f"{resource_type.split('.', 1)[-1]}/"))
    return f"arn:{part}:{service}:{region}:{account}:{prefix}{resource_id}"
