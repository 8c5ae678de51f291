"""The registry of every type, in collection order, built from the family modules."""

from __future__ import annotations

from collections.abc import Iterator

from scanner.registry import Registry
from scanner.resources import (
    addresses,
    endpoints,
    flow_log,
    gateways,
    network_acl,
    peering,
    posture,
    prefix_list,
    route_table,
    security_group,
    subnet,
    transit,
    vpc,
    vpn,
)
from scanner.resources.base import ResourceType

# Collection order (the order of the API calls in every region).
_ORDER = (
    vpc.VPC,
    subnet.SUBNET,
    security_group.SECURITY_GROUP,
    network_acl.NETWORK_ACL,
    route_table.ROUTE_TABLE,
    gateways.INTERNET_GATEWAY,
    gateways.EGRESS_ONLY_INTERNET_GATEWAY,
    peering.PEERING_CONNECTION,
    gateways.NAT_GATEWAY,
    endpoints.VPC_ENDPOINT,
    addresses.ELASTIC_IP,
    addresses.NETWORK_INTERFACE,
    vpn.CUSTOMER_GATEWAY,
    vpn.VPN_GATEWAY,
    vpn.VPN_CONNECTION,
    transit.TRANSIT_GATEWAY,
    transit.TRANSIT_ATTACHMENT,
    flow_log.FLOW_LOG,
    prefix_list.PREFIX_LIST,
    posture.CLOUDTRAIL,
    posture.CONFIG_RECORDER,
    posture.GUARDDUTY_DETECTOR,
    posture.ALARM,
)
FAMILIES = (
    vpc,
    subnet,
    security_group,
    network_acl,
    route_table,
    gateways,
    peering,
    endpoints,
    addresses,
    vpn,
    transit,
    flow_log,
    prefix_list,
    posture,
)

CATALOG: Registry[ResourceType] = Registry("resource type")
for _rtype in _ORDER:
    CATALOG.add(_rtype.name, _rtype)


def get(name: str) -> ResourceType:
    """The catalog entry of one type (KeyError naming the known types when unknown)."""
    return CATALOG.get(name)


def types() -> Iterator[ResourceType]:
    """Every type, in collection order."""
    return (rtype for _, rtype in CATALOG.items())
