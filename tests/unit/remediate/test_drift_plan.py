"""The revert plan of a drift, on literal deltas: the calls each type's revert facet
declares, and the manual steps where no call can put the resource back."""

from __future__ import annotations

from typing import Any

from scanner.drift.changes import Change
from scanner.drift.engine import Delta
from scanner.model import Location
from scanner.remediate.drift_plan import revert_actions

ACCOUNT = "111111111111"
HERE = Location("baselines/111111111111/eu-west-1.yaml", 7)
SSH = {"protocol": "tcp", "from_port": 22, "to_port": 22, "cidr": "0.0.0.0/0"}
SSH_PERMISSION = {
    "IpProtocol": "tcp",
    "FromPort": 22,
    "ToPort": 22,
    "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
}


def delta(
    change: str,
    rtype: str = "aws.security-group",
    rid: str = "sg-1",
    changes: tuple[Change, ...] = (),
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> Delta:
    return Delta(ACCOUNT, "eu-west-1", rtype, rid, change, "high", changes, HERE, before, after)


def calls(actions: tuple[Any, ...]) -> list[tuple[str, str, dict[str, Any]] | str]:
    """Each action as (service, operation, params), or its description when manual."""
    return [
        (a.api.service, a.api.operation, a.api.params) if a.api else a.description for a in actions
    ]


def test_an_added_group_is_deleted_with_its_cli_line() -> None:
    (action,) = revert_actions(delta("added", after={"GroupName": "x"}))
    assert calls((action,)) == [("ec2", "DeleteSecurityGroup", {"GroupId": "sg-1"})]
    assert action.cli == "aws ec2 delete-security-group --region eu-west-1 --group-id sg-1"
    assert action.description == "Delete the unapproved security group"


def test_an_added_type_without_a_delete_is_a_manual_review() -> None:
    (action,) = revert_actions(delta("added", "aws.vpc", "vpc-9", after={}))
    assert action.api is None and action.cli == ""
    assert action.description == (
        "Review the new aws.vpc vpc-9; delete it or accept it into the baseline "
        "(netwarden baseline accept --resource vpc-9)"
    )


def test_a_removed_type_without_a_restore_points_at_its_baseline_entry() -> None:
    (action,) = revert_actions(delta("removed", "aws.vpc", "vpc-9", before={}))
    assert action.api is None
    assert action.description == (
        "Re-create aws.vpc vpc-9 as the baseline describes it "
        "(baselines/111111111111/eu-west-1.yaml:7), or accept its removal into the baseline"
    )


def test_each_rule_change_is_undone_by_its_own_call() -> None:
    described = {**SSH, "description": "office"}
    changes = (
        Change(("ingress",), "added", None, SSH, element=True),
        Change(("egress",), "removed", SSH, None, element=True),
        Change(("ingress",), "changed", described, {**SSH, "description": "x"}, element=True),
    )
    assert calls(revert_actions(delta("modified", changes=changes))) == [
        (
            "ec2",
            "RevokeSecurityGroupIngress",
            {"GroupId": "sg-1", "IpPermissions": [SSH_PERMISSION]},
        ),
        (
            "ec2",
            "AuthorizeSecurityGroupEgress",
            {"GroupId": "sg-1", "IpPermissions": [SSH_PERMISSION]},
        ),
        (
            "ec2",
            "UpdateSecurityGroupRuleDescriptionsIngress",
            {
                "GroupId": "sg-1",
                "IpPermissions": [
                    {
                        **SSH_PERMISSION,
                        "IpRanges": [{"CidrIp": "0.0.0.0/0", "Description": "office"}],
                    }
                ],
            },
        ),
    ]


def test_what_no_handler_covers_is_one_manual_step_naming_each_field_once() -> None:
    changes = (
        Change(("ingress",), "added", None, SSH, element=True),
        Change(("GroupName",), "changed", "net", "someone"),
        Change(("Description",), "changed", "a", "b"),
        Change(("GroupName",), "changed", "net", "someone"),
    )
    actions = revert_actions(delta("modified", changes=changes))
    assert calls(actions) == [
        (
            "ec2",
            "RevokeSecurityGroupIngress",
            {"GroupId": "sg-1", "IpPermissions": [SSH_PERMISSION]},
        ),
        "Restore Description, GroupName to the baseline values "
        "(baselines/111111111111/eu-west-1.yaml:7)",
    ]


def test_a_field_change_on_a_list_with_a_handler_is_still_manual() -> None:
    # The handler undoes one element; replacing the whole list is not its job.
    change = Change(("ingress",), "changed", [SSH], [], element=False)
    (action,) = revert_actions(delta("modified", changes=(change,)))
    assert action.api is None and "ingress" in action.description


def test_a_type_without_a_revert_facet_is_manual_for_every_change() -> None:
    change = Change(("CidrBlock",), "changed", "10.0.0.0/16", "10.1.0.0/16")
    (action,) = revert_actions(delta("modified", "aws.vpc", "vpc-9", changes=(change,)))
    assert action.description.startswith("Restore CidrBlock to the baseline values")


def test_a_removed_flow_log_is_re_created_with_its_baseline_settings() -> None:
    before = {
        "ResourceId": "subnet-1",
        "TrafficType": "REJECT",
        "LogDestinationType": "s3",
        "LogDestination": "arn:aws:s3:::flow-logs",
        "tags": {"team": "net"},
    }
    (action,) = revert_actions(delta("removed", "aws.flow-log", "fl-1", before=before))
    assert calls((action,)) == [
        (
            "ec2",
            "CreateFlowLogs",
            {
                "ResourceIds": ["subnet-1"],
                "ResourceType": "Subnet",
                "TrafficType": "REJECT",
                "LogDestinationType": "s3",
                "LogDestination": "arn:aws:s3:::flow-logs",
                "TagSpecifications": [
                    {"ResourceType": "vpc-flow-log", "Tags": [{"Key": "team", "Value": "net"}]}
                ],
            },
        )
    ]
    assert action.cli.startswith("aws ec2 create-flow-logs --region eu-west-1 ")
