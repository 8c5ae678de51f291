"""Detection posture: CloudTrail trails, AWS Config recorders, GuardDuty detectors and the
CloudWatch alarms on NAT gateways and on custom metrics (the CIS 4.x change alarms).

Three of these need a second call to be useful (trail status, recorder status, detector
settings). Their ``enrich`` step makes one call per *resource*, which AWS itself bounds (one
recorder and one detector per region, a handful of trails), and stores the result under the
key Custodian's own filters read, so those filters never call AWS again.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scanner.resources.base import (
    NOT_EXPOSURE_MONITORING,
    Answers,
    ChangeView,
    Collector,
    DriftSeverity,
    Fields,
    Item,
    Projection,
    ResourceType,
)
from scanner.resources.shapes import pick, pick_present

NO_REVERT = "which detection settings to restore is a person's call, not a default"


def _without_metadata(response: Mapping[str, Any]) -> Item:
    return {k: v for k, v in response.items() if k != "ResponseMetadata"}


def _field(change: ChangeView) -> Any:
    return change.path[0] if change.path else ""


def _turned_off(name: str) -> Any:
    def widens(change: ChangeView) -> bool:
        return _field(change) == name and change.old is True and change.new is not True

    return widens


# --- CloudTrail -------------------------------------------------------------------------

TRAIL_SETTINGS = (
    "Name",
    "S3BucketName",
    "IsMultiRegionTrail",
    "IncludeGlobalServiceEvents",
    "LogFileValidationEnabled",
    "KmsKeyId",
    "CloudWatchLogsLogGroupArn",
    "IsOrganizationTrail",
    "HomeRegion",
)


def _trail_status(client: Any, trails: list[Item]) -> list[Item]:
    # Stored where Custodian's cloudtrail `status` filter looks first ('c7n:TrailStatus').
    for trail in trails:
        trail["c7n:TrailStatus"] = _without_metadata(
            client.get_trail_status(Name=trail["TrailARN"])
        )
    return trails


def _unproject_trail(rid: str, f: Fields, account: str) -> Item:
    return {
        **{k: v for k, v in f.items() if k != "logging"},
        "TrailARN": rid,
        "c7n:TrailStatus": {"IsLogging": bool(f.get("logging"))},
    }


CLOUDTRAIL = ResourceType(
    collector=Collector(
        "aws.cloudtrail",
        "cloudtrail",
        "describe_trails",
        "trailList",
        "TrailARN",
        # Each trail is listed once, in its home region; multi-region trails are not repeated
        # as shadow copies in every other region.
        params={"includeShadowTrails": False},
        enrich=_trail_status,
        extra_operations=(("cloudtrail", "GetTrailStatus"),),
    ),
    arn="{id}",  # the id is the trail's ARN
    projection=Projection(
        lambda i: {
            **pick(i, *TRAIL_SETTINGS),
            "logging": (i.get("c7n:TrailStatus") or {}).get("IsLogging"),
        }
    ),
    unproject=_unproject_trail,
    severity=DriftSeverity(removal="detection", widens=_turned_off("logging")),
    revert=None,
    events=frozenset({"StopLogging", "StartLogging", "DeleteTrail", "UpdateTrail", "CreateTrail"}),
    answers=Answers(
        operations=(("cloudtrail", "DescribeTrails"), ("cloudtrail", "GetTrailStatus"))
    ),
    exposure_role=None,
    asff_type="AwsCloudTrailTrail",
    absent={"revert": NO_REVERT, "exposure_role": NOT_EXPOSURE_MONITORING},
)


# --- AWS Config -------------------------------------------------------------------------


def _recorder_status(client: Any, recorders: list[Item]) -> list[Item]:
    # The same augmentation Custodian's config-recorder resource does: 'status' and
    # 'deliveryChannel' on each recorder, so its value filters apply unchanged.
    if not recorders:
        return recorders
    names = [r["name"] for r in recorders]
    statuses = client.describe_configuration_recorder_status(ConfigurationRecorderNames=names)
    by_name = {s["name"]: s for s in statuses.get("ConfigurationRecordersStatus", [])}
    channels = client.describe_delivery_channels().get("DeliveryChannels", [])
    for recorder in recorders:
        if recorder["name"] in by_name:
            recorder["status"] = by_name[recorder["name"]]
        if channels:
            recorder["deliveryChannel"] = channels[0]
    return recorders


def _unproject_recorder(rid: str, f: Fields, account: str) -> Item:
    return {
        **pick_present(f, "roleARN", "recordingGroup"),
        "name": rid,
        # A baseline does not keep the last delivery status; a recorder that records is
        # filled in as delivering, which Custodian's account check-config filter reads.
        "status": {
            "name": rid,
            "recording": bool(f.get("recording")),
            **({"lastStatus": "SUCCESS"} if f.get("recording") else {}),
        },
    }


CONFIG_RECORDER = ResourceType(
    collector=Collector(
        "aws.config-recorder",
        "config",
        "describe_configuration_recorders",
        "ConfigurationRecorders",
        "name",
        enrich=_recorder_status,
        extra_operations=(
            ("config", "DescribeConfigurationRecorderStatus"),
            ("config", "DescribeDeliveryChannels"),
        ),
    ),
    arn="arn:{partition}:config:{region}:{account}:config-recorder/{id}",
    projection=Projection(
        lambda i: {
            **pick(i, "roleARN", "recordingGroup"),
            "recording": (i.get("status") or {}).get("recording"),
        }
    ),
    unproject=_unproject_recorder,
    severity=DriftSeverity(removal="detection", widens=_turned_off("recording")),
    revert=None,
    events=frozenset(
        {
            "StopConfigurationRecorder",
            "StartConfigurationRecorder",
            "DeleteConfigurationRecorder",
            "PutConfigurationRecorder",
        }
    ),
    answers=Answers(
        operations=(
            ("config", "DescribeConfigurationRecorders"),
            ("config", "DescribeConfigurationRecorderStatus"),
            ("config", "DescribeDeliveryChannels"),
        )
    ),
    exposure_role=None,
    asff_type="Other",
    absent={"revert": NO_REVERT, "exposure_role": NOT_EXPOSURE_MONITORING},
)


# --- GuardDuty --------------------------------------------------------------------------


def _detectors(client: Any, detector_ids: list[Any]) -> list[Item]:
    # ListDetectors answers bare ids; the item is the id plus GetDetector's settings.
    detectors = []
    for detector_id in detector_ids:
        detail = _without_metadata(client.get_detector(DetectorId=detector_id))
        # Whether findings flow to a delegated administrator (Custodian's guard-duty filter
        # reads this as 'Administrator'); one detector per region, so one call.
        admin = client.get_administrator_account(DetectorId=detector_id).get("Administrator")
        detectors.append({"DetectorId": detector_id, **detail, "Administrator": admin or {}})
    return detectors


def _disabled(change: ChangeView) -> bool:
    return _field(change) == "Status" and change.new != "ENABLED"


GUARDDUTY_DETECTOR = ResourceType(
    collector=Collector(
        "aws.guardduty-detector",
        "guardduty",
        "list_detectors",
        "DetectorIds",
        "DetectorId",
        50,
        enrich=_detectors,
        extra_operations=(("guardduty", "GetDetector"), ("guardduty", "GetAdministratorAccount")),
        description="not a Custodian resource; named in its style",
    ),
    arn="arn:{partition}:guardduty:{region}:{account}:detector/{id}",
    projection=Projection(lambda i: pick(i, "Status", "FindingPublishingFrequency", "ServiceRole")),
    unproject=lambda rid, f, account: {**dict(f), "DetectorId": rid},
    severity=DriftSeverity(removal="detection", widens=_disabled),
    revert=None,
    events=frozenset({"DeleteDetector", "UpdateDetector", "CreateDetector"}),
    answers=Answers(
        operations=(
            ("guardduty", "ListDetectors"),
            ("guardduty", "GetDetector"),
            ("guardduty", "GetAdministratorAccount"),
        )
    ),
    exposure_role=None,
    asff_type="AwsGuardDutyDetector",
    absent={"revert": NO_REVERT, "exposure_role": NOT_EXPOSURE_MONITORING},
)


# --- CloudWatch alarms: NAT gateways and custom metrics ----------------------------------

# What defines a NAT-gateway alarm (its state and history churn and are left out).
ALARM_FIELDS = (
    "Namespace",
    "MetricName",
    "Statistic",
    "Period",
    "EvaluationPeriods",
    "Threshold",
    "ComparisonOperator",
    "ActionsEnabled",
)


def _is_kept_alarm(alarm: Item) -> bool:
    # NAT-gateway alarms (NW-NAT-001) and alarms on custom metrics, which is where CloudTrail
    # metric filters publish (AWS reserves the AWS/ namespaces): the CIS 4.x change alarms.
    # Alarms on other AWS service metrics decide no rule and are not collected.
    namespace = str(alarm.get("Namespace") or "")
    return namespace == "AWS/NATGateway" or not namespace.startswith("AWS/")


def _project_alarm(i: Fields) -> Item:
    return {
        **pick(i, *ALARM_FIELDS),
        "dimensions": {
            d["Name"]: d["Value"] for d in sorted(i.get("Dimensions", []), key=lambda d: d["Name"])
        },
        "actions": sorted(i.get("AlarmActions", [])),
    }


def _unproject_alarm(rid: str, f: Fields, account: str) -> Item:
    return {
        **pick_present(f, *ALARM_FIELDS),
        "AlarmName": rid,
        "Dimensions": [{"Name": k, "Value": v} for k, v in f.get("dimensions", {}).items()],
        "AlarmActions": list(f.get("actions", [])),
    }


ALARM = ResourceType(
    collector=Collector(
        "aws.alarm",
        "cloudwatch",
        "describe_alarms",
        "MetricAlarms",
        "AlarmName",
        100,
        page_size_param="MaxRecords",
        params={"AlarmTypes": ["MetricAlarm"]},
        keep=_is_kept_alarm,
        description="alarms on NAT-gateway metrics (AWS/NATGateway) and on custom metrics",
    ),
    arn="arn:{partition}:cloudwatch:{region}:{account}:alarm:{id}",
    projection=Projection(_project_alarm),
    unproject=_unproject_alarm,
    severity=DriftSeverity(removal="other"),
    revert=None,
    events=frozenset(
        {"PutMetricAlarm", "DeleteAlarms", "DisableAlarmActions", "EnableAlarmActions"}
    ),
    answers=Answers(operations=(("cloudwatch", "DescribeAlarms"),)),
    exposure_role=None,
    asff_type="AwsCloudWatchAlarm",
    absent={
        "revert": "not automated yet: restoring an alarm is PutMetricAlarm with every setting",
        "exposure_role": NOT_EXPOSURE_MONITORING,
    },
)

TYPES = (CLOUDTRAIL, CONFIG_RECORDER, GUARDDUTY_DETECTOR, ALARM)
