"""VPC Block Public Access (BPA): the account's setting in each region and its exclusions.

BPA is the one control that overrides every route, NACL and security group: with
``block-bidirectional`` or ``block-ingress`` an internet gateway delivers no connection
from the internet to a VPC of the region, except to a VPC or subnet with an exclusion in
``allow-bidirectional`` mode (``allow-egress`` keeps inbound blocked). The exposure engine
reads both types (:mod:`scanner.exposure.bpa`).

The setting is one object per region (``DescribeVpcBlockPublicAccessOptions``), not a list:
its collector is ``single`` and its id is the region. Neither is a Custodian resource.
"""

from __future__ import annotations

from scanner.resources.base import (
    ChangeView,
    Collector,
    DriftSeverity,
    Fields,
    Item,
    Projection,
    ResourceType,
)
from scanner.resources.shapes import TAG_EVENTS, api_tags, ec2_arn, pick, pick_present, tags

# How much each account mode blocks of what comes from the internet (higher: more).
STRICTNESS = {"off": 0, "block-ingress": 1, "block-bidirectional": 2}
# Exclusion states in which it no longer (or never did) apply.
GONE_STATES = ("create-failed", "delete-complete", "disable-complete")
OPTION_FIELDS = ("InternetGatewayBlockMode", "ExclusionsAllowed", "ManagedBy")


def _project_options(i: Fields) -> Item:
    return pick(i, *OPTION_FIELDS)


def _unproject_options(rid: str, f: Fields, account: str) -> Item:
    return {
        **pick_present(f, *OPTION_FIELDS),
        "AwsRegion": rid,
        "AwsAccountId": account,
        "State": "update-complete",
    }


def _mode_relaxed(change: ChangeView) -> bool:
    """The account's mode moved towards ``off``: paths BPA cut may be open again."""
    if not change.path or change.path[0] != "InternetGatewayBlockMode":
        return False
    old = STRICTNESS.get(str(change.old), 2)
    new = STRICTNESS.get(str(change.new), 0)
    return new < old


VPC_BLOCK_PUBLIC_ACCESS = ResourceType(
    collector=Collector(
        "aws.vpc-block-public-access",
        "ec2",
        "describe_vpc_block_public_access_options",
        "VpcBlockPublicAccessOptions",
        "AwsRegion",
        single=True,
        description="the account's VPC Block Public Access mode in a region; not a Custodian "
        "resource",
    ),
    # BPA's setting has no ARN of its own; this names it in EC2's style, by region.
    arn="arn:{partition}:ec2:{region}:{account}:vpc-block-public-access-options/{id}",
    projection=Projection(_project_options),
    unproject=_unproject_options,
    severity=DriftSeverity(removal="other", widens=_mode_relaxed),
    revert=None,
    events=frozenset({"ModifyVpcBlockPublicAccessOptions"}),
    answers=None,
    # The gateway drops every connection from the internet where BPA blocks it.
    exposure_role="path",
    asff_type="Other",
    absent={
        "revert": "turning BPA back on changes what every VPC of the region can reach: a "
        "person's call",
        "answers": "no Custodian resource, so no filter asks the snapshot about it",
    },
)


def _project_exclusion(i: Fields) -> Item:
    return {**pick(i, "InternetGatewayExclusionMode", "ResourceArn"), "tags": tags(i)}


def _unproject_exclusion(rid: str, f: Fields, account: str) -> Item:
    return {
        **pick_present(f, "InternetGatewayExclusionMode", "ResourceArn"),
        "ExclusionId": rid,
        "State": "create-complete",
        "Tags": api_tags(f),
    }


def _exclusion_exposes(f: Fields) -> bool:
    return f.get("InternetGatewayExclusionMode") == "allow-bidirectional"


def _exclusion_widens(change: ChangeView) -> bool:
    return (
        bool(change.path)
        and change.path[0] == "InternetGatewayExclusionMode"
        and change.new == "allow-bidirectional"
    )


def _exclusion_live(item: Fields) -> bool:
    return item.get("State") not in GONE_STATES


VPC_BLOCK_PUBLIC_ACCESS_EXCLUSION = ResourceType(
    collector=Collector(
        "aws.vpc-block-public-access-exclusion",
        "ec2",
        "describe_vpc_block_public_access_exclusions",
        "VpcBlockPublicAccessExclusions",
        "ExclusionId",
        1000,
        description="a VPC or subnet exempt from the account's BPA mode; not a Custodian resource",
    ),
    arn=ec2_arn("vpc-block-public-access-exclusion"),
    projection=Projection(_project_exclusion, is_live=_exclusion_live),
    unproject=_unproject_exclusion,
    severity=DriftSeverity(removal="path", exposes=_exclusion_exposes, widens=_exclusion_widens),
    revert=None,
    events=frozenset(
        {
            "CreateVpcBlockPublicAccessExclusion",
            "ModifyVpcBlockPublicAccessExclusion",
            "DeleteVpcBlockPublicAccessExclusion",
            *TAG_EVENTS,
        }
    ),
    answers=None,
    # An allow-bidirectional exclusion is what lets the internet in despite BPA.
    exposure_role="path",
    asff_type="Other",
    absent={
        "revert": "not automated yet: the plan asks a person to delete or accept it",
        "answers": "no Custodian resource, so no filter asks the snapshot about it",
    },
)

TYPES = (VPC_BLOCK_PUBLIC_ACCESS, VPC_BLOCK_PUBLIC_ACCESS_EXCLUSION)
