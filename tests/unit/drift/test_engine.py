"""The drift engine on literal data: no moto, no files."""

from __future__ import annotations

from typing import Any

from scanner.baseline import store
from scanner.baseline.projection import project
from scanner.drift.engine import diff_region

SG = {
    "GroupId": "sg-1",
    "GroupName": "web",
    "Description": "web tier",
    "VpcId": "vpc-1",
    "OwnerId": "111111111111",
    "IpPermissions": [
        {
            "IpProtocol": "tcp",
            "FromPort": 443,
            "ToPort": 443,
            "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
            "Ipv6Ranges": [{"CidrIpv6": "::/0"}],
        },
        {"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
    ],
    "IpPermissionsEgress": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}],
    "Tags": [{"Key": "Name", "Value": "web"}],
}


def baseline_of(resources: dict[str, Any]) -> store.RegionBaseline:
    text = store.render("111111111111", "us-east-1", resources)
    return store.parse(text, "baselines/111111111111/us-east-1.yaml", "111111111111", "us-east-1")


def sg(**changes: Any) -> dict[str, Any]:
    return {**SG, **changes}


def test_same_state_in_another_order_is_no_drift() -> None:
    reordered = sg(IpPermissions=list(reversed(SG["IpPermissions"])))
    baseline = baseline_of({"aws.security-group": {"sg-1": project("aws.security-group", SG)}})
    live = {"aws.security-group": {"sg-1": project("aws.security-group", reordered)}}
    assert diff_region("111111111111", "us-east-1", baseline, live) == []


def test_ssh_from_the_world_is_one_high_rule_level_delta() -> None:
    opened = sg(
        IpPermissions=[
            *SG["IpPermissions"],
            {
                "IpProtocol": "tcp",
                "FromPort": 22,
                "ToPort": 22,
                "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
            },
        ]
    )
    baseline = baseline_of({"aws.security-group": {"sg-1": project("aws.security-group", SG)}})
    live = {"aws.security-group": {"sg-1": project("aws.security-group", opened)}}
    [delta] = diff_region("111111111111", "us-east-1", baseline, live)
    assert delta.change == "modified"
    assert delta.severity == "high"
    assert [c.to_dict() for c in delta.changes] == [
        {
            "field": "ingress",
            "change": "added",
            "element": True,
            "new": {"protocol": "tcp", "from_port": 22, "to_port": 22, "cidr": "0.0.0.0/0"},
        }
    ]
    # Located at the resource's entry in the baseline file.
    assert delta.location.path == "baselines/111111111111/us-east-1.yaml"
    assert baseline.lines[("resources", "aws.security-group", "sg-1")] == delta.location.line


def test_revoking_a_rule_is_low() -> None:
    closed = sg(IpPermissions=SG["IpPermissions"][:1])
    baseline = baseline_of({"aws.security-group": {"sg-1": project("aws.security-group", SG)}})
    live = {"aws.security-group": {"sg-1": project("aws.security-group", closed)}}
    [delta] = diff_region("111111111111", "us-east-1", baseline, live)
    assert delta.severity == "low"
    assert delta.changes[0].change == "removed"
    assert delta.changes[0].old == {
        "protocol": "tcp",
        "from_port": 80,
        "to_port": 80,
        "cidr": "0.0.0.0/0",
    }


def test_private_source_rule_is_medium() -> None:
    added = sg(
        IpPermissions=[
            *SG["IpPermissions"],
            {
                "IpProtocol": "tcp",
                "FromPort": 5432,
                "ToPort": 5432,
                "UserIdGroupPairs": [{"GroupId": "sg-app", "UserId": "111111111111"}],
            },
        ]
    )
    baseline = baseline_of({"aws.security-group": {"sg-1": project("aws.security-group", SG)}})
    live = {"aws.security-group": {"sg-1": project("aws.security-group", added)}}
    [delta] = diff_region("111111111111", "us-east-1", baseline, live)
    assert delta.severity == "medium"
    assert delta.changes[0].new == {
        "protocol": "tcp",
        "from_port": 5432,
        "to_port": 5432,
        "group": "sg-app",
    }


ROUTE_TABLE = {
    "RouteTableId": "rtb-1",
    "VpcId": "vpc-1",
    "Routes": [
        {"DestinationCidrBlock": "10.0.0.0/16", "GatewayId": "local", "State": "active"},
        {"DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": "nat-1", "State": "active"},
    ],
    "Associations": [
        {
            "RouteTableAssociationId": "rtbassoc-1",
            "SubnetId": "subnet-1",
            "Main": False,
            "AssociationState": {"State": "associated"},
        }
    ],
}


def test_retargeting_a_default_route_to_an_igw_is_high() -> None:
    hijacked = {
        **ROUTE_TABLE,
        "Routes": [
            ROUTE_TABLE["Routes"][0],
            {"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "igw-9", "State": "active"},
        ],
    }
    baseline = baseline_of({"aws.route-table": {"rtb-1": project("aws.route-table", ROUTE_TABLE)}})
    live = {"aws.route-table": {"rtb-1": project("aws.route-table", hijacked)}}
    [delta] = diff_region("111111111111", "us-east-1", baseline, live)
    assert delta.severity == "high"
    [change] = delta.changes
    assert (change.change, change.old["target"], change.new["target"]) == (
        "modified",
        "nat-1",
        "igw-9",
    )


def test_route_state_churn_is_not_drift() -> None:
    blackholed = {
        **ROUTE_TABLE,
        "Routes": [{**r, "State": "blackhole"} for r in ROUTE_TABLE["Routes"]],
    }
    baseline = baseline_of({"aws.route-table": {"rtb-1": project("aws.route-table", ROUTE_TABLE)}})
    live = {"aws.route-table": {"rtb-1": project("aws.route-table", blackholed)}}
    assert diff_region("111111111111", "us-east-1", baseline, live) == []


FLOW_LOG = {
    "FlowLogId": "fl-1",
    "ResourceId": "vpc-1",
    "TrafficType": "ALL",
    "LogDestinationType": "s3",
    "LogDestination": "arn:aws:s3:::logs",
    "FlowLogStatus": "ACTIVE",
    "CreationTime": "2026-01-01T00:00:00+00:00",
}


def test_restored_flow_log_with_a_new_id_is_not_drift() -> None:
    baseline = baseline_of({"aws.flow-log": {"fl-1": project("aws.flow-log", FLOW_LOG)}})
    restored = {**FLOW_LOG, "FlowLogId": "fl-2", "CreationTime": "2026-02-02T00:00:00+00:00"}
    live = {"aws.flow-log": {"fl-2": project("aws.flow-log", restored)}}
    assert diff_region("111111111111", "us-east-1", baseline, live) == []


def test_deleted_flow_log_is_high() -> None:
    baseline = baseline_of({"aws.flow-log": {"fl-1": project("aws.flow-log", FLOW_LOG)}})
    [delta] = diff_region("111111111111", "us-east-1", baseline, {"aws.flow-log": {}})
    assert (delta.change, delta.severity, delta.resource_id) == ("removed", "high", "fl-1")


def test_a_type_that_was_not_read_is_not_reported_removed() -> None:
    baseline = baseline_of({"aws.flow-log": {"fl-1": project("aws.flow-log", FLOW_LOG)}})
    assert diff_region("111111111111", "us-east-1", baseline, {}) == []


def test_new_resource_is_located_at_its_type_section() -> None:
    baseline = baseline_of({"aws.security-group": {"sg-1": project("aws.security-group", SG)}})
    live = {
        "aws.security-group": {
            "sg-1": project("aws.security-group", SG),
            "sg-2": project("aws.security-group", sg(GroupId="sg-2", GroupName="new")),
        }
    }
    [delta] = diff_region("111111111111", "us-east-1", baseline, live)
    assert (delta.change, delta.resource_id, delta.severity) == ("added", "sg-2", "high")
    assert delta.location.line == baseline.lines[("resources", "aws.security-group")]


def test_nacl_entries_keep_rule_number_order_and_diff_by_number() -> None:
    acl = {
        "NetworkAclId": "acl-1",
        "VpcId": "vpc-1",
        "IsDefault": False,
        "Associations": [],
        "Entries": [
            {
                "RuleNumber": 200,
                "Protocol": "6",
                "RuleAction": "allow",
                "Egress": False,
                "CidrBlock": "10.0.0.0/8",
                "PortRange": {"From": 443, "To": 443},
            },
            {
                "RuleNumber": 100,
                "Protocol": "6",
                "RuleAction": "deny",
                "Egress": False,
                "CidrBlock": "0.0.0.0/0",
                "PortRange": {"From": 22, "To": 22},
            },
        ],
    }
    projected = project("aws.network-acl", acl)
    assert [e["rule_number"] for e in projected["ingress"]] == [100, 200]
    opened = {
        **acl,
        "Entries": [
            *acl["Entries"],
            {
                "RuleNumber": 150,
                "Protocol": "6",
                "RuleAction": "allow",
                "Egress": False,
                "CidrBlock": "0.0.0.0/0",
                "PortRange": {"From": 3389, "To": 3389},
            },
        ],
    }
    baseline = baseline_of({"aws.network-acl": {"acl-1": projected}})
    [delta] = diff_region(
        "111111111111",
        "us-east-1",
        baseline,
        {"aws.network-acl": {"acl-1": project("aws.network-acl", opened)}},
    )
    assert delta.severity == "high"
    assert delta.changes[0].new["rule_number"] == 150


def test_terminal_peering_is_not_part_of_the_network() -> None:
    live = store.project_snapshot(
        {
            "accounts": {
                "1": {
                    "regions": {
                        "r": {
                            "resources": {
                                "aws.peering-connection": [
                                    {
                                        "VpcPeeringConnectionId": "pcx-1",
                                        "Status": {"Code": "deleted"},
                                    },
                                    {
                                        "VpcPeeringConnectionId": "pcx-2",
                                        "Status": {"Code": "active"},
                                    },
                                ]
                            }
                        }
                    }
                }
            }
        }
    )
    assert list(live[("1", "r")]["aws.peering-connection"]) == ["pcx-2"]


def test_baseline_bytes_are_stable() -> None:
    resources = {"aws.security-group": {"sg-1": project("aws.security-group", SG)}}
    first = store.render("111111111111", "us-east-1", resources)
    again = store.render("111111111111", "us-east-1", baseline_of(resources).resources)
    assert first == again
    assert first.startswith("# netwarden baseline")
    assert "account: '111111111111'" in first


ENI = {
    "NetworkInterfaceId": "eni-1",
    "VpcId": "vpc-1",
    "SubnetId": "subnet-1",
    "InterfaceType": "interface",
    "Status": "in-use",
    "Groups": [{"GroupId": "sg-1"}],
    "PrivateIpAddresses": [{"PrivateIpAddress": "10.0.1.5"}],
    "Attachment": {"InstanceId": "i-1", "Status": "attached"},
    "TagSet": [{"Key": "Name", "Value": "web-1"}],
}


def test_a_baseline_that_predates_the_interfaces_instance_field_is_no_drift() -> None:
    """Baselines written before interfaces recorded their instance lack the field: its first
    appearance is not a change (no drift for every interface after an upgrade)."""
    old_entry = project("aws.eni", ENI)
    assert old_entry.pop("instance") == "i-1"
    baseline = baseline_of({"aws.eni": {"eni-1": old_entry}})
    live = {"aws.eni": {"eni-1": project("aws.eni", ENI)}}
    assert diff_region("111111111111", "us-east-1", baseline, live) == []


def test_an_interface_moved_to_another_instance_is_drift() -> None:
    baseline = baseline_of({"aws.eni": {"eni-1": project("aws.eni", ENI)}})
    moved = {**ENI, "Attachment": {"InstanceId": "i-2", "Status": "attached"}}
    live = {"aws.eni": {"eni-1": project("aws.eni", moved)}}
    [delta] = diff_region("111111111111", "us-east-1", baseline, live)
    assert [(c.path, c.old, c.new) for c in delta.changes] == [(("instance",), "i-1", "i-2")]
