"""Customer-managed prefix lists (the AWS-managed ones are AWS's, not configuration)."""

from __future__ import annotations

from typing import Any

from scanner.resources.base import (
    Answers,
    Collector,
    DriftSeverity,
    Fields,
    Item,
    Projection,
    ResourceType,
)
from scanner.resources.shapes import api_tags, ec2_arn, pick, pick_present, tags

SETTINGS = ("PrefixListName", "AddressFamily", "MaxEntries")


def _entries(client: Any, lists: list[Item]) -> list[Item]:
    # DescribeManagedPrefixLists has no CIDRs; routes and SG rules that name a list reach
    # exactly its entries, so the exposure analysis needs them: one paginated call per
    # customer-managed list, stored under "Entries" as GetManagedPrefixListEntries answers.
    # AWS-managed lists (S3, DynamoDB, CloudFront origin-facing...) are AWS services'
    # ranges: a client there is an AWS service, never an arbitrary internet host, and a
    # region has several of them in every account, so they are not read.
    paginator = client.get_paginator("get_managed_prefix_list_entries")
    for plist in lists:
        if plist.get("OwnerId") == "AWS":
            continue
        entries: list[Item] = []
        for page in paginator.paginate(PrefixListId=plist["PrefixListId"]):
            entries.extend(page.get("Entries", []))
        plist["Entries"] = sorted(entries, key=lambda e: str(e.get("Cidr", "")))
    return lists


def _is_live(i: Fields) -> bool:
    # AWS-managed lists (S3, DynamoDB...) are AWS's, not this account's configuration.
    return i.get("OwnerId") != "AWS" and i.get("State") not in (
        "delete-complete",
        "delete-in-progress",
    )


def _unproject(rid: str, f: Fields, account: str) -> Item:
    return {
        **pick_present(f, *SETTINGS),
        "PrefixListId": rid,
        "OwnerId": account,
        "State": "create-complete",
        "Tags": api_tags(f),
    }


PREFIX_LIST = ResourceType(
    collector=Collector(
        "aws.prefix-list",
        "ec2",
        "describe_managed_prefix_lists",
        "PrefixLists",
        "PrefixListId",
        100,
        enrich=_entries,
        extra_operations=(("ec2", "GetManagedPrefixListEntries"),),
    ),
    arn=ec2_arn("prefix-list"),
    projection=Projection(lambda i: {**pick(i, *SETTINGS), "tags": tags(i)}, is_live=_is_live),
    unproject=_unproject,
    severity=DriftSeverity(removal="other"),
    revert=None,
    events=frozenset(
        {
            "CreateManagedPrefixList",
            "ModifyManagedPrefixList",
            "DeleteManagedPrefixList",
            "RestoreManagedPrefixListVersion",
        }
    ),
    answers=Answers(describe=True, operations=(("ec2", "GetManagedPrefixListEntries"),)),
    exposure_role="path",
    asff_type="Other",
    absent={
        "revert": "the baseline keeps a list's settings, not its entries: a person restores it",
    },
)

TYPES = (PREFIX_LIST,)
