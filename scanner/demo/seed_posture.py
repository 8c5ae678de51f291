"""The demo organisation's logging and detection: buckets, flow logs, trail, Config,
GuardDuty, the NAT gateway alarms and the alerts on network changes. Used by ``seed.py``;
each returns the ids it made."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from scanner.policy.changealerts import FAMILIES

ClientFactory = Callable[[str, str], Any]

ALARM_TOPIC = "netwarden-demo-network-alerts"
CHANGE_RULE = "netwarden-demo-network-changes"
# (alarm name suffix, metric, threshold): egress volume spikes (exfiltration, runaway jobs)
# and port allocation errors (the NAT gateway ran out of source ports).
NAT_ALARMS = (
    ("bytes-out", "BytesOutToDestination", 5 * 1024**3),
    ("port-allocation-errors", "ErrorPortAllocation", 0),
)


def make_bucket(make_client: ClientFactory, name: str, region: str) -> str:
    """Create a private S3 bucket in ``region`` and return its name."""
    s3 = make_client("s3", region)
    location = (
        {}
        if region == "us-east-1"
        else {"CreateBucketConfiguration": {"LocationConstraint": region}}
    )
    s3.create_bucket(Bucket=name, **location)
    s3.put_public_access_block(
        Bucket=name,
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        },
    )
    return name


def flow_logs(ec2: Any, vpcs: Mapping[str, str], bucket: str) -> dict[str, str]:
    """One flow log of ALL traffic per VPC (id -> name) to ``bucket``; returns VPC id -> flow
    log id."""
    made = {}
    for vpc_id, name in vpcs.items():
        response = ec2.create_flow_logs(
            ResourceIds=[vpc_id],
            ResourceType="VPC",
            TrafficType="ALL",
            LogDestinationType="s3",
            LogDestination=f"arn:aws:s3:::{bucket}",  # moto refuses a key prefix here
            TagSpecifications=[
                {
                    "ResourceType": "vpc-flow-log",
                    "Tags": [{"Key": "Name", "Value": f"{name}-flow-logs"}],
                }
            ],
        )
        made[vpc_id] = response["FlowLogIds"][0]
    return made


def enable_posture(
    make_client: ClientFactory, account: str, regions: Sequence[str]
) -> dict[str, Any]:
    """A multi-region trail (from the first region), and Config and GuardDuty in every region."""
    primary = regions[0]
    trail_bucket = make_bucket(make_client, f"netwarden-demo-cloudtrail-{account}", primary)
    config_bucket = make_bucket(make_client, f"netwarden-demo-config-{account}", primary)
    cloudtrail = make_client("cloudtrail", primary)
    trail = cloudtrail.create_trail(
        Name="organisation-trail",
        S3BucketName=trail_bucket,
        IsMultiRegionTrail=True,
        IncludeGlobalServiceEvents=True,
        EnableLogFileValidation=True,
    )
    cloudtrail.start_logging(Name=trail["TrailARN"])
    recorders, detectors = {}, {}
    for region in regions:
        config = make_client("config", region)
        recorders[region] = "default"
        config.put_configuration_recorder(
            ConfigurationRecorder={
                "name": "default",
                "roleARN": f"arn:aws:iam::{account}:role/aws-service-role/"
                "config.amazonaws.com/AWSServiceRoleForConfig",
                # Global resources (IAM) are recorded once, in the primary region.
                "recordingGroup": {
                    "allSupported": True,
                    "includeGlobalResourceTypes": region == primary,
                },
            }
        )
        config.put_delivery_channel(
            DeliveryChannel={"name": "default", "s3BucketName": config_bucket}
        )
        config.start_configuration_recorder(ConfigurationRecorderName="default")
        detectors[region] = make_client("guardduty", region).create_detector(
            Enable=True, FindingPublishingFrequency="FIFTEEN_MINUTES"
        )["DetectorId"]
    return {
        "trail_name": trail["Name"],
        "trail_arn": trail["TrailARN"],
        "trail_bucket": trail_bucket,
        "config_bucket": config_bucket,
        "config_recorder_names": recorders,
        "guardduty_detector_ids": detectors,
    }


def nat_alarms(make_client: ClientFactory, region: str, nat_gateway_id: str) -> dict[str, Any]:
    """CloudWatch alarms on the NAT gateway's metrics, notifying an SNS topic."""
    topic = make_client("sns", region).create_topic(Name=ALARM_TOPIC)["TopicArn"]
    cloudwatch = make_client("cloudwatch", region)
    names = []
    for suffix, metric, threshold in NAT_ALARMS:
        name = f"prod-nat-{suffix}"
        cloudwatch.put_metric_alarm(
            AlarmName=name,
            AlarmDescription=f"{metric} on the production NAT gateway",
            Namespace="AWS/NATGateway",
            MetricName=metric,
            Dimensions=[{"Name": "NatGatewayId", "Value": nat_gateway_id}],
            Statistic="Sum",
            Period=300,
            EvaluationPeriods=1,
            Threshold=float(threshold),
            ComparisonOperator="GreaterThanThreshold",
            TreatMissingData="notBreaching",
            AlarmActions=[topic],
        )
        names.append(name)
    return {"nat_alarm_names": tuple(names), "alarm_topic_arn": topic}


TRAIL_LOG_GROUP = "netwarden-demo/cloudtrail"
SG_CHANGES_METRIC = "SecurityGroupChanges"


def change_alerts(
    make_client: ClientFactory, account: str, regions: Sequence[str], trail_arn: str
) -> dict[str, Any]:
    """In every region, an EventBridge rule on the CloudTrail events of security group, NACL,
    gateway, route table and VPC changes (CIS 4.10-4.14), sent to the security SNS topic; and,
    as CIS describes it, the trail delivering to CloudWatch Logs in the first region, with a
    metric filter and an alarm on security-group changes (the on-call's pager)."""
    primary = regions[0]
    make_client("logs", primary).create_log_group(logGroupName=TRAIL_LOG_GROUP)
    make_client("cloudtrail", primary).update_trail(
        Name=trail_arn,
        CloudWatchLogsLogGroupArn=(
            f"arn:aws:logs:{primary}:{account}:log-group:{TRAIL_LOG_GROUP}:*"
        ),
        CloudWatchLogsRoleArn=f"arn:aws:iam::{account}:role/netwarden-demo-cloudtrail-logs",
    )
    sg_events = FAMILIES["security-group"].events
    make_client("logs", primary).put_metric_filter(
        logGroupName=TRAIL_LOG_GROUP,
        filterName=SG_CHANGES_METRIC,
        filterPattern="{ " + " || ".join(f"($.eventName = {e})" for e in sg_events) + " }",
        metricTransformations=[
            {"metricName": SG_CHANGES_METRIC, "metricNamespace": "CISBenchmark", "metricValue": "1"}
        ],
    )
    pager = make_client("sns", primary).create_topic(Name=ALARM_TOPIC)["TopicArn"]
    make_client("cloudwatch", primary).put_metric_alarm(
        AlarmName="security-group-changes",
        AlarmDescription="CIS 4.10: a security group changed",
        Namespace="CISBenchmark",
        MetricName=SG_CHANGES_METRIC,
        Statistic="Sum",
        Period=300,
        EvaluationPeriods=1,
        Threshold=1.0,
        ComparisonOperator="GreaterThanOrEqualToThreshold",
        TreatMissingData="notBreaching",
        AlarmActions=[pager],
    )
    events = [event for family in FAMILIES.values() for event in family.events]
    pattern = {
        "source": ["aws.ec2"],
        "detail-type": ["AWS API Call via CloudTrail"],
        "detail": {"eventSource": ["ec2.amazonaws.com"], "eventName": events},
    }
    rules = {}
    for region in regions:
        topic = make_client("sns", region).create_topic(Name=ALARM_TOPIC)["TopicArn"]
        bridge = make_client("events", region)
        rules[region] = bridge.put_rule(
            Name=CHANGE_RULE,
            Description="Network changes (CIS 4.10-4.14) to the security team",
            EventPattern=json.dumps(pattern),
            State="ENABLED",
        )["RuleArn"]
        bridge.put_targets(Rule=CHANGE_RULE, Targets=[{"Id": "security-team", "Arn": topic}])
    return {"change_alert_rule_arns": rules, "trail_log_group": TRAIL_LOG_GROUP}
