"""``change-alerts`` on the account: whether a family of network changes (CIS 4.10-4.14)
alerts someone in the region, by EventBridge rule or by CloudTrail metric filter and alarm.

The judgement is scanner/policy/changealerts.py; this filter only reads, through the policy's
session as Custodian's filters do (offline: from the snapshot; under ``custodian run``: from
AWS). A metric filter and its alarm live in the region of the trail's log group, which may not
be the region judged, so that region is asked too.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError
from c7n.filters import Filter
from c7n.resources.account import Account
from c7n.utils import local_session, type_schema

from scanner.policy import changealerts as ca

ANNOTATION = "c7n:change-alerts"


def _all(client: Any, operation: str, key: str, **params: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for page in client.get_paginator(operation).paginate(**params):
        items.extend(page.get(key, []))
    return items


@Account.filter_registry.register("change-alerts")
class ChangeAlerts(Filter):
    """Accounts whose region has no alert on every event of ``family`` (annotates
    ``c7n:change-alerts`` with the events nothing alerts on, what covers the others, and why
    rules or metric filters that came close did not count)."""

    schema = type_schema("change-alerts", required=["family"], family={"enum": sorted(ca.FAMILIES)})
    permissions = (
        "events:ListRules",
        "events:ListTargetsByRule",
        "cloudtrail:DescribeTrails",
        "cloudtrail:GetTrailStatus",
        "logs:DescribeMetricFilters",
        "cloudwatch:DescribeAlarms",
    )

    def process(self, resources: list[dict[str, Any]], event: Any = None) -> list[dict[str, Any]]:
        session = local_session(self.manager.session_factory)
        region = self.manager.config.region
        account = self.manager.config.account_id
        coverage = ca.Coverage(ca.FAMILIES[self.data["family"]])
        ca.add_event_rules(coverage, *self._rules(session), account, region)
        for trail in self._trails(session):
            self._add_trail(session, coverage, trail)
        if not coverage.missing:
            return []
        for resource in resources:
            resource[ANNOTATION] = coverage.annotation()
        return resources

    def _rules(self, session: Any) -> tuple[list[dict[str, Any]], dict[str, list[Any]]]:
        client = session.client("events")
        rules = _all(client, "list_rules", "Rules")
        targets = {
            str(rule.get("Name")): _all(
                client, "list_targets_by_rule", "Targets", Rule=rule["Name"]
            )
            for rule in rules
            if rule.get("EventPattern") is not None and rule.get("Name")
        }
        return rules, targets

    def _trails(self, session: Any) -> list[dict[str, Any]]:
        """The multi-region trails that are logging (as CIS asks: a single-region trail
        misses the other regions' changes), seen from this region."""
        client = session.client("cloudtrail")
        logging = []
        for trail in client.describe_trails(includeShadowTrails=True).get("trailList", []):
            if not trail.get("IsMultiRegionTrail") or not trail.get("TrailARN"):
                continue
            status = client.get_trail_status(Name=trail["TrailARN"])
            if status.get("IsLogging"):
                logging.append(trail)
        return sorted(logging, key=lambda t: str(t["TrailARN"]))

    def _add_trail(self, session: Any, coverage: ca.Coverage, trail: Mapping[str, Any]) -> None:
        from scanner.policy.session import SnapshotMiss

        where = ca.log_group_of(trail.get("CloudWatchLogsLogGroupArn"))
        if where is None:
            return  # the trail does not deliver to CloudWatch Logs: no metric filter sees it
        region, log_group = where
        try:
            filters = _all(
                session.client("logs", region_name=region),
                "describe_metric_filters",
                "metricFilters",
                logGroupName=log_group,
            )
            if not filters:
                return
            alarms = _all(
                session.client("cloudwatch", region_name=region),
                "describe_alarms",
                "MetricAlarms",
                AlarmTypes=["MetricAlarm"],
            )
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") != "ResourceNotFoundException":
                raise
            coverage.notes.append(f"trail {trail.get('Name')}: log group {log_group} is gone")
            return
        except (SnapshotMiss, BotoCoreError):
            if region == self.manager.config.region:
                raise  # this region's own data: a gap or an error like any filter's
            # Another region that was not scanned (or not readable): its alarms are unknown.
            coverage.notes.append(
                f"trail {trail.get('Name')}: the metric filters of log group {log_group} in "
                f"{region} could not be read"
            )
            return
        ca.add_metric_filters(coverage, log_group, filters, alarms)
