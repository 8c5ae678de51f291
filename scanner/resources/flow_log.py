"""VPC flow logs: matched by what they log and where, since AWS re-creates them under new ids."""

from __future__ import annotations

from typing import Any

from scanner.resources.base import (
    NOT_EXPOSURE_FLOW_LOG,
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
    manual,
)
from scanner.resources.shapes import api_tags, ec2_arn, pick, tags

SETTINGS = (
    "ResourceId",
    "TrafficType",
    "LogDestinationType",
    "LogDestination",
    "LogGroupName",
    "LogFormat",
    "MaxAggregationInterval",
    "DeliverLogsPermissionArn",
)


def natural_key(item: Fields) -> str:
    destination = item.get("LogDestination") or item.get("LogGroupName") or ""
    return "|".join(
        str(part)
        for part in (
            item.get("ResourceId"),
            item.get("TrafficType"),
            item.get("LogDestinationType", "cloud-watch-logs"),
            destination,
        )
    )


def _unproject(rid: str, f: Fields, account: str) -> Item:
    return {
        **{k: v for k, v in f.items() if k != "tags"},
        "FlowLogId": rid,
        "FlowLogStatus": "ACTIVE",
        "Tags": api_tags(f),
    }


def _accept(rid: str, account: str, after: Fields) -> list[Step]:
    return [
        manual(
            "A new flow log only adds visibility: accept it into the baseline "
            f"(netwarden baseline accept --resource {rid})"
        )
    ]


def logged_resource_type(resource_id: str) -> str:
    """CreateFlowLogs' ResourceType for the id of what the flow log watches."""
    if resource_id.startswith("subnet-"):
        return "Subnet"
    if resource_id.startswith("eni-"):
        return "NetworkInterface"
    if resource_id.startswith("tgw-attach-"):
        return "TransitGatewayAttachment"
    if resource_id.startswith("tgw-"):
        return "TransitGateway"
    return "VPC"


def _recreate(rid: str, before: Fields) -> list[Step]:
    params: dict[str, Any] = {
        "ResourceIds": [before["ResourceId"]],
        "ResourceType": logged_resource_type(str(before["ResourceId"])),
        "TrafficType": before.get("TrafficType", "ALL"),
        "LogDestinationType": before.get("LogDestinationType", "cloud-watch-logs"),
    }
    for key in (
        "LogDestination",
        "LogGroupName",
        "DeliverLogsPermissionArn",
        "LogFormat",
        "MaxAggregationInterval",
    ):
        if before.get(key) is not None:
            params[key] = before[key]
    if before.get("tags"):
        api = [{"Key": k, "Value": v} for k, v in sorted(before["tags"].items())]
        params["TagSpecifications"] = [{"ResourceType": "vpc-flow-log", "Tags": api}]
    return [
        call("Re-create the flow log with its baseline settings", "ec2", "CreateFlowLogs", params)
    ]


FLOW_LOG = ResourceType(
    collector=Collector("aws.flow-log", "ec2", "describe_flow_logs", "FlowLogs", "FlowLogId", 1000),
    arn=ec2_arn("vpc-flow-log"),
    projection=Projection(
        lambda i: {**pick(i, *SETTINGS), "tags": tags(i)}, natural_key=natural_key
    ),
    unproject=_unproject,
    severity=DriftSeverity(removal="detection"),
    revert=Revert(delete_added=_accept, restore_removed=_recreate),
    events=frozenset({"CreateFlowLogs", "DeleteFlowLogs"}),
    answers=Answers(describe=True),
    exposure_role=None,
    asff_type="Other",
    absent={"exposure_role": NOT_EXPOSURE_FLOW_LOG},
)

TYPES = (FLOW_LOG,)
