"""The change-alert judgement on literal patterns: which CIS 4.10-4.14 events an EventBridge
pattern or a metric filter pattern certainly alerts on, and that hostile text is a note."""

from __future__ import annotations

import json
from typing import Any

import pytest

from scanner.policy.changealerts import (
    FAMILIES,
    Coverage,
    add_event_rules,
    add_metric_filters,
    event_pattern_events,
    filter_pattern_events,
    log_group_of,
)

ROUTES = FAMILIES["route-table"].events
ALL_ROUTES = frozenset(ROUTES)


def eb(pattern: Any) -> frozenset[str]:
    text = pattern if isinstance(pattern, str) else json.dumps(pattern)
    return event_pattern_events(text, ROUTES, "111111111111", "eu-west-1").events


def test_the_families_are_cis_4_10_to_4_14() -> None:
    assert {f.cis: len(f.events) for f in FAMILIES.values()} == {
        "4.10": 6,
        "4.11": 6,
        "4.12": 6,
        "4.13": 7,
        "4.14": 11,
    }
    assert "ReplaceNetworkAclAssociation" in FAMILIES["network-acl"].events
    assert "AttachInternetGateway" in FAMILIES["network-gateway"].events
    assert "EnableVpcClassicLink" in FAMILIES["vpc"].events


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        # every EC2 API call
        ({"source": ["aws.ec2"], "detail-type": ["AWS API Call via CloudTrail"]}, ALL_ROUTES),
        ({"detail-type": ["AWS API Call via CloudTrail"]}, ALL_ROUTES),  # any service
        ({}, ALL_ROUTES),
        ({"source": ["aws.s3"]}, frozenset()),
        ({"source": ["aws.ec2"], "detail-type": ["EC2 Instance State-change Notification"]}, set()),
        ({"detail": {"eventSource": ["ec2.amazonaws.com"]}}, ALL_ROUTES),
        ({"account": ["111111111111"], "region": ["eu-west-1"]}, ALL_ROUTES),
        ({"region": ["us-east-1"]}, frozenset()),
        # event names, exactly
        ({"detail": {"eventName": ["CreateRoute", "DeleteRoute"]}}, {"CreateRoute", "DeleteRoute"}),
        ({"detail": {"eventName": ["createroute"]}}, frozenset()),  # case-sensitive
        ({"detail": {"eventName": [{"prefix": "Create"}]}}, {"CreateRoute", "CreateRouteTable"}),
        (
            {"detail": {"eventName": [{"suffix": "RouteTable"}]}},
            {"CreateRouteTable", "DeleteRouteTable", "DisassociateRouteTable"},
        ),
        ({"detail": {"eventName": [{"equals-ignore-case": "createroute"}]}}, {"CreateRoute"}),
        (
            {"detail": {"eventName": [{"prefix": {"equals-ignore-case": "replace"}}]}},
            {"ReplaceRoute", "ReplaceRouteTableAssociation"},
        ),
        (
            {"detail": {"eventName": [{"wildcard": "*Route"}]}},
            {"CreateRoute", "ReplaceRoute", "DeleteRoute"},
        ),
        (
            {"detail": {"eventName": [{"anything-but": "CreateRoute"}]}},
            ALL_ROUTES - {"CreateRoute"},
        ),
        (
            {"detail": {"eventName": [{"anything-but": ["CreateRoute", "DeleteRoute"]}]}},
            ALL_ROUTES - {"CreateRoute", "DeleteRoute"},
        ),
        (
            {"detail": {"eventName": [{"anything-but": {"prefix": "Create"}}]}},
            ALL_ROUTES - {"CreateRoute", "CreateRouteTable"},
        ),
        ({"detail": {"eventName": [{"exists": True}]}}, ALL_ROUTES),
        ({"detail": {"eventName": [{"exists": False}]}}, frozenset()),
        ({"detail": {"eventName": [{"numeric": [">", 0]}]}}, frozenset()),
        ({"detail": {"eventName": [None, 1, True]}}, frozenset()),
        (
            {"$or": [{"detail": {"eventName": ["CreateRoute"]}}, {"source": ["aws.ec2"]}]},
            ALL_ROUTES,
        ),
        # a condition netwarden cannot know: not covered
        ({"source": ["aws.ec2"], "detail": {"errorCode": [{"exists": False}]}}, frozenset()),
        ({"detail": {"userIdentity": {"type": ["IAMUser"]}}}, frozenset()),
        ({"detail": {"eventName": [{"unknown-operator": "x"}]}}, frozenset()),
        ({"detail": {"eventName": [{"wildcard": "Create\\*"}]}}, frozenset()),
        # unknown in one $or branch, certain in another
        (
            {"$or": [{"detail": {"errorCode": ["x"]}}, {"detail": {"eventName": ["DeleteRoute"]}}]},
            {"DeleteRoute"},
        ),
    ],
)
def test_event_patterns(pattern: Any, expected: Any) -> None:
    assert eb(pattern) == frozenset(expected)


@pytest.mark.parametrize(
    ("text", "note"),
    [
        ("not json", "not valid JSON"),
        ("[1, 2]", "not a JSON object"),
        ('{"source": "aws.ec2"}', "neither a list nor an object"),
        ('{"$or": {"source": ["aws.ec2"]}}', "not a list of patterns"),
        ('{"detail": {"errorCode": [{"exists": false}]}}', "detail.errorCode"),
        ("[" * 100_000 + "]" * 100_000, "not valid JSON"),
        (None, "no event pattern"),
    ],
)
def test_hostile_event_patterns_are_notes(text: Any, note: str) -> None:
    verdict = event_pattern_events(text, ROUTES, "111111111111", "eu-west-1")
    assert verdict.events == frozenset()
    assert any(note in n for n in verdict.notes), verdict.notes


def test_another_services_pattern_leaves_no_note() -> None:
    pattern = {"source": ["aws.s3"], "detail": {"requestParameters": {"bucketName": ["b"]}}}
    verdict = event_pattern_events(json.dumps(pattern), ROUTES, "1", "eu-west-1")
    assert verdict == event_pattern_events('{"source": ["aws.s3"]}', ROUTES, "1", "eu-west-1")
    assert verdict.notes == ()


CIS_4_13 = (
    "{($.eventSource = ec2.amazonaws.com) && ($.eventName = CreateRoute) || "
    "($.eventName = CreateRouteTable) || ($.eventName = ReplaceRoute) || "
    "($.eventName = ReplaceRouteTableAssociation) || ($.eventName = DeleteRouteTable) || "
    "($.eventName = DeleteRoute) || ($.eventName = DisassociateRouteTable) }"
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (CIS_4_13, ALL_ROUTES),
        (
            '{ ($.eventName = CreateRoute) || ($.eventName = "DeleteRoute") }',
            {"CreateRoute", "DeleteRoute"},
        ),
        ("{$.eventName=CreateRoute||$.eventName=ReplaceRoute}", {"CreateRoute", "ReplaceRoute"}),
        ("{ $.eventName = Create* }", {"CreateRoute", "CreateRouteTable"}),
        (
            '{ $.eventName = "*Table" }',
            {"CreateRouteTable", "DeleteRouteTable", "DisassociateRouteTable"},
        ),
        ("{ $.eventName != CreateRoute }", ALL_ROUTES - {"CreateRoute"}),
        ("{ $.eventSource = ec2.amazonaws.com }", ALL_ROUTES),
        ("{ $.eventSource = s3.amazonaws.com }", frozenset()),
        ("{ ($.eventSource = ec2.amazonaws.com) && ($.eventName = DeleteRoute) }", {"DeleteRoute"}),
        # a field netwarden cannot know: not covered where it decides
        ('{ ($.errorCode = "*") && ($.eventName = CreateRoute) }', frozenset()),
        ('{ ($.errorCode = "x") || ($.eventName = CreateRoute) }', {"CreateRoute"}),
        ("{ $.eventName = %Create.*% }", frozenset()),
        ("{ $.eventName IS NULL }", frozenset()),
        ("{ $.eventName > 3 }", frozenset()),
        # && and || mixed without parentheses: counted only where both readings agree
        (
            "{ $.errorCode = x && $.eventName = CreateRoute || $.eventName = DeleteRoute }",
            {"DeleteRoute"},
        ),
        # CreateRoute: true if && binds tighter, false read left to right
        (
            "{ $.eventName = CreateRoute || $.errorCode = x && $.eventName = DeleteRoute }",
            frozenset(),
        ),
    ],
)
def test_metric_filter_patterns(text: str, expected: Any) -> None:
    assert filter_pattern_events(text, ROUTES).events == frozenset(expected)


@pytest.mark.parametrize(
    ("text", "note"),
    [
        ("CreateRoute", "not a JSON filter pattern"),
        ("[ip, user, ..., status_code = 4*]", "not a JSON filter pattern"),
        ("{ ($.eventName = CreateRoute) ", "does not parse"),
        ("{ $.eventName = }", "does not parse"),
        ("{ eventName = CreateRoute }", "does not parse"),
        ("{ $.eventName = CreateRoute } trailing", "does not parse"),
        ('{ $.eventName = "unterminated }', "does not parse"),
        ("{" + "(" * 20_000 + "$.eventName = CreateRoute" + ")" * 20_000 + "}", "does not parse"),
        ("{ $.errorCode = x }", "cannot judge"),
        (None, "not a JSON filter pattern"),
    ],
)
def test_hostile_filter_patterns_are_notes(text: Any, note: str) -> None:
    verdict = filter_pattern_events(text, ROUTES)
    assert verdict.events == frozenset()
    assert any(note in n for n in verdict.notes), verdict.notes


def test_nesting_within_the_length_limit_parses() -> None:
    deep = "{" + "(" * 400 + "$.eventName = CreateRoute" + ")" * 400 + "}"
    assert filter_pattern_events(deep, ROUTES).events == {"CreateRoute"}


def rule(name: str, pattern: Any, state: str = "ENABLED", **extra: Any) -> dict[str, Any]:
    text = pattern if isinstance(pattern, str) or pattern is None else json.dumps(pattern)
    return {"Name": name, "EventPattern": text, "State": state, **extra}


EVERY_EC2_CALL = {"source": ["aws.ec2"], "detail-type": ["AWS API Call via CloudTrail"]}


def test_event_rules_count_only_when_enabled_unmanaged_and_targeted() -> None:
    coverage = Coverage(FAMILIES["route-table"])
    rules = [
        rule("off", EVERY_EC2_CALL, state="DISABLED"),
        rule("untargeted", EVERY_EC2_CALL),
        rule("managed", EVERY_EC2_CALL, ManagedBy="securityhub.amazonaws.com"),
        rule("other-bus", EVERY_EC2_CALL, EventBusName="audit"),
        rule("schedule", None, ScheduleExpression="rate(1 hour)"),
        rule("broken", "{not json"),
        rule("creates", {"detail": {"eventName": [{"prefix": "Create"}]}}),
    ]
    targets = {n: [{"Id": "t", "Arn": "arn:sns"}] for n in ("off", "managed", "creates")}
    add_event_rules(coverage, rules, targets, "111111111111", "eu-west-1")
    assert coverage.missing == [e for e in ROUTES if not e.startswith("Create")]
    annotation = coverage.annotation()
    assert annotation["covered_by"] == {
        "CreateRoute": ["EventBridge rule creates"],
        "CreateRouteTable": ["EventBridge rule creates"],
    }
    assert annotation["notes"] == [
        "EventBridge rule broken: the event pattern is not valid JSON",
        "EventBridge rule managed matches but is managed by securityhub.amazonaws.com",
        "EventBridge rule off matches but is DISABLED",
        "EventBridge rule untargeted matches but has no target",
    ]


def test_several_rules_together_cover_a_family() -> None:
    coverage = Coverage(FAMILIES["route-table"])
    rules = [
        rule("creates", {"detail": {"eventName": [{"prefix": "Create"}]}}),
        rule("rest", {"detail": {"eventName": [{"anything-but": {"prefix": "Create"}}]}}),
    ]
    targets = {"creates": ["t"], "rest": ["t"]}
    add_event_rules(coverage, rules, targets, "111111111111", "eu-west-1")
    assert coverage.missing == []


def metric_filter(pattern: str, log_group: str = "trail", metric: str = "Routes") -> Any:
    return {
        "filterName": metric,
        "logGroupName": log_group,
        "filterPattern": pattern,
        "metricTransformations": [{"metricName": metric, "metricNamespace": "CIS"}],
    }


def alarm(metric: str, actions: bool = True, enabled: bool = True) -> dict[str, Any]:
    return {
        "Namespace": "CIS",
        "MetricName": metric,
        "AlarmActions": ["arn:sns"] if actions else [],
        "ActionsEnabled": enabled,
    }


def test_metric_filters_need_the_trails_log_group_and_an_alarm_with_an_action() -> None:
    def covered(filters: list[Any], alarms: list[Any]) -> list[str]:
        coverage = Coverage(FAMILIES["route-table"])
        add_metric_filters(coverage, "trail", filters, alarms)
        return sorted(coverage.by_event)

    assert covered([metric_filter(CIS_4_13)], [alarm("Routes")]) == sorted(ROUTES)
    assert covered([metric_filter(CIS_4_13)], []) == []
    assert covered([metric_filter(CIS_4_13)], [alarm("Routes", actions=False)]) == []
    assert covered([metric_filter(CIS_4_13)], [alarm("Routes", enabled=False)]) == []
    assert covered([metric_filter(CIS_4_13)], [alarm("Other")]) == []
    assert covered([metric_filter(CIS_4_13, log_group="elsewhere")], [alarm("Routes")]) == []
    assert covered([{"logGroupName": "trail", "filterPattern": 7}], [alarm("Routes")]) == []


@pytest.mark.parametrize(
    ("arn", "expected"),
    [
        (
            "arn:aws:logs:eu-west-1:111111111111:log-group:cloudtrail/org:*",
            ("eu-west-1", "cloudtrail/org"),
        ),
        ("arn:aws:logs:us-east-1:111111111111:log-group:trail", ("us-east-1", "trail")),
        ("arn:aws:s3:::bucket", None),
        ("garbage", None),
        (None, None),
    ],
)
def test_log_group_of_a_trail(arn: Any, expected: Any) -> None:
    assert log_group_of(arn) == expected
