"""ARN partitions (pure). The ARN of a resource is ``scanner.resources.arns.arn_for``: each
type's template lives with the rest of its facts in the resource catalog."""

from __future__ import annotations


def partition(region: str) -> str:
    """The ARN partition a region belongs to."""
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"
