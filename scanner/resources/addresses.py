"""Elastic IP addresses and network interfaces: where public addresses live."""

from __future__ import annotations

from scanner.resources.base import (
    Answers,
    Collector,
    DriftSeverity,
    Fields,
    Item,
    Projection,
    ResourceType,
    Revert,
    Step,
    always,
    call,
    manual,
)
from scanner.resources.shapes import api_tags, ec2_arn, pick, pick_present, tags

ADDRESS_EVENTS = frozenset({"AssociateAddress", "DisassociateAddress"})


def _project_eip(i: Fields) -> Item:
    return {
        **pick(i, "PublicIp", "Domain", "InstanceId", "NetworkInterfaceId", "PrivateIpAddress"),
        "tags": tags(i),
    }


def _unproject_eip(rid: str, f: Fields, account: str) -> Item:
    out = {
        **pick_present(
            f, "PublicIp", "Domain", "InstanceId", "NetworkInterfaceId", "PrivateIpAddress"
        ),
        "AllocationId": rid,
        "Tags": api_tags(f),
    }
    if f.get("InstanceId") or f.get("NetworkInterfaceId"):
        out["AssociationId"] = f"eipassoc-{rid}"
    return out


def _release(rid: str, account: str, after: Fields) -> list[Step]:
    first = []
    if after.get("InstanceId") or after.get("NetworkInterfaceId"):
        first.append(manual("Disassociate the address first (aws ec2 disassociate-address)"))
    return [
        *first,
        call("Release the unapproved Elastic IP", "ec2", "ReleaseAddress", {"AllocationId": rid}),
    ]


ELASTIC_IP = ResourceType(
    collector=Collector("aws.elastic-ip", "ec2", "describe_addresses", "Addresses", "AllocationId"),
    arn=ec2_arn("elastic-ip"),
    projection=Projection(_project_eip),
    unproject=_unproject_eip,
    # A new address is reachable from the internet as soon as it is associated.
    severity=DriftSeverity(removal="path", exposes=always),
    revert=Revert(delete_added=_release),
    events=frozenset({"AllocateAddress", "ReleaseAddress", *ADDRESS_EVENTS}),
    answers=Answers(describe=True, id_params={"PublicIps": "PublicIp"}),
    exposure_role="address",
    asff_type="AwsEc2Eip",
)


def _project_eni(i: Fields) -> Item:
    return {
        **pick(i, "VpcId", "SubnetId", "Description", "InterfaceType", "SourceDestCheck"),
        "security_groups": sorted(g["GroupId"] for g in i.get("Groups", [])),
        "private_ips": sorted(p["PrivateIpAddress"] for p in i.get("PrivateIpAddresses", [])),
        "public_ip": (i.get("Association") or {}).get("PublicIp"),
        # What the interface belongs to, so that review can name the instance a change
        # exposes ("i-0abc (web-1)"), not only the interface (type, description and the
        # Name tag are above).
        "instance": (i.get("Attachment") or {}).get("InstanceId"),
        "tags": tags({"Tags": i.get("TagSet") or i.get("Tags") or []}),
    }


def _unproject_eni(rid: str, f: Fields, account: str) -> Item:
    out = {
        **pick_present(f, "VpcId", "SubnetId", "Description", "InterfaceType", "SourceDestCheck"),
        "NetworkInterfaceId": rid,
        "OwnerId": account,
        "Status": "in-use",
        "Groups": [{"GroupId": g} for g in f.get("security_groups", [])],
        "PrivateIpAddresses": [{"PrivateIpAddress": p} for p in f.get("private_ips", [])],
        "TagSet": api_tags(f),
    }
    if f.get("private_ips"):
        # The baseline keeps no primary flag: the first address stands for it.
        out["PrivateIpAddress"] = f["private_ips"][0]
    if f.get("public_ip"):
        out["Association"] = {"PublicIp": f["public_ip"]}
    if f.get("instance"):
        out["Attachment"] = {"InstanceId": f["instance"], "Status": "attached"}
    return out


def _has_public_ip(fields: Fields) -> bool:
    return bool(fields.get("public_ip"))


NETWORK_INTERFACE = ResourceType(
    collector=Collector(
        "aws.eni",
        "ec2",
        "describe_network_interfaces",
        "NetworkInterfaces",
        "NetworkInterfaceId",
        1000,
    ),
    arn=ec2_arn("network-interface"),
    projection=Projection(_project_eni, later_fields=frozenset({"instance"})),
    unproject=_unproject_eni,
    severity=DriftSeverity(removal="other", exposes=_has_public_ip),
    revert=None,
    events=frozenset(
        {
            "CreateNetworkInterface",
            "DeleteNetworkInterface",
            "ModifyNetworkInterfaceAttribute",
            *ADDRESS_EVENTS,
        }
    ),
    answers=Answers(describe=True),
    exposure_role="endpoint",
    asff_type="AwsEc2NetworkInterface",
    absent={
        "revert": "an interface belongs to whatever created it (instance, endpoint, load "
        "balancer): a person reviews it",
    },
)

TYPES = (ELASTIC_IP, NETWORK_INTERFACE)
