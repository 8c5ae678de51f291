"""Network ACLs: entries kept in rule-number order, one list per direction."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scanner.ec2params import nacl_entry_params
from scanner.resources.base import (
    Answers,
    ChangeView,
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
from scanner.resources.shapes import api_tags, ec2_arn, opens_to_world, pick, pick_present, tags


def entry_key(entry: Mapping[str, Any]) -> tuple[Any, ...]:
    return (int(entry["rule_number"]),)


def entries(acl: Mapping[str, Any], egress: bool) -> list[Item]:
    out_entries = []
    for entry in acl.get("Entries", []):
        if bool(entry.get("Egress")) != egress:
            continue
        protocol = str(entry.get("Protocol", "-1"))
        out: Item = {
            "rule_number": int(entry["RuleNumber"]),
            "action": entry.get("RuleAction"),
            "protocol": protocol,
        }
        if entry.get("CidrBlock"):
            out["cidr"] = entry["CidrBlock"]
        if entry.get("Ipv6CidrBlock"):
            out["ipv6_cidr"] = entry["Ipv6CidrBlock"]
        port_range = entry.get("PortRange")
        if port_range and protocol not in ("-1",):
            out["from_port"] = int(port_range.get("From", 0))
            out["to_port"] = int(port_range.get("To", 65535))
        if entry.get("IcmpTypeCode"):
            out["icmp"] = {k: entry["IcmpTypeCode"][k] for k in sorted(entry["IcmpTypeCode"])}
        out_entries.append(out)
    return sorted(out_entries, key=entry_key)


def _project(i: Fields) -> Item:
    return {
        **pick(i, "VpcId", "IsDefault"),
        "ingress": entries(i, egress=False),
        "egress": entries(i, egress=True),
        "subnets": sorted(a["SubnetId"] for a in i.get("Associations", []) if a.get("SubnetId")),
        "tags": tags(i),
    }


def _unproject(rid: str, f: Fields, account: str) -> Item:
    api_entries = []
    for egress, key in ((False, "ingress"), (True, "egress")):
        for entry in f.get(key, []):
            params = nacl_entry_params(rid, entry, egress)
            params.pop("NetworkAclId")
            api_entries.append(params)
    return {
        **pick_present(f, "VpcId", "IsDefault"),
        "NetworkAclId": rid,
        "OwnerId": account,
        "Entries": api_entries,
        "Associations": [{"NetworkAclId": rid, "SubnetId": s} for s in f.get("subnets", [])],
        "Tags": api_tags(f),
    }


def _revert_entry(acl_id: str, change: ChangeView) -> list[Step]:
    egress = change.path[0] == "egress"
    if change.change == "added":
        return [
            call(
                "Delete the unapproved ACL entry",
                "ec2",
                "DeleteNetworkAclEntry",
                {
                    "NetworkAclId": acl_id,
                    "RuleNumber": change.new["rule_number"],
                    "Egress": egress,
                },
            )
        ]
    operation = "CreateNetworkAclEntry" if change.change == "removed" else "ReplaceNetworkAclEntry"
    return [
        call(
            "Restore the baseline ACL entry",
            "ec2",
            operation,
            nacl_entry_params(acl_id, change.old, egress),
        )
    ]


def _delete(rid: str, account: str, after: Fields) -> list[Step]:
    return [
        call("Delete the unapproved network ACL", "ec2", "DeleteNetworkAcl", {"NetworkAclId": rid})
    ]


def _exposes(fields: Fields) -> bool:
    return any(opens_to_world(e) for e in fields.get("ingress", []))


NETWORK_ACL = ResourceType(
    collector=Collector(
        "aws.network-acl", "ec2", "describe_network_acls", "NetworkAcls", "NetworkAclId", 100
    ),
    arn=ec2_arn("network-acl"),
    projection=Projection(_project, keyed_lists={"ingress": entry_key, "egress": entry_key}),
    unproject=_unproject,
    severity=DriftSeverity(removal="other", exposes=_exposes),
    revert=Revert(
        delete_added=_delete, changes={"ingress": _revert_entry, "egress": _revert_entry}
    ),
    events=frozenset(
        {
            "CreateNetworkAclEntry",
            "ReplaceNetworkAclEntry",
            "DeleteNetworkAclEntry",
            "CreateNetworkAcl",
            "DeleteNetworkAcl",
            "ReplaceNetworkAclAssociation",
        }
    ),
    answers=Answers(describe=True),
    exposure_role="path",
    asff_type="AwsEc2NetworkAcl",
)

TYPES = (NETWORK_ACL,)
