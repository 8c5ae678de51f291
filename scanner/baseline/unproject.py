"""Baseline entries back in the shape the Describe APIs return, so the rule pack can judge a
proposed baseline before it is merged (``review``). The inverse of ``projection`` for the
fields the policies read; what a baseline does not keep (timestamps, states) is filled with
the live network's value (available, attached, active)."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from scanner import __version__
from scanner.baseline.projection import ALARM_FIELDS
from scanner.baseline.store import RegionBaseline
from scanner.collect.collectors import COLLECTORS
from scanner.ec2params import (
    ip_permission,
    nacl_entry_params,
    route_destination,
    route_target_param,
)

Fields = Mapping[str, Any]
Item = dict[str, Any]


def _tags(fields: Fields) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in (fields.get("tags") or {}).items()]


def _pick(fields: Fields, *keys: str) -> Item:
    return {k: fields[k] for k in keys if k in fields}


def _permissions(rules: list[Fields]) -> list[Item]:
    return [ip_permission(rule) for rule in rules]


def _security_group(rid: str, f: Fields, account: str) -> Item:
    return {
        **_pick(f, "GroupName", "Description", "VpcId"),
        "GroupId": rid,
        "OwnerId": account,
        "IpPermissions": _permissions(f.get("ingress", [])),
        "IpPermissionsEgress": _permissions(f.get("egress", [])),
        "Tags": _tags(f),
    }


def _nacl(rid: str, f: Fields, account: str) -> Item:
    entries = []
    for egress, key in ((False, "ingress"), (True, "egress")):
        for entry in f.get(key, []):
            params = nacl_entry_params(rid, entry, egress)
            params.pop("NetworkAclId")
            entries.append(params)
    return {
        **_pick(f, "VpcId", "IsDefault"),
        "NetworkAclId": rid,
        "OwnerId": account,
        "Entries": entries,
        "Associations": [{"NetworkAclId": rid, "SubnetId": s} for s in f.get("subnets", [])],
        "Tags": _tags(f),
    }


def _route_table(rid: str, f: Fields, account: str) -> Item:
    routes = [
        {**route_destination(r), **route_target_param(r), "State": "active"}
        for r in f.get("routes", [])
    ]
    associations = []
    for name in f.get("associations", []):
        if name == "main":
            associations.append({"Main": True, "RouteTableId": rid})
        else:
            key = "SubnetId" if str(name).startswith("subnet-") else "GatewayId"
            associations.append({"Main": False, "RouteTableId": rid, key: name})
    return {
        **_pick(f, "VpcId"),
        "RouteTableId": rid,
        "OwnerId": account,
        "Routes": routes,
        "Associations": associations,
        "Tags": _tags(f),
    }


def _vpc(rid: str, f: Fields, account: str) -> Item:
    return {
        **_pick(f, "CidrBlock", "IsDefault", "InstanceTenancy", "DhcpOptionsId"),
        "VpcId": rid,
        "OwnerId": account,
        "State": "available",
        "Tags": _tags(f),
        "CidrBlockAssociationSet": [
            {"CidrBlock": c, "CidrBlockState": {"State": "associated"}} for c in f.get("cidrs", [])
        ],
        "Ipv6CidrBlockAssociationSet": _ipv6(f),
    }


def _ipv6(f: Fields) -> list[Item]:
    return [
        {"Ipv6CidrBlock": c, "Ipv6CidrBlockState": {"State": "associated"}}
        for c in f.get("ipv6_cidrs", [])
    ]


def _subnet(rid: str, f: Fields, account: str) -> Item:
    return {
        **_pick(f, "VpcId", "CidrBlock", "AvailabilityZone", "MapPublicIpOnLaunch"),
        "SubnetId": rid,
        "Ipv6CidrBlockAssociationSet": _ipv6(f),
        "OwnerId": account,
        "State": "available",
        "Tags": _tags(f),
    }


def _gateway(id_key: str) -> Callable[[str, Fields, str], Item]:
    def build(rid: str, f: Fields, account: str) -> Item:
        return {
            id_key: rid,
            "OwnerId": account,
            "Tags": _tags(f),
            "Attachments": [{"VpcId": v, "State": "available"} for v in f.get("vpcs", [])],
        }

    return build


def _peering(rid: str, f: Fields, account: str) -> Item:
    def info(side: Fields) -> Item:
        cidrs = side.get("cidrs", [])
        out: Item = _pick(side, "OwnerId", "VpcId", "Region")
        if cidrs:
            out["CidrBlock"] = cidrs[0]
            out["CidrBlockSet"] = [{"CidrBlock": c} for c in cidrs]
        return out

    return {
        "VpcPeeringConnectionId": rid,
        "Tags": _tags(f),
        "RequesterVpcInfo": info(f.get("requester", {})),
        "AccepterVpcInfo": info(f.get("accepter", {})),
        "Status": {"Code": f.get("status", "active")},
    }


def _endpoint(rid: str, f: Fields, account: str) -> Item:
    policy = f.get("policy")
    return {
        **_pick(f, "VpcId", "ServiceName", "VpcEndpointType", "PrivateDnsEnabled"),
        "VpcEndpointId": rid,
        "OwnerId": account,
        "State": "available",
        "PolicyDocument": json.dumps(policy) if isinstance(policy, dict | list) else policy,
        "RouteTableIds": list(f.get("route_tables", [])),
        "SubnetIds": list(f.get("subnets", [])),
        "Groups": [{"GroupId": g} for g in f.get("security_groups", [])],
        "Tags": _tags(f),
    }


def _eip(rid: str, f: Fields, account: str) -> Item:
    out = {
        **_pick(f, "PublicIp", "Domain", "InstanceId", "NetworkInterfaceId", "PrivateIpAddress"),
        "AllocationId": rid,
        "Tags": _tags(f),
    }
    if f.get("InstanceId") or f.get("NetworkInterfaceId"):
        out["AssociationId"] = f"eipassoc-{rid}"
    return out


def _eni(rid: str, f: Fields, account: str) -> Item:
    out = {
        **_pick(f, "VpcId", "SubnetId", "Description", "InterfaceType", "SourceDestCheck"),
        "NetworkInterfaceId": rid,
        "OwnerId": account,
        "Status": "in-use",
        "Groups": [{"GroupId": g} for g in f.get("security_groups", [])],
        "PrivateIpAddresses": [{"PrivateIpAddress": p} for p in f.get("private_ips", [])],
        "TagSet": _tags(f),
    }
    if f.get("public_ip"):
        out["Association"] = {"PublicIp": f["public_ip"]}
    return out


def _nat(rid: str, f: Fields, account: str) -> Item:
    return {
        **_pick(f, "VpcId", "SubnetId", "ConnectivityType"),
        "NatGatewayId": rid,
        "State": "available",
        "Tags": _tags(f),
        "NatGatewayAddresses": [dict(a) for a in f.get("addresses", [])],
    }


def _flow_log(rid: str, f: Fields, account: str) -> Item:
    return {
        **{k: v for k, v in f.items() if k != "tags"},
        "FlowLogId": rid,
        "FlowLogStatus": "ACTIVE",
        "Tags": _tags(f),
    }


def _alarm(rid: str, f: Fields, account: str) -> Item:
    return {
        **_pick(f, *ALARM_FIELDS),
        "AlarmName": rid,
        "Dimensions": [{"Name": k, "Value": v} for k, v in f.get("dimensions", {}).items()],
        "AlarmActions": list(f.get("actions", [])),
    }


def _trail(rid: str, f: Fields, account: str) -> Item:
    return {
        **{k: v for k, v in f.items() if k != "logging"},
        "TrailARN": rid,
        "c7n:TrailStatus": {"IsLogging": bool(f.get("logging"))},
    }


def _recorder(rid: str, f: Fields, account: str) -> Item:
    return {
        **_pick(f, "roleARN", "recordingGroup"),
        "name": rid,
        "status": {"name": rid, "recording": bool(f.get("recording"))},
    }


def _detector(rid: str, f: Fields, account: str) -> Item:
    return {**dict(f), "DetectorId": rid}


UNPROJECT: dict[str, Callable[[str, Fields, str], Item]] = {
    "aws.security-group": _security_group,
    "aws.network-acl": _nacl,
    "aws.route-table": _route_table,
    "aws.vpc": _vpc,
    "aws.subnet": _subnet,
    "aws.internet-gateway": _gateway("InternetGatewayId"),
    "aws.egress-only-internet-gateway": _gateway("EgressOnlyInternetGatewayId"),
    "aws.peering-connection": _peering,
    "aws.vpc-endpoint": _endpoint,
    "aws.elastic-ip": _eip,
    "aws.eni": _eni,
    "aws.nat-gateway": _nat,
    "aws.flow-log": _flow_log,
    "aws.alarm": _alarm,
    "aws.cloudtrail": _trail,
    "aws.config-recorder": _recorder,
    "aws.guardduty-detector": _detector,
}


def snapshot_of(baselines: Mapping[tuple[str, str], RegionBaseline]) -> dict[str, Any]:
    """A snapshot holding the baselines' state, for evaluating the rule pack on it. Types
    without an inverse are left out, and types the baseline has no section for are recorded
    as not read (the policies that need them are not judged)."""
    accounts: dict[str, Any] = {}
    for (account, region), baseline in sorted(baselines.items()):
        resources = {}
        for rtype, entries in baseline.resources.items():
            build = UNPROJECT.get(rtype)
            if build is None:
                continue
            key = COLLECTORS.get(rtype).id_key
            resources[rtype] = [
                {**build(rid, fields, account), key: rid} for rid, fields in sorted(entries.items())
            ]
        # What the baseline does not describe was not judged: say so, as a coverage gap.
        errors = [
            {
                "type": rtype,
                "code": "NotInBaseline",
                "message": "the baseline has no section for this type",
            }
            for rtype in sorted(set(COLLECTORS) - set(baseline.resources))
        ]
        regions = accounts.setdefault(account, {"regions": {}})["regions"]
        regions[region] = {"resources": resources, "errors": errors}
    return {
        "schema": "netwarden/snapshot/v1",
        "collected_at": "",
        "tool_version": __version__,
        "accounts": accounts,
        "stats": {"api_calls": 0, "duration_s": 0},
    }
