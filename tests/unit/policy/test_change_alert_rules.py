"""NW-DET-004..008 on literal snapshots: EventBridge rules in the region judged, CIS metric
filters read from the trail's home region, and other people's text never crashing a scan."""

from __future__ import annotations

import json
from typing import Any

from scanner.policy.changealerts import FAMILIES
from tests.unit.policy.conftest import RunRule
from tests.unit.policy.snapshots import ACCOUNT, REGION, snapshot

OTHER = "eu-west-1"
LOG_GROUP = "cloudtrail/org"
EVERY_EC2_CALL = {"source": ["aws.ec2"], "detail-type": ["AWS API Call via CloudTrail"]}


def rule(name: str, pattern: Any, targets: int = 1, **extra: Any) -> dict[str, Any]:
    text = pattern if isinstance(pattern, str) or pattern is None else json.dumps(pattern)
    return {
        "Name": name,
        "Arn": f"arn:aws:events:{REGION}:{ACCOUNT}:rule/{name}",
        **({"EventPattern": text} if text is not None else {}),
        "State": "ENABLED",
        "EventBusName": "default",
        "Targets": [{"Id": f"t{i}", "Arn": "arn:aws:sns:x:1:t"} for i in range(targets)],
        **extra,
    }


def trail(home: str = REGION, logging: bool = True) -> dict[str, Any]:
    return {
        "Name": "org",
        "TrailARN": f"arn:aws:cloudtrail:{home}:{ACCOUNT}:trail/org",
        "IsMultiRegionTrail": True,
        "HomeRegion": home,
        "CloudWatchLogsLogGroupArn": f"arn:aws:logs:{home}:{ACCOUNT}:log-group:{LOG_GROUP}:*",
        "c7n:TrailStatus": {"IsLogging": logging},
    }


def cis(family: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The CIS metric filter of ``family`` on the trail's log group, and its alarm."""
    events = FAMILIES[family].events
    name = f"{family}-changes"
    metric_filter = {
        "filterName": name,
        "logGroupName": LOG_GROUP,
        "filterPattern": "{ " + " || ".join(f"($.eventName = {e})" for e in events) + " }",
        "metricTransformations": [{"metricName": name, "metricNamespace": "CIS"}],
        "c7n:MetricFilterId": f"{LOG_GROUP}:{name}",
    }
    alarm = {
        "AlarmName": name,
        "Namespace": "CIS",
        "MetricName": name,
        "ActionsEnabled": True,
        "AlarmActions": ["arn:aws:sns:x:1:t"],
    }
    return metric_filter, alarm


def fired(run_rule: RunRule, rule_id: str, snap: dict[str, Any]) -> dict[str, Any]:
    """region -> the annotation of the rule's finding there."""
    return {f.region: f.evidence["c7n:change-alerts"] for f in run_rule(rule_id, snap)}


def test_an_eventbridge_rule_on_every_ec2_call_covers_every_family(run_rule: RunRule) -> None:
    snap = snapshot({"aws.event-rule": [rule("all", EVERY_EC2_CALL)]})
    for rule_id in ("NW-DET-004", "NW-DET-005", "NW-DET-006", "NW-DET-007", "NW-DET-008"):
        assert fired(run_rule, rule_id, snap) == {}, rule_id


def test_nothing_alerting_fires_with_every_event_missing(run_rule: RunRule) -> None:
    [annotation] = fired(run_rule, "NW-DET-007", snapshot({})).values()
    assert annotation == {
        "family": "route-table",
        "cis": "4.13",
        "missing_events": list(FAMILIES["route-table"].events),
        "covered_by": {},
        "notes": [],
    }


def test_the_trails_home_region_answers_for_its_metric_filters(run_rule: RunRule) -> None:
    # The multi-region trail lives in us-east-1, delivering to a log group there: its CIS
    # filter and alarm cover eu-west-1 too, which has no alerting of its own.
    metric_filter, alarm = cis("network-gateway")
    snap = snapshot(
        {"aws.cloudtrail": [trail()], "aws.log-metric": [metric_filter], "aws.alarm": [alarm]},
        extra={(ACCOUNT, OTHER): {}},
    )
    assert fired(run_rule, "NW-DET-006", snap) == {}
    assert set(fired(run_rule, "NW-DET-007", snap)) == {REGION, OTHER}


def test_a_trail_that_is_not_logging_covers_nothing(run_rule: RunRule) -> None:
    metric_filter, alarm = cis("network-gateway")
    snap = snapshot(
        {
            "aws.cloudtrail": [trail(logging=False)],
            "aws.log-metric": [metric_filter],
            "aws.alarm": [alarm],
        }
    )
    assert set(fired(run_rule, "NW-DET-006", snap)) == {REGION}


def test_a_log_group_in_a_region_not_scanned_is_a_note(run_rule: RunRule) -> None:
    # A trail in us-east-1 whose log group ARN names another region, which was not scanned:
    # its filters cannot be read, so they do not count, and the finding says why.
    odd = {**trail(), "CloudWatchLogsLogGroupArn": f"arn:aws:logs:ap-south-1:{ACCOUNT}:log-group:x"}
    [annotation] = fired(run_rule, "NW-DET-004", snapshot({"aws.cloudtrail": [odd]})).values()
    assert annotation["notes"] == [
        "trail org: the metric filters of log group x in ap-south-1 could not be read"
    ]


def test_hostile_patterns_are_notes_not_crashes(run_rule: RunRule) -> None:
    metric_filter, alarm = cis("vpc")
    broken_filter = {**metric_filter, "filterPattern": "{ ($.eventName = CreateVpc "}
    snap = snapshot(
        {
            "aws.event-rule": [
                rule("not-json", "{oops"),
                rule("deep", "[" * 50_000 + "]" * 50_000),
                rule("odd", {"detail": {"eventName": [{"regex": ".*"}]}}),
                rule("no-pattern", None, ScheduleExpression="rate(5 minutes)"),
            ],
            "aws.cloudtrail": [trail()],
            "aws.log-metric": [broken_filter],
            "aws.alarm": [alarm],
        }
    )
    [annotation] = fired(run_rule, "NW-DET-008", snap).values()
    assert annotation["missing_events"] == list(FAMILIES["vpc"].events)
    assert annotation["notes"] == [
        "EventBridge rule deep: the event pattern is not valid JSON",
        "EventBridge rule not-json: the event pattern is not valid JSON",
        "EventBridge rule odd: the matcher at detail.eventName uses a form netwarden does not "
        "model",
        "metric filter vpc-changes on cloudtrail/org: the filter pattern does not parse: "
        "expected ')'",
    ]


def test_the_finding_is_one_per_account_after_consolidation(run_rule: RunRule) -> None:
    from scanner.consolidate import fold_account_level

    snap = snapshot({}, extra={(ACCOUNT, OTHER): {}})
    findings = run_rule("NW-DET-004", snap)
    assert sorted(f.region for f in findings) == [OTHER, REGION]
    [folded] = fold_account_level(findings, {ACCOUNT: [REGION, OTHER]})
    assert folded.region == REGION and folded.evidence["regions"] == [OTHER, REGION]
    assert folded.compliance[0] == "CIS-AWS-4.10"
    assert [a.api.operation for a in folded.remediation if a.api] == [
        "PutRule",
        "PutTargets",
        "PutRule",
        "PutTargets",
    ]


def test_the_finding_message_names_the_events_and_why(run_rule: RunRule) -> None:
    snap = snapshot({"aws.event-rule": [rule("untargeted", EVERY_EC2_CALL, targets=0)]})
    [finding] = run_rule("NW-DET-006", snap)
    events = ", ".join(FAMILIES["network-gateway"].events)
    assert finding.message.endswith(
        f"nothing alerts on {events} (EventBridge rule untargeted matches but has no target)"
    ), finding.message
