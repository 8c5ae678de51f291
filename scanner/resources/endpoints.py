"""VPC endpoints (gateway and interface)."""

from __future__ import annotations

import json
from typing import Any

from scanner.resources.base import (
    NOT_EXPOSURE_ENDPOINT,
    Answers,
    Collector,
    DriftSeverity,
    Fields,
    Item,
    Projection,
    ResourceType,
    Revert,
    Step,
    call,
)
from scanner.resources.shapes import api_tags, ec2_arn, pick, pick_present, state_not_in, tags


def _policy(document: Any) -> Any:
    # The API returns the policy as JSON text; the baseline keeps the document, so a
    # reformatted policy is not drift.
    if isinstance(document, str):
        try:
            return json.loads(document)
        except json.JSONDecodeError:
            return document
    return document


def _project(i: Fields) -> Item:
    return {
        **pick(i, "VpcId", "ServiceName", "VpcEndpointType", "PrivateDnsEnabled"),
        "policy": _policy(i.get("PolicyDocument")),
        "route_tables": sorted(i.get("RouteTableIds", [])),
        "subnets": sorted(i.get("SubnetIds", [])),
        "security_groups": sorted(g["GroupId"] for g in i.get("Groups", [])),
        "tags": tags(i),
    }


def _unproject(rid: str, f: Fields, account: str) -> Item:
    policy = f.get("policy")
    return {
        **pick_present(f, "VpcId", "ServiceName", "VpcEndpointType", "PrivateDnsEnabled"),
        "VpcEndpointId": rid,
        "OwnerId": account,
        "State": "available",
        "PolicyDocument": json.dumps(policy) if isinstance(policy, dict | list) else policy,
        "RouteTableIds": list(f.get("route_tables", [])),
        "SubnetIds": list(f.get("subnets", [])),
        "Groups": [{"GroupId": g} for g in f.get("security_groups", [])],
        "Tags": api_tags(f),
    }


def _delete(rid: str, account: str, after: Fields) -> list[Step]:
    return [
        call(
            "Delete the unapproved VPC endpoint",
            "ec2",
            "DeleteVpcEndpoints",
            {"VpcEndpointIds": [rid]},
        )
    ]


VPC_ENDPOINT = ResourceType(
    collector=Collector(
        "aws.vpc-endpoint", "ec2", "describe_vpc_endpoints", "VpcEndpoints", "VpcEndpointId", 1000
    ),
    arn=ec2_arn("vpc-endpoint"),
    projection=Projection(
        _project, is_live=state_not_in("deleted", "deleting", "rejected", "failed", "expired")
    ),
    unproject=_unproject,
    severity=DriftSeverity(removal="path"),
    revert=Revert(delete_added=_delete),
    events=frozenset({"CreateVpcEndpoint", "ModifyVpcEndpoint", "DeleteVpcEndpoints"}),
    answers=Answers(describe=True),
    exposure_role=None,
    asff_type="Other",
    absent={"exposure_role": NOT_EXPOSURE_ENDPOINT},
)

TYPES = (VPC_ENDPOINT,)
