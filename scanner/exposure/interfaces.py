"""Network interfaces: their internet addresses and what they belong to.

An interface is reachable on IPv4 only at a public IPv4 or Elastic IP associated with one of
its private addresses (``PrivateIpAddresses[].Association``, each address on its own, not
only the primary), and on IPv6 at a global address. A detached interface (status
``available``) receives nothing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from scanner.exposure import intervals as iv
from scanner.exposure.model import Attachment
from scanner.exposure.world import RegionWorld

# Global unicast IPv6 (2000::/3): what an internet client can address.
_GLOBAL_V6 = iv.cidr_span("2000::/3")[1]


@dataclass(frozen=True)
class Address:
    """One internet address of an interface."""

    public: str
    private: str
    detail: str


def attached(eni: Mapping[str, Any]) -> bool:
    status = eni.get("Status")
    if status is not None:
        return status == "in-use"
    return bool(eni.get("Attachment"))


def addresses(eni: Mapping[str, Any], family: int) -> list[Address]:
    """The interface's internet addresses in ``family``, in a stable order."""
    found: list[Address] = []
    if family == 4:
        privates = list(eni.get("PrivateIpAddresses") or [])
        top = eni.get("Association") or {}
        # The top-level Association is the primary address's; AWS repeats it per address,
        # some emulators (moto) only at the top.
        if top.get("PublicIp") and not any(
            (p.get("Association") or {}).get("PublicIp") == top["PublicIp"] for p in privates
        ):
            privates.append({"PrivateIpAddress": eni.get("PrivateIpAddress"), "Association": top})
        for item in privates:
            assoc = item.get("Association") or {}
            public = assoc.get("PublicIp")
            if not public:
                continue
            private = str(item.get("PrivateIpAddress", ""))
            how = assoc.get("AllocationId") or (
                "Elastic IP" if assoc.get("IpOwnerId") not in (None, "amazon") else "public IP"
            )
            found.append(Address(str(public), private, f"{public} -> {private} ({how})"))
    else:
        for item in eni.get("Ipv6Addresses") or []:
            address = item.get("Ipv6Address")
            try:
                version, value = iv.address_int(str(address))
            except ValueError:
                continue
            if version == 6 and _GLOBAL_V6[0] <= value <= _GLOBAL_V6[1]:
                found.append(Address(str(address), str(address), f"{address} (IPv6)"))
    return sorted(found, key=lambda a: (a.public, a.private))


def _tag(item: Mapping[str, Any], key: str) -> str:
    for tag in item.get("TagSet", item.get("Tags", [])) or []:
        if tag.get("Key") == key:
            return str(tag.get("Value", ""))
    return ""


_NAT = re.compile(r"(nat-[0-9a-f]+)")
_ELB = re.compile(r"^ELB (?:(?:app|net|gwy)/)?([^/]+)")
_LAMBDA = re.compile(r"^AWS Lambda VPC ENI-(.+?)(?:-[0-9a-f]{8}-[0-9a-f-]{27})?$")


def attachment(eni: Mapping[str, Any], world: RegionWorld) -> Attachment:
    """What the interface belongs to, from its type, attachment, requester and description."""
    kind = str(eni.get("InterfaceType") or "interface")
    description = str(eni.get("Description") or "")
    requester = str(eni.get("RequesterId") or "")
    attach = eni.get("Attachment") or {}
    name = _tag(eni, "Name")
    eni_id = str(eni.get("NetworkInterfaceId", ""))
    if kind == "nat_gateway" or description.startswith("Interface for NAT Gateway"):
        match = _NAT.search(description)
        nat_id = match.group(1) if match else eni_id
        nat = world.nat_gateways.get(nat_id) or {}
        return Attachment("nat-gateway", nat_id, _tag(nat, "Name") or name)
    if kind in ("network_load_balancer", "gateway_load_balancer") or description.startswith("ELB "):
        match = _ELB.match(description)
        lb = match.group(1) if match else eni_id
        return Attachment("load-balancer", lb, name or lb)
    if kind == "lambda" or description.startswith("AWS Lambda VPC ENI"):
        match = _LAMBDA.match(description)
        function = match.group(1) if match else eni_id
        return Attachment("lambda", function, name or function)
    if kind in ("vpc_endpoint", "gateway_load_balancer_endpoint") or "VPC Endpoint" in description:
        return Attachment("vpc-endpoint", eni_id, name or description)
    if "RDS" in description or requester.endswith("rds") or "amazon-rds" in requester:
        return Attachment("rds", eni_id, name or description)
    if attach.get("InstanceId"):
        return Attachment("instance", str(attach["InstanceId"]), name)
    return Attachment("other", eni_id, name or description)
