"""API responses built from the snapshot, one small function per (service, operation).

Describe calls that a collector made are answered generically from that collector's items
(where the type's ``answers`` facet in scanner/resources/ says so),
honouring the id-list parameter and the ``Filters`` names Custodian's filters use; anything
else (an unknown filter name, a type that was not collected) is :class:`Unanswerable`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import jmespath

from scanner import resources
from scanner.resources.alerting import FILTER_ID
from scanner.resources.base import Collector
from scanner.snapshot import RegionData, region_items, regions_of, resources_of

Body = dict[str, Any]
Answer = Callable[["RegionView", Mapping[str, Any]], Body]
ANSWERS: dict[tuple[str, str], Answer] = {}

# Describe ``Filters`` names -> where the value is in the raw item.
FILTER_PATHS = {
    "vpc-id": "VpcId || Attachments[].VpcId",
    "attachment.vpc-id": "Attachments[].VpcId",
    "resource-id": "ResourceId",
    "flow-log-id": "FlowLogId",
    "subnet-id": "SubnetId || SubnetIds",
    "association.subnet-id": "Associations[].SubnetId",
    "association.route-table-id": "Associations[].RouteTableId",
    "association.main": "Associations[].Main",
    "group-id": "GroupId || Groups[].GroupId",
    "group-name": "GroupName",
    "domain": "Domain",
    "nat-gateway-id": "NatGatewayId",
    "vpc-endpoint-id": "VpcEndpointId",
    "network-acl-id": "NetworkAclId",
    "route-table-id": "RouteTableId",
    "internet-gateway-id": "InternetGatewayId",
    "vpc-peering-connection-id": "VpcPeeringConnectionId",
}


class Unanswerable(Exception):
    def __init__(self, message: str, gap: bool = False) -> None:
        super().__init__(message)
        self.gap = gap


class RegionView:
    """The snapshot seen from one account and region."""

    def __init__(self, snapshot: Mapping[str, Any], account: str, region: str) -> None:
        self.snapshot = snapshot
        self.account = account
        self.region = region

    def _regions(self) -> Mapping[str, RegionData]:
        return regions_of(self.snapshot, self.account)

    def items(self, rtype: str, region: str | None = None) -> list[dict[str, Any]]:
        """Items of ``rtype``; Unanswerable when the type was not collected there."""
        region = region or self.region
        region_data = self._regions().get(region, {})
        if rtype not in resources_of(region_data):
            failed = any(e.get("type") == rtype for e in region_data.get("errors", []))
            reason = "could not be read" if failed else "was not collected"
            raise Unanswerable(f"{rtype} {reason} in {self.account}/{region}", gap=failed)
        return region_items(self.snapshot, self.account, region, rtype)

    def all_regions(self) -> list[str]:
        return sorted(self._regions())


def _values(item: Mapping[str, Any], name: str) -> list[str]:
    if name.startswith("tag:"):
        key = name[4:]
        found = [t.get("Value") for t in item.get("Tags", []) if t.get("Key") == key]
    elif name in FILTER_PATHS:
        found = jmespath.search(FILTER_PATHS[name], item)
    else:
        raise Unanswerable(f"filter name {name!r} is not supported offline")
    if found is None:
        return []
    found = found if isinstance(found, list) else [found]
    return [str(v).lower() if isinstance(v, bool) else str(v) for v in found]


def _matches(item: Mapping[str, Any], filters: list[Mapping[str, Any]]) -> bool:
    for flt in filters:
        if not set(_values(item, flt["Name"])) & {str(v) for v in flt.get("Values", [])}:
            return False
    return True


def _collector_answer(collector: Collector, id_params: Mapping[str, str]) -> Answer:
    ids_param = f"{collector.id_key}s"
    selectors = {ids_param: collector.id_key, **id_params}

    def answer(view: RegionView, params: Mapping[str, Any]) -> Body:
        items = view.items(collector.type)
        known = {*selectors, "Filters", "Filter", "MaxResults", "NextToken", "DryRun"}
        unknown = set(params) - known
        if unknown:
            raise Unanswerable(f"parameter(s) {', '.join(sorted(unknown))} not supported offline")
        for param, key in selectors.items():
            if param in params:
                wanted = set(params[param])
                items = [i for i in items if str(i.get(key)) in wanted]
        filters = params.get("Filters") or params.get("Filter") or []
        items = [i for i in items if _matches(i, filters)]
        return {collector.result_key: items}

    return answer


# Each type whose catalog entry says its Describe call is answered generically.
for _rtype in resources.types():
    if _rtype.answers is not None and _rtype.answers.describe:
        _key = (_rtype.collector.service, _rtype.collector.api_operation)
        ANSWERS[_key] = _collector_answer(_rtype.collector, _rtype.answers.id_params)


def _register(service: str, operation: str) -> Callable[[Answer], Answer]:
    def decorate(func: Answer) -> Answer:
        ANSWERS[(service, operation)] = func
        return func

    return decorate


# CloudTrail: the snapshot keeps each trail once, in its home region, with its status.
def _trails(view: RegionView, include_shadow: bool) -> list[dict[str, Any]]:
    trails = list(view.items("aws.cloudtrail"))
    if include_shadow:
        for region in view.all_regions():
            if region != view.region:
                trails += [
                    t for t in view.items("aws.cloudtrail", region) if t.get("IsMultiRegionTrail")
                ]
    return trails


@_register("cloudtrail", "DescribeTrails")
def _describe_trails(view: RegionView, params: Mapping[str, Any]) -> Body:
    trails = _trails(view, params.get("includeShadowTrails", True))
    names = params.get("trailNameList")
    if names:
        trails = [t for t in trails if t.get("Name") in names or t.get("TrailARN") in names]
    return {"trailList": [{k: v for k, v in t.items() if k != "c7n:TrailStatus"} for t in trails]}


@_register("cloudtrail", "GetTrailStatus")
def _trail_status(view: RegionView, params: Mapping[str, Any]) -> Body:
    for trail in _trails(view, include_shadow=True):
        if params.get("Name") in (trail.get("Name"), trail.get("TrailARN")):
            if "c7n:TrailStatus" not in trail:
                raise Unanswerable(f"no status recorded for trail {params.get('Name')}")
            return dict(trail["c7n:TrailStatus"])
    raise Unanswerable(f"trail {params.get('Name')!r} is not in the snapshot")


# AWS Config: the collector stores status and delivery channel on each recorder.
_RECORDER_EXTRAS = ("status", "deliveryChannel")


@_register("config", "DescribeConfigurationRecorders")
def _recorders(view: RegionView, params: Mapping[str, Any]) -> Body:
    items = view.items("aws.config-recorder")
    names = params.get("ConfigurationRecorderNames")
    if names:
        items = [r for r in items if r["name"] in names]
    return {
        "ConfigurationRecorders": [
            {k: v for k, v in r.items() if k not in _RECORDER_EXTRAS} for r in items
        ]
    }


@_register("config", "DescribeConfigurationRecorderStatus")
def _recorder_status(view: RegionView, params: Mapping[str, Any]) -> Body:
    items = view.items("aws.config-recorder")
    names = params.get("ConfigurationRecorderNames")
    return {
        "ConfigurationRecordersStatus": [
            r["status"] for r in items if "status" in r and (not names or r["name"] in names)
        ]
    }


@_register("config", "DescribeDeliveryChannels")
def _delivery_channels(view: RegionView, params: Mapping[str, Any]) -> Body:
    channels: list[Any] = []
    for recorder in view.items("aws.config-recorder"):
        channel = recorder.get("deliveryChannel")
        if channel and channel not in channels:
            channels.append(channel)
    return {"DeliveryChannels": channels}


# GuardDuty: the collector stores {"DetectorId", **GetDetector} per detector.
@_register("guardduty", "ListDetectors")
def _list_detectors(view: RegionView, params: Mapping[str, Any]) -> Body:
    return {"DetectorIds": [d["DetectorId"] for d in view.items("aws.guardduty-detector")]}


def _detector(view: RegionView, detector_id: str) -> dict[str, Any]:
    for detector in view.items("aws.guardduty-detector"):
        if detector["DetectorId"] == detector_id:
            return detector
    raise Unanswerable(f"detector {detector_id!r} is not in the snapshot")


@_register("guardduty", "GetDetector")
def _get_detector(view: RegionView, params: Mapping[str, Any]) -> Body:
    detail = _detector(view, params["DetectorId"])
    return {k: v for k, v in detail.items() if k not in ("DetectorId", "Administrator")}


@_register("guardduty", "GetAdministratorAccount")
def _administrator(view: RegionView, params: Mapping[str, Any]) -> Body:
    # The collector records no administrator account today; a detector without the key is
    # answered as having none (docs/policies.md), which is what a standalone account sees.
    detail = _detector(view, params["DetectorId"])
    return {"Administrator": detail["Administrator"]} if detail.get("Administrator") else {}


# CloudWatch: the snapshot holds the NAT-gateway alarms and the alarms on custom metrics.
@_register("cloudwatch", "DescribeAlarms")
def _alarms(view: RegionView, params: Mapping[str, Any]) -> Body:
    if "CompositeAlarm" in params.get("AlarmTypes", ["MetricAlarm"]):
        raise Unanswerable("composite alarms are not collected")
    known = {"AlarmNames", "AlarmNamePrefix", "AlarmTypes", "StateValue", "MaxRecords", "NextToken"}
    if set(params) - known:
        raise Unanswerable(
            f"parameter(s) {', '.join(sorted(set(params) - known))} not supported offline"
        )
    alarms = view.items("aws.alarm")
    if params.get("AlarmNames"):
        alarms = [a for a in alarms if a["AlarmName"] in params["AlarmNames"]]
    if params.get("AlarmNamePrefix"):
        alarms = [a for a in alarms if a["AlarmName"].startswith(params["AlarmNamePrefix"])]
    if params.get("StateValue"):
        alarms = [a for a in alarms if a.get("StateValue") == params["StateValue"]]
    return {"MetricAlarms": alarms}


# EC2: the entries of each managed prefix list are collected on its item ("Entries"). A list
# whose entries were not collected (AWS-managed lists the account cannot read) answers none,
# as the exposure engine reads it from the snapshot.
@_register("ec2", "GetManagedPrefixListEntries")
def _prefix_list_entries(view: RegionView, params: Mapping[str, Any]) -> Body:
    if set(params) - {"PrefixListId", "TargetVersion", "MaxResults", "NextToken", "DryRun"}:
        raise Unanswerable("parameter(s) not supported offline")
    for item in view.items("aws.prefix-list"):
        if item.get("PrefixListId") == params.get("PrefixListId"):
            return {"Entries": list(item.get("Entries") or [])}
    raise Unanswerable(f"prefix list {params.get('PrefixListId')} is not in the snapshot")


# EventBridge: the rules of the default bus, each with the targets the collector read.
def _default_bus(params: Mapping[str, Any]) -> None:
    bus = params.get("EventBusName")
    if bus not in (None, "default") and not str(bus).endswith(":event-bus/default"):
        raise Unanswerable(f"event bus {bus!r} is not collected (the default bus only)")


@_register("events", "ListRules")
def _list_rules(view: RegionView, params: Mapping[str, Any]) -> Body:
    if set(params) - {"NamePrefix", "EventBusName", "Limit", "NextToken"}:
        raise Unanswerable("parameter(s) not supported offline")
    _default_bus(params)
    prefix = str(params.get("NamePrefix") or "")
    return {
        "Rules": [
            {k: v for k, v in rule.items() if k != "Targets"}
            for rule in view.items("aws.event-rule")
            if str(rule.get("Name", "")).startswith(prefix)
        ]
    }


@_register("events", "ListTargetsByRule")
def _targets_by_rule(view: RegionView, params: Mapping[str, Any]) -> Body:
    if set(params) - {"Rule", "EventBusName", "Limit", "NextToken"}:
        raise Unanswerable("parameter(s) not supported offline")
    _default_bus(params)
    for rule in view.items("aws.event-rule"):
        if rule.get("Name") == params.get("Rule"):
            return {"Targets": list(rule.get("Targets") or [])}
    raise Unanswerable(f"rule {params.get('Rule')!r} is not in the snapshot")


# CloudWatch Logs: every metric filter of the region, without netwarden's id key.
@_register("logs", "DescribeMetricFilters")
def _metric_filters(view: RegionView, params: Mapping[str, Any]) -> Body:
    known = {"logGroupName", "filterNamePrefix", "metricName", "metricNamespace", "limit"}
    if set(params) - known - {"nextToken"}:
        raise Unanswerable("parameter(s) not supported offline")
    found = []
    for item in view.items("aws.log-metric"):
        if "logGroupName" in params and item.get("logGroupName") != params["logGroupName"]:
            continue
        if not str(item.get("filterName", "")).startswith(params.get("filterNamePrefix", "")):
            continue
        transformations = item.get("metricTransformations") or []
        if "metricName" in params and not any(
            t.get("metricName") == params["metricName"]
            and t.get("metricNamespace") == params.get("metricNamespace")
            for t in transformations
        ):
            continue
        found.append({k: v for k, v in item.items() if k != FILTER_ID})
    return {"metricFilters": found}
