"""Security groups: rules flattened to one entry per (protocol, ports, source)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scanner.ec2params import ip_permission
from scanner.resources.base import (
    Answers,
    ChangeView,
    Collector,
    DriftSeverity,
    Fields,
    Item,
    KeyFunc,
    Projection,
    ResourceType,
    Revert,
    Step,
    call,
)
from scanner.resources.shapes import api_tags, ec2_arn, opens_to_world, pick, pick_present, tags

SOURCE_KINDS = ("cidr", "ipv6_cidr", "prefix_list", "group")


def _ports(entry: Mapping[str, Any], protocol: str) -> Item:
    if protocol == "-1" or entry.get("FromPort") is None:
        return {}
    return {"from_port": int(entry["FromPort"]), "to_port": int(entry["ToPort"])}


def rule_key(rule: Mapping[str, Any]) -> tuple[Any, ...]:
    """A security-group rule's identity: everything but its description."""
    kind = next((k for k in SOURCE_KINDS if k in rule), "")
    return (
        str(rule.get("protocol")),
        rule.get("from_port", -1),
        rule.get("to_port", -1),
        kind,
        str(rule.get(kind, "")),
        str(rule.get("group_owner", "")),
    )


# Where each source kind's entries are in an IpPermission, and the field that holds the source.
_SOURCES = (
    ("cidr", "IpRanges", "CidrIp"),
    ("ipv6_cidr", "Ipv6Ranges", "CidrIpv6"),
    ("prefix_list", "PrefixListIds", "PrefixListId"),
    ("group", "UserIdGroupPairs", "GroupId"),
)


def sg_rules(permissions: list[Mapping[str, Any]], own_account: str | None) -> list[Item]:
    """One entry per (protocol, ports, source): the unit a person authorizes or revokes."""
    # Keyed by rule_key, computed from the parts as they are made rather than by calling it
    # on each rule (a scan projects every rule of every group: 100k resources, ~0.4 s CPU).
    unique: dict[tuple[Any, ...], Item] = {}
    for perm in permissions or []:
        protocol = str(perm.get("IpProtocol", "-1"))
        ports = _ports(perm, protocol)
        base = {"protocol": protocol, **ports}
        from_port, to_port = ports.get("from_port", -1), ports.get("to_port", -1)
        # Every source field is read before any rule is made, as AWS's shape requires.
        sources = [
            (kind, source[field], source)
            for kind, ranges, field in _SOURCES
            for source in perm.get(ranges, [])
        ]
        for kind, value, source in sources:
            rule = {**base, kind: value}
            owner = source.get("UserId")
            if kind == "group" and owner and owner != own_account:
                rule["group_owner"] = owner
            if source.get("Description"):
                rule["description"] = source["Description"]
            key = (protocol, from_port, to_port, kind, str(value), str(rule.get("group_owner", "")))
            unique[key] = rule
    # A rule is a set member: AWS refuses a duplicate (InvalidPermission.Duplicate).
    return [unique[key] for key in sorted(unique)]


def _project(i: Fields) -> Item:
    return {
        **pick(i, "GroupName", "Description", "VpcId"),
        "ingress": sg_rules(i.get("IpPermissions", []), i.get("OwnerId")),
        "egress": sg_rules(i.get("IpPermissionsEgress", []), i.get("OwnerId")),
        "tags": tags(i),
    }


def _unproject(rid: str, f: Fields, account: str) -> Item:
    return {
        **pick_present(f, "GroupName", "Description", "VpcId"),
        "GroupId": rid,
        "OwnerId": account,
        "IpPermissions": [ip_permission(rule) for rule in f.get("ingress", [])],
        "IpPermissionsEgress": [ip_permission(rule) for rule in f.get("egress", [])],
        "Tags": api_tags(f),
    }


def _revert_rule(gid: str, change: ChangeView) -> list[Step]:
    direction = "Ingress" if change.path[0] == "ingress" else "Egress"
    if change.change == "added":
        return [
            call(
                f"Revoke the unapproved {direction.lower()} rule",
                "ec2",
                f"RevokeSecurityGroup{direction}",
                {"GroupId": gid, "IpPermissions": [ip_permission(change.new)]},
            )
        ]
    if change.change == "removed":
        return [
            call(
                f"Re-authorize the baseline {direction.lower()} rule",
                "ec2",
                f"AuthorizeSecurityGroup{direction}",
                {"GroupId": gid, "IpPermissions": [ip_permission(change.old)]},
            )
        ]
    return [
        call(
            f"Restore the baseline description of the {direction.lower()} rule",
            "ec2",
            f"UpdateSecurityGroupRuleDescriptions{direction}",
            {"GroupId": gid, "IpPermissions": [ip_permission(change.old)]},
        )
    ]


def _delete(rid: str, account: str, after: Fields) -> list[Step]:
    return [
        call("Delete the unapproved security group", "ec2", "DeleteSecurityGroup", {"GroupId": rid})
    ]


def _exposes(fields: Fields) -> bool:
    return any(opens_to_world(r) for r in fields.get("ingress", []))


RULE_LISTS: Mapping[str, KeyFunc] = {"ingress": rule_key, "egress": rule_key}

SECURITY_GROUP = ResourceType(
    collector=Collector(
        "aws.security-group",
        "ec2",
        "describe_security_groups",
        "SecurityGroups",
        "GroupId",
        1000,
    ),
    arn=ec2_arn("security-group"),
    projection=Projection(_project, keyed_lists=RULE_LISTS),
    unproject=_unproject,
    severity=DriftSeverity(removal="path", exposes=_exposes),
    revert=Revert(delete_added=_delete, changes={"ingress": _revert_rule, "egress": _revert_rule}),
    events=frozenset(
        {
            "AuthorizeSecurityGroupIngress",
            "AuthorizeSecurityGroupEgress",
            "RevokeSecurityGroupIngress",
            "RevokeSecurityGroupEgress",
            "ModifySecurityGroupRules",
            "UpdateSecurityGroupRuleDescriptionsIngress",
            "UpdateSecurityGroupRuleDescriptionsEgress",
            "CreateSecurityGroup",
            "DeleteSecurityGroup",
        }
    ),
    answers=Answers(describe=True, id_params={"GroupNames": "GroupName"}),
    exposure_role="path",
    asff_type="AwsEc2SecurityGroup",
)

TYPES = (SECURITY_GROUP,)
