"""What alerts on network changes: EventBridge rules (with their targets) and CloudWatch Logs
metric filters, read so that the change-alert rules (CIS 4.10-4.14) are judged offline.

Only the default event bus is listed: CloudTrail delivers API-call events there and nowhere
else. A rule's targets need one ListTargetsByRule call per rule (AWS allows five targets a
rule, so one page); they are stored on the rule under ``Targets``.
"""

from __future__ import annotations

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

NO_REVERT = "which alerting to restore is a person's call, not a default"

# --- EventBridge rules ----------------------------------------------------------------------

RULE_SETTINGS = (
    "EventPattern",
    "State",
    "EventBusName",
    "ScheduleExpression",
    "ManagedBy",
    "RoleArn",
    "Description",
)


def _targets(client: Any, rules: list[Item]) -> list[Item]:
    for rule in rules:
        response = client.list_targets_by_rule(Rule=rule["Name"])
        rule["Targets"] = list(response.get("Targets", []))
    return rules


def _target(target: Any) -> dict[str, Any]:
    return pick(target, "Id", "Arn") if isinstance(target, dict) else {}


def _project_rule(i: Fields) -> Item:
    return {
        **pick(i, *RULE_SETTINGS),
        "targets": sorted(
            (_target(t) for t in i.get("Targets") or []), key=lambda t: str(t.get("Id"))
        ),
    }


def _unproject_rule(rid: str, f: Fields, account: str) -> Item:
    return {
        **pick_present(f, *RULE_SETTINGS),
        "Name": rid,
        "Targets": [dict(t) for t in f.get("targets", [])],
    }


def _rule_disabled(change: ChangeView) -> bool:
    # A rule that stops matching or loses its targets silences its alerts.
    field = change.path[0] if change.path else ""
    if field == "State":
        return change.old == "ENABLED" and change.new != "ENABLED"
    return field in ("EventPattern", "targets") and change.change in ("removed", "modified")


EVENT_RULE = ResourceType(
    collector=Collector(
        "aws.event-rule",
        "events",
        "list_rules",
        "Rules",
        "Name",
        100,
        page_size_param="Limit",
        enrich=_targets,
        extra_operations=(("events", "ListTargetsByRule"),),
        description="the rules of the default event bus, each with its targets",
    ),
    arn="arn:{partition}:events:{region}:{account}:rule/{id}",
    projection=Projection(_project_rule, keyed_lists={"targets": lambda t: (t.get("Id"),)}),
    unproject=_unproject_rule,
    severity=DriftSeverity(removal="detection", widens=_rule_disabled),
    revert=None,
    events=frozenset(
        {"PutRule", "DeleteRule", "EnableRule", "DisableRule", "PutTargets", "RemoveTargets"}
    ),
    answers=Answers(operations=(("events", "ListRules"), ("events", "ListTargetsByRule"))),
    exposure_role=None,
    asff_type="Other",
    absent={"revert": NO_REVERT, "exposure_role": NOT_EXPOSURE_MONITORING},
)


# --- CloudWatch Logs metric filters ---------------------------------------------------------

# A filter's name is unique within its log group only; the snapshot keys it by both (log
# group names cannot contain ':').
FILTER_ID = "c7n:MetricFilterId"
FILTER_SETTINGS = ("filterName", "logGroupName", "filterPattern", "metricTransformations")


def filter_id(log_group: str, name: str) -> str:
    return f"{log_group}:{name}"


def _identify(client: Any, filters: list[Item]) -> list[Item]:
    for metric_filter in filters:
        metric_filter[FILTER_ID] = filter_id(
            str(metric_filter.get("logGroupName")), str(metric_filter.get("filterName"))
        )
    return filters


def _unproject_filter(rid: str, f: Fields, account: str) -> Item:
    return {**pick_present(f, *FILTER_SETTINGS), FILTER_ID: rid}


def _filter_changed(change: ChangeView) -> bool:
    field = change.path[0] if change.path else ""
    return field in ("filterPattern", "metricTransformations")


LOG_METRIC_FILTER = ResourceType(
    collector=Collector(
        "aws.log-metric",
        "logs",
        "describe_metric_filters",
        "metricFilters",
        FILTER_ID,
        50,
        page_size_param="limit",
        enrich=_identify,  # no call: names each filter by log group and filter name
        key_fields=("logGroupName", "filterName"),
        description="every metric filter of the region's log groups",
    ),
    # Metric filters have no ARN; named in the style of their log group's.
    arn="arn:{partition}:logs:{region}:{account}:metric-filter:{id}",
    projection=Projection(lambda i: pick(i, *FILTER_SETTINGS)),
    unproject=_unproject_filter,
    severity=DriftSeverity(removal="detection", widens=_filter_changed),
    revert=None,
    events=frozenset({"PutMetricFilter", "DeleteMetricFilter"}),
    answers=Answers(operations=(("logs", "DescribeMetricFilters"),)),
    exposure_role=None,
    asff_type="Other",
    absent={"revert": NO_REVERT, "exposure_role": NOT_EXPOSURE_MONITORING},
)

TYPES = (EVENT_RULE, LOG_METRIC_FILTER)
