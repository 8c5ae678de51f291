"""The ARN of one resource, from its type's ``arn`` template (or the item's own ARN)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scanner.arns import partition
from scanner.resources.catalog import get

ACCOUNT = "aws.account"  # the account itself, which policies also report on


def arn_for(
    resource_type: str,
    resource_id: str,
    account: str,
    region: str,
    item: Mapping[str, Any] | None = None,
) -> str:
    """The ARN of one resource (its own ARN field where the API returns one).

    A type the catalog does not know is a KeyError, not a guessed EC2 path."""
    item = item or {}
    for key in ("TrailARN", "AlarmArn", "Arn"):
        if isinstance(item.get(key), str) and item[key].startswith("arn:"):
            return str(item[key])
    part = partition(region)
    if resource_type == ACCOUNT:
        return f"arn:{part}:iam::{account}:root"
    return get(resource_type).arn_of(resource_id, account, region, part)
