"""One declarative collector per resource type, named by its Cloud Custodian resource name.

A collector is data: which client, which Describe operation, where the items are in the
response and which key is their id, mirroring Custodian's ``resource_type.enum_spec``.
Each runs exactly one paginated call sequence per (account, region), at the largest page
size the API allows, so the number of calls is the floor for the inventory.

Three posture types need a second call to be useful (trail status, recorder status, detector
settings). Their ``enrich`` step makes one call per *resource*, which is bounded by AWS itself
(one recorder and one detector per region, a handful of trails) and stores the result under
the key Custodian's own filters read, so those filters never call AWS again.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from scanner.registry import Registry

Item = dict[str, Any]
Enricher = Callable[[Any, list[Any]], list[Item]]

# The IAM service prefix for each boto3 service name we call.
IAM_PREFIX = {
    "ec2": "ec2",
    "cloudtrail": "cloudtrail",
    "config": "config",
    "guardduty": "guardduty",
    "cloudwatch": "cloudwatch",
}


@dataclass(frozen=True)
class Collector:
    """How to list one resource type in one region."""

    type: str
    service: str
    operation: str  # boto3 method name, e.g. "describe_vpcs"
    result_key: str  # where the items are in each response page
    id_key: str  # the item key that identifies it (Custodian's resource_type.id)
    page_size: int | None = None  # the API's maximum page size; None where it has none
    page_size_param: str = "MaxResults"
    params: Mapping[str, Any] = field(default_factory=dict)
    keep: Callable[[Item], bool] | None = None  # client-side filter of the listed items
    enrich: Enricher | None = None
    extra_operations: tuple[tuple[str, str], ...] = ()  # (service, Operation) used by enrich
    description: str = ""

    @property
    def api_operation(self) -> str:
        """The API's own operation name, e.g. ``DescribeVpcs``."""
        return "".join(part.capitalize() for part in self.operation.split("_"))

    def iam_actions(self) -> list[str]:
        actions = [f"{IAM_PREFIX[self.service]}:{self.api_operation}"]
        actions += [f"{IAM_PREFIX[svc]}:{op}" for svc, op in self.extra_operations]
        return actions


COLLECTORS: Registry[Collector] = Registry("collector")


def register(collector: Collector) -> Collector:
    COLLECTORS.add(collector.type, collector)
    return collector


def resource_id_of(rtype: str, item: Mapping[str, Any]) -> str:
    """The id of a raw item of a registered type."""
    return str(item[COLLECTORS.get(rtype).id_key])


def _without_metadata(response: Mapping[str, Any]) -> Item:
    return {k: v for k, v in response.items() if k != "ResponseMetadata"}


def _trail_status(client: Any, trails: list[Item]) -> list[Item]:
    # Stored where Custodian's cloudtrail `status` filter looks first ('c7n:TrailStatus').
    for trail in trails:
        trail["c7n:TrailStatus"] = _without_metadata(
            client.get_trail_status(Name=trail["TrailARN"])
        )
    return trails


def _recorder_status(client: Any, recorders: list[Item]) -> list[Item]:
    # The same augmentation Custodian's config-recorder resource does: 'status' and
    # 'deliveryChannel' on each recorder, so its value filters apply unchanged.
    if not recorders:
        return recorders
    names = [r["name"] for r in recorders]
    statuses = client.describe_configuration_recorder_status(ConfigurationRecorderNames=names)
    by_name = {s["name"]: s for s in statuses.get("ConfigurationRecordersStatus", [])}
    channels = client.describe_delivery_channels().get("DeliveryChannels", [])
    for recorder in recorders:
        if recorder["name"] in by_name:
            recorder["status"] = by_name[recorder["name"]]
        if channels:
            recorder["deliveryChannel"] = channels[0]
    return recorders


def _detectors(client: Any, detector_ids: list[Any]) -> list[Item]:
    # ListDetectors answers bare ids; the item is the id plus GetDetector's settings.
    detectors = []
    for detector_id in detector_ids:
        detail = _without_metadata(client.get_detector(DetectorId=detector_id))
        # Whether findings flow to a delegated administrator (Custodian's guard-duty filter
        # reads this as 'Administrator'); one detector per region, so one call.
        admin = client.get_administrator_account(DetectorId=detector_id).get("Administrator")
        detectors.append({"DetectorId": detector_id, **detail, "Administrator": admin or {}})
    return detectors


def _redact_vpn_secrets(_client: Any, connections: list[Item]) -> list[Item]:
    # The customer gateway configuration holds the tunnels' pre-shared keys: a snapshot is a
    # file people pass around, so the secret never enters it.
    for connection in connections:
        if "CustomerGatewayConfiguration" in connection:
            connection["CustomerGatewayConfiguration"] = REDACTED
    return connections


REDACTED = "<redacted by netwarden>"


def _is_nat_gateway_alarm(alarm: Item) -> bool:
    return alarm.get("Namespace") == "AWS/NATGateway"


for _collector in (
    Collector("aws.vpc", "ec2", "describe_vpcs", "Vpcs", "VpcId", 1000),
    Collector("aws.subnet", "ec2", "describe_subnets", "Subnets", "SubnetId", 1000),
    Collector(
        "aws.security-group",
        "ec2",
        "describe_security_groups",
        "SecurityGroups",
        "GroupId",
        1000,
    ),
    Collector(
        "aws.network-acl", "ec2", "describe_network_acls", "NetworkAcls", "NetworkAclId", 100
    ),
    Collector(
        "aws.route-table", "ec2", "describe_route_tables", "RouteTables", "RouteTableId", 100
    ),
    Collector(
        "aws.internet-gateway",
        "ec2",
        "describe_internet_gateways",
        "InternetGateways",
        "InternetGatewayId",
        1000,
    ),
    Collector(
        "aws.egress-only-internet-gateway",
        "ec2",
        "describe_egress_only_internet_gateways",
        "EgressOnlyInternetGateways",
        "EgressOnlyInternetGatewayId",
        255,
        description="not a Custodian resource; named in its style",
    ),
    Collector(
        "aws.peering-connection",
        "ec2",
        "describe_vpc_peering_connections",
        "VpcPeeringConnections",
        "VpcPeeringConnectionId",
        1000,
    ),
    Collector(
        "aws.nat-gateway", "ec2", "describe_nat_gateways", "NatGateways", "NatGatewayId", 1000
    ),
    Collector(
        "aws.vpc-endpoint", "ec2", "describe_vpc_endpoints", "VpcEndpoints", "VpcEndpointId", 1000
    ),
    Collector("aws.elastic-ip", "ec2", "describe_addresses", "Addresses", "AllocationId"),
    Collector(
        "aws.eni",
        "ec2",
        "describe_network_interfaces",
        "NetworkInterfaces",
        "NetworkInterfaceId",
        1000,
    ),
    Collector(
        "aws.customer-gateway",
        "ec2",
        "describe_customer_gateways",
        "CustomerGateways",
        "CustomerGatewayId",
    ),
    Collector("aws.vpn-gateway", "ec2", "describe_vpn_gateways", "VpnGateways", "VpnGatewayId"),
    Collector(
        "aws.vpn-connection",
        "ec2",
        "describe_vpn_connections",
        "VpnConnections",
        "VpnConnectionId",
        enrich=_redact_vpn_secrets,
    ),
    Collector(
        "aws.transit-gateway",
        "ec2",
        "describe_transit_gateways",
        "TransitGateways",
        "TransitGatewayId",
        1000,
    ),
    Collector(
        "aws.transit-attachment",
        "ec2",
        "describe_transit_gateway_attachments",
        "TransitGatewayAttachments",
        "TransitGatewayAttachmentId",
        1000,
    ),
    Collector("aws.flow-log", "ec2", "describe_flow_logs", "FlowLogs", "FlowLogId", 1000),
    Collector(
        "aws.prefix-list",
        "ec2",
        "describe_managed_prefix_lists",
        "PrefixLists",
        "PrefixListId",
        100,
    ),
    Collector(
        "aws.cloudtrail",
        "cloudtrail",
        "describe_trails",
        "trailList",
        "TrailARN",
        # Each trail is listed once, in its home region; multi-region trails are not repeated
        # as shadow copies in every other region.
        params={"includeShadowTrails": False},
        enrich=_trail_status,
        extra_operations=(("cloudtrail", "GetTrailStatus"),),
    ),
    Collector(
        "aws.config-recorder",
        "config",
        "describe_configuration_recorders",
        "ConfigurationRecorders",
        "name",
        enrich=_recorder_status,
        extra_operations=(
            ("config", "DescribeConfigurationRecorderStatus"),
            ("config", "DescribeDeliveryChannels"),
        ),
    ),
    Collector(
        "aws.guardduty-detector",
        "guardduty",
        "list_detectors",
        "DetectorIds",
        "DetectorId",
        50,
        enrich=_detectors,
        extra_operations=(("guardduty", "GetDetector"), ("guardduty", "GetAdministratorAccount")),
        description="not a Custodian resource; named in its style",
    ),
    Collector(
        "aws.alarm",
        "cloudwatch",
        "describe_alarms",
        "MetricAlarms",
        "AlarmName",
        100,
        page_size_param="MaxRecords",
        params={"AlarmTypes": ["MetricAlarm"]},
        keep=_is_nat_gateway_alarm,
        description="only alarms on NAT gateway metrics (namespace AWS/NATGateway)",
    ),
):
    register(_collector)
