"""Baseline entries (the flattened rules, routes and ACL entries of ``baseline.projection``)
back in the EC2 API's request shapes (pure).

Both directions back to the API need them: the revert actions of drift
(``remediate.drift_plan``) and the Describe-shaped items a proposed baseline is judged as
(``baseline.unproject``); one module keeps the two equal.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scanner.protocols import protocol_number

Fields = Mapping[str, Any]


def ip_permission(rule: Fields) -> dict[str, Any]:
    """A flattened baseline rule back in the API's IpPermissions shape."""
    perm: dict[str, Any] = {"IpProtocol": rule["protocol"]}
    if "from_port" in rule:
        perm["FromPort"], perm["ToPort"] = rule["from_port"], rule["to_port"]
    described = {"Description": rule["description"]} if rule.get("description") else {}
    if "cidr" in rule:
        perm["IpRanges"] = [{"CidrIp": rule["cidr"], **described}]
    elif "ipv6_cidr" in rule:
        perm["Ipv6Ranges"] = [{"CidrIpv6": rule["ipv6_cidr"], **described}]
    elif "prefix_list" in rule:
        perm["PrefixListIds"] = [{"PrefixListId": rule["prefix_list"], **described}]
    elif "group" in rule:
        pair = {"GroupId": rule["group"], **described}
        if rule.get("group_owner"):
            pair["UserId"] = rule["group_owner"]
        perm["UserIdGroupPairs"] = [pair]
    return perm


def route_target_param(route: Fields) -> dict[str, str]:
    """The CreateRoute parameter that names a baseline route's target, by its id prefix."""
    target = str(route["target"])
    prefixes = {
        "igw-": "GatewayId",
        "vgw-": "GatewayId",
        "nat-": "NatGatewayId",
        "pcx-": "VpcPeeringConnectionId",
        "tgw-": "TransitGatewayId",
        "eni-": "NetworkInterfaceId",
        "i-": "InstanceId",
        "eigw-": "EgressOnlyInternetGatewayId",
        "vpce-": "VpcEndpointId",
    }
    for prefix, param in prefixes.items():
        if target.startswith(prefix):
            return {param: target}
    return {"GatewayId": target}


def route_destination(route: Fields) -> dict[str, str]:
    """The route-table API parameter that names a baseline route's destination."""
    dest = str(route["destination"])
    if dest.startswith("pl-"):
        return {"DestinationPrefixListId": dest}
    if ":" in dest:
        return {"DestinationIpv6CidrBlock": dest}
    return {"DestinationCidrBlock": dest}


def nacl_entry_params(acl_id: str, entry: Fields, egress: bool) -> dict[str, Any]:
    """A baseline ACL entry as the parameters of Create/ReplaceNetworkAclEntry."""
    params: dict[str, Any] = {
        "NetworkAclId": acl_id,
        "RuleNumber": entry["rule_number"],
        "Protocol": protocol_number(str(entry["protocol"])),
        "RuleAction": entry["action"],
        "Egress": egress,
    }
    if "cidr" in entry:
        params["CidrBlock"] = entry["cidr"]
    if "ipv6_cidr" in entry:
        params["Ipv6CidrBlock"] = entry["ipv6_cidr"]
    if "from_port" in entry:
        params["PortRange"] = {"From": entry["from_port"], "To": entry["to_port"]}
    if "icmp" in entry:
        params["IcmpTypeCode"] = dict(entry["icmp"])
    return params
