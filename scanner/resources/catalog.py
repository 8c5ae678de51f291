"""The registry of every type, in collection order, built from the family modules."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from types import ModuleType

from scanner.registry import Registry
from scanner.resources import (
    addresses,
    alerting,
    block_public_access,
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
from scanner.resources.base import ExposureRole, ResourceType

# The families in collection order (the order of the API calls in every region); within a
# family, the order of its TYPES. A new type is one entry in its family's TYPES: nothing here.
FAMILIES: tuple[ModuleType, ...] = (
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
    block_public_access,
    posture,
    alerting,
)


def build(families: Iterable[ModuleType]) -> Registry[ResourceType]:
    """The registry of every type the families declare, in order (a name declared twice is
    refused)."""
    registry: Registry[ResourceType] = Registry("resource type")
    for family in families:
        for rtype in family.TYPES:
            registry.add(rtype.name, rtype)
    return registry


CATALOG = build(FAMILIES)


def get(name: str) -> ResourceType:
    """The catalog entry of one type (KeyError naming the known types when unknown)."""
    return CATALOG.get(name)


def types() -> Iterator[ResourceType]:
    """Every type, in collection order."""
    return (rtype for _, rtype in CATALOG.items())


def with_exposure_role(*roles: ExposureRole) -> frozenset[str]:
    """The names of the types the exposure engine reads in one of ``roles``."""
    return frozenset(t.name for t in types() if t.exposure_role in roles)
