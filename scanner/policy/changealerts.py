"""Which network changes alert someone (pure): EventBridge event patterns and CloudTrail
metric filters judged against the CloudTrail events of CIS AWS Foundations 4.10-4.14.

A change family is covered in a region when every one of its events reaches an alert: an
enabled EventBridge rule with a target whose pattern matches the event, or a metric filter on
the log group of a logging multi-region trail whose pattern matches it and whose metric has an
alarm with an action (the CIS 4.x method). Patterns come from other people's accounts, so the
judgement is three-valued and conservative: an event counts as covered only when the pattern
certainly matches every CloudTrail record of that event. A condition on a field netwarden cannot
know (``detail.userIdentity``, ``$.errorCode``...), an operator it does not model, or a pattern
that does not parse makes the event *not* covered, with a note saying why, never an exception.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

# --- the families ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Family:
    name: str  # the filter's `family` option
    title: str
    cis: str
    events: tuple[str, ...]


# CIS AWS Foundations Benchmark v3.0.0, 4.10-4.14 (= Security Hub CloudWatch.10-14): the event
# names each recommended metric filter lists.
FAMILIES: dict[str, Family] = {
    f.name: f
    for f in (
        Family(
            "security-group",
            "security group changes",
            "4.10",
            (
                "AuthorizeSecurityGroupIngress",
                "AuthorizeSecurityGroupEgress",
                "RevokeSecurityGroupIngress",
                "RevokeSecurityGroupEgress",
                "CreateSecurityGroup",
                "DeleteSecurityGroup",
            ),
        ),
        Family(
            "network-acl",
            "network ACL changes",
            "4.11",
            (
                "CreateNetworkAcl",
                "CreateNetworkAclEntry",
                "DeleteNetworkAcl",
                "DeleteNetworkAclEntry",
                "ReplaceNetworkAclEntry",
                "ReplaceNetworkAclAssociation",
            ),
        ),
        Family(
            "network-gateway",
            "network gateway changes",
            "4.12",
            (
                "CreateCustomerGateway",
                "DeleteCustomerGateway",
                "AttachInternetGateway",
                "CreateInternetGateway",
                "DeleteInternetGateway",
                "DetachInternetGateway",
            ),
        ),
        Family(
            "route-table",
            "route table changes",
            "4.13",
            (
                "CreateRoute",
                "CreateRouteTable",
                "ReplaceRoute",
                "ReplaceRouteTableAssociation",
                "DeleteRouteTable",
                "DeleteRoute",
                "DisassociateRouteTable",
            ),
        ),
        Family(
            "vpc",
            "VPC changes",
            "4.14",
            (
                "CreateVpc",
                "DeleteVpc",
                "ModifyVpcAttribute",
                "AcceptVpcPeeringConnection",
                "CreateVpcPeeringConnection",
                "DeleteVpcPeeringConnection",
                "RejectVpcPeeringConnection",
                "AttachClassicLinkVpc",
                "DetachClassicLinkVpc",
                "DisableVpcClassicLink",
                "EnableVpcClassicLink",
            ),
        ),
    )
}

# What every CloudTrail record of an EC2 API call is known to carry, besides its event name.
EVENT_SOURCE = "ec2.amazonaws.com"
EVENTBRIDGE_SOURCE = "aws.ec2"
DETAIL_TYPE = "AWS API Call via CloudTrail"
EVENT_TYPE = "AwsApiCall"

# Three-valued logic: True (certainly matches), False (certainly not), None (cannot tell).
Tri = bool | None


def _and(values: Iterable[Tri]) -> Tri:
    result: Tri = True
    for value in values:
        if value is False:
            return False
        if value is None:
            result = None
    return result


def _or(values: Iterable[Tri]) -> Tri:
    result: Tri = False
    for value in values:
        if value is True:
            return True
        if value is None:
            result = None
    return result


@dataclass(frozen=True)
class Verdict:
    """The events one pattern certainly alerts on, and why others are not counted."""

    events: frozenset[str]
    notes: tuple[str, ...] = ()


# --- EventBridge event patterns -------------------------------------------------------------


def _event(name: str, account: str, region: str) -> dict[str, Any]:
    # The fields of the EventBridge event for one CloudTrail-recorded EC2 call that are known
    # without the record itself; any other field the pattern names is unknown.
    return {
        "source": EVENTBRIDGE_SOURCE,
        "detail-type": DETAIL_TYPE,
        "account": account,
        "region": region,
        "detail": {"eventSource": EVENT_SOURCE, "eventName": name, "eventType": EVENT_TYPE},
    }


def _wildcard(pattern: str, value: str) -> Tri:
    if "\\" in pattern:  # escaped stars: not modelled
        return None
    regex = "".join(".*" if part == "*" else re.escape(part) for part in re.split(r"(\*)", pattern))
    return re.fullmatch(regex, value, flags=re.DOTALL) is not None


def _string_test(operator: str, operand: Any, value: str) -> Tri:
    """One string operator of an EventBridge matcher (prefix, suffix, equals-ignore-case,
    wildcard), or None when its operand is not a form netwarden models."""
    if operator in ("prefix", "suffix") and isinstance(operand, Mapping):
        # {"prefix": {"equals-ignore-case": "..."}}
        inner = operand.get("equals-ignore-case")
        if len(operand) != 1 or not isinstance(inner, str):
            return None
        value, operand = value.lower(), inner.lower()
    if not isinstance(operand, str):
        return None
    if operator == "prefix":
        return value.startswith(operand)
    if operator == "suffix":
        return value.endswith(operand)
    if operator == "equals-ignore-case":
        return value.lower() == operand.lower()
    if operator == "wildcard":
        return _wildcard(operand, value)
    return None


def _anything_but(operand: Any, value: str) -> Tri:
    if isinstance(operand, list):
        if not all(isinstance(o, str | int | float) for o in operand):
            return None
        return value not in operand
    if isinstance(operand, str | int | float) and not isinstance(operand, bool):
        return value != operand
    if isinstance(operand, Mapping) and len(operand) == 1:
        [(operator, inner)] = operand.items()
        if isinstance(inner, list):  # {"anything-but": {"prefix": [..]}} (newer form)
            return _and(
                None if (r := _string_test(operator, i, value)) is None else not r for i in inner
            )
        result = _string_test(operator, inner, value)
        return None if result is None else not result
    return None


def _element(element: Any, value: str) -> Tri:
    """One element of a matcher list against a known string value."""
    if isinstance(element, str):
        return element == value
    if element is None or isinstance(element, bool | int | float):
        return False  # null, booleans and numbers never equal a string
    if not isinstance(element, Mapping) or len(element) != 1:
        return None
    [(operator, operand)] = element.items()
    if operator == "exists":
        return bool(operand) if isinstance(operand, bool) else None
    if operator == "anything-but":
        return _anything_but(operand, value)
    if operator in ("numeric", "cidr"):
        return False  # numeric and IP matchers never match a string such as an event name
    return _string_test(operator, operand, value)


def _match(
    pattern: Mapping[str, Any], known: Mapping[str, Any], path: str, notes: list[str]
) -> Tri:
    """Whether ``pattern`` matches every event with the ``known`` fields; a condition on a
    field that is not known, or in a form not modelled, is None with a note."""
    results: list[Tri] = []
    for key, matcher in pattern.items():
        where = f"{path}{key}"
        if key == "$or":
            if not isinstance(matcher, list) or not all(isinstance(m, Mapping) for m in matcher):
                notes.append(f"'$or' at {where} is not a list of patterns")
                results.append(None)
            else:
                results.append(_or([_match(m, known, path, notes) for m in matcher]))
        elif isinstance(matcher, Mapping):
            inner = known.get(key)
            if isinstance(inner, Mapping):
                results.append(_match(matcher, inner, f"{where}.", notes))
            else:
                notes.append(f"the pattern filters on {where}, which netwarden cannot judge")
                results.append(None)
        elif isinstance(matcher, list):
            if key not in known or isinstance(known[key], Mapping):
                notes.append(f"the pattern filters on {where}, which netwarden cannot judge")
                results.append(None)
                continue
            verdict = _or([_element(element, str(known[key])) for element in matcher])
            if verdict is None:
                notes.append(f"the matcher at {where} uses a form netwarden does not model")
            results.append(verdict)
        else:
            notes.append(f"the value at {where} is neither a list nor an object")
            results.append(None)
    return _and(results)


def event_pattern_events(text: Any, events: Sequence[str], account: str, region: str) -> Verdict:
    """The ``events`` an EventBridge event pattern (the JSON text ListRules returns) certainly
    matches, as CloudTrail-recorded EC2 API calls in ``account`` and ``region``."""
    if not isinstance(text, str):
        return Verdict(frozenset(), ("the rule has no event pattern",))
    try:
        pattern = json.loads(text)
    except (ValueError, RecursionError):
        return Verdict(frozenset(), ("the event pattern is not valid JSON",))
    if not isinstance(pattern, Mapping):
        return Verdict(frozenset(), ("the event pattern is not a JSON object",))
    covered = set()
    notes: list[str] = []
    for name in events:
        reasons: list[str] = []
        try:
            verdict = _match(pattern, _event(name, account, region), "", reasons)
        except RecursionError:
            return Verdict(frozenset(), ("the event pattern is nested too deeply",))
        if verdict is True:
            covered.add(name)
        elif verdict is None:  # notes only where they decided: not for another service's rule
            notes.extend(reasons)
    return Verdict(frozenset(covered), tuple(dict.fromkeys(notes)))


# --- CloudWatch Logs metric filter patterns -------------------------------------------------

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<op>&&|\|\||!=|<=|>=|=|<|>|\(|\)|\{|\})
      | (?P<quoted>"(?:[^"\\]|\\.)*")
      | (?P<bare>[^\s()&|{}=!<>"]+)
    )""",
    re.VERBOSE,
)
_KNOWN_FIELDS = {"$.eventSource": EVENT_SOURCE, "$.eventType": EVENT_TYPE}
_MAX_TOKENS = 10_000  # AWS caps a filter pattern at 1,024 characters; this is generous


class _Malformed(Exception):
    pass


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    position = 0
    stripped = text.rstrip()
    while position < len(stripped):
        found = _TOKEN.match(stripped, position)
        if not found or found.end() == position:
            raise _Malformed(f"unexpected text at character {position + 1}")
        kind = found.lastgroup or ""
        tokens.append((kind, found.group(kind)))
        position = found.end()
        if len(tokens) > _MAX_TOKENS:
            raise _Malformed("the pattern is too long")
    return tokens


def _unquote(kind: str, token: str) -> str:
    if kind != "quoted":
        return token
    return re.sub(r"\\(.)", r"\1", token[1:-1])


def _compare(selector: str, operator: str, kind: str, raw: str, name: str) -> Tri:
    known = {**_KNOWN_FIELDS, "$.eventName": name}
    if selector not in known:
        return None
    if operator not in ("=", "!="):
        return None  # numeric comparisons on a string field: not modelled
    value = _unquote(kind, raw)
    if value.startswith("%") and value.endswith("%") and len(value) > 1:
        return None  # a regular expression: not modelled
    equal = _wildcard(value, known[selector]) if "*" in value else value == known[selector]
    if equal is None:
        return None
    return equal if operator == "=" else not equal


class _Parser:
    """``{ expr }`` where expr is comparisons joined by && and || with parentheses.

    Which of && and || binds tighter is not documented; a level that mixes them without
    parentheses is evaluated both ways, and counts only where both agree."""

    def __init__(self, tokens: list[tuple[str, str]], name: str) -> None:
        self.tokens = tokens
        self.at = 0
        self.name = name

    def peek(self) -> tuple[str, str]:
        return self.tokens[self.at] if self.at < len(self.tokens) else ("end", "")

    def take(self) -> tuple[str, str]:
        token = self.peek()
        self.at += 1
        return token

    def expect(self, value: str) -> None:
        if self.take() != ("op", value):
            raise _Malformed(f"expected {value!r}")

    def whole(self) -> Tri:
        self.expect("{")
        result = self.level()
        self.expect("}")
        if self.peek()[0] != "end":
            raise _Malformed("text after the closing brace")
        return result

    def level(self) -> Tri:
        operands = [self.operand()]
        operators: list[str] = []
        while self.peek() in (("op", "&&"), ("op", "||")):
            operators.append(self.take()[1])
            operands.append(self.operand())
        return _levels(operands, operators)

    def operand(self) -> Tri:
        if self.peek() == ("op", "("):
            self.take()
            result = self.level()
            self.expect(")")
            return result
        kind, selector = self.take()
        if kind != "bare" or not selector.startswith("$"):
            raise _Malformed(f"expected a $.field selector, found {selector or 'the end'!r}")
        op_kind, operator = self.take()
        if op_kind == "bare" and operator.upper() in ("IS", "NOT"):
            # IS NULL, NOT EXISTS, IS TRUE...: read up to the next operator, judge as unknown
            while self.peek()[0] == "bare":
                self.take()
            return None
        if op_kind != "op" or operator not in ("=", "!=", "<", ">", "<=", ">="):
            raise _Malformed(f"expected a comparison after {selector}")
        value_kind, value = self.take()
        if value_kind not in ("bare", "quoted"):
            raise _Malformed(f"expected a value after {selector} {operator}")
        return _compare(selector, operator, value_kind, value, self.name)


def _levels(operands: list[Tri], operators: list[str]) -> Tri:
    if not operators:
        return operands[0]
    # && before ||
    groups: list[list[Tri]] = [[operands[0]]]
    for operator, operand in zip(operators, operands[1:], strict=True):
        if operator == "&&":
            groups[-1].append(operand)
        else:
            groups.append([operand])
    precedence = _or(_and(g) for g in groups)
    # left to right
    running = operands[0]
    for operator, operand in zip(operators, operands[1:], strict=True):
        running = _and((running, operand)) if operator == "&&" else _or((running, operand))
    return precedence if precedence == running else None


def filter_pattern_events(text: Any, events: Sequence[str]) -> Verdict:
    """The ``events`` a CloudWatch Logs metric filter pattern certainly matches in CloudTrail
    records of EC2 API calls, e.g. ``{ ($.eventName = CreateRoute) || ($.eventName = ...) }``.
    Only JSON patterns are judged: a text or space-delimited pattern counts for nothing."""
    if not isinstance(text, str) or not text.strip().startswith("{"):
        return Verdict(frozenset(), ("not a JSON filter pattern ({ $.eventName = ... })",))
    try:
        tokens = _tokens(text)
        verdicts = {e: _Parser(tokens, e).whole() for e in events}
    except _Malformed as malformed:
        return Verdict(frozenset(), (f"the filter pattern does not parse: {malformed}",))
    except RecursionError:
        return Verdict(frozenset(), ("the filter pattern is nested too deeply",))
    unsure = [e for e, v in verdicts.items() if v is None]
    notes = (
        (
            "the pattern has conditions netwarden cannot judge (a field other than "
            "eventName, eventSource or eventType, a numeric or regular-expression comparison, "
            f"IS/NOT EXISTS), deciding {', '.join(unsure)}",
        )
        if unsure
        else ()
    )
    return Verdict(frozenset(e for e, v in verdicts.items() if v is True), notes)


# --- a region's coverage --------------------------------------------------------------------

ENABLED_STATES = ("ENABLED", "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS")


@dataclass(frozen=True)
class Alarm:
    namespace: str
    metric: str


@dataclass
class Coverage:
    """Per event of one family, what alerts on it; and why candidates did not count."""

    family: Family
    by_event: dict[str, list[str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def add(self, events: Iterable[str], source: str) -> None:
        for event in events:
            self.by_event.setdefault(event, []).append(source)

    @property
    def missing(self) -> list[str]:
        return [e for e in self.family.events if e not in self.by_event]

    def annotation(self) -> dict[str, Any]:
        """What a finding shows: the family, the events nothing alerts on, what covers the
        others, and the notes (sorted, so that the fingerprint is stable)."""
        return {
            "family": self.family.name,
            "cis": self.family.cis,
            "missing_events": self.missing,
            "covered_by": {e: sorted(s) for e, s in sorted(self.by_event.items())},
            "notes": sorted(set(self.notes)),
        }


def add_event_rules(
    coverage: Coverage,
    rules: Iterable[Mapping[str, Any]],
    targets: Mapping[str, Sequence[Any]],
    account: str,
    region: str,
) -> None:
    """Credit the enabled EventBridge rules of the default bus that have a target."""
    for rule in rules:
        name = str(rule.get("Name"))
        where = f"EventBridge rule {name}"
        if rule.get("EventBusName", "default") != "default":
            continue  # CloudTrail events arrive on the default bus only
        if rule.get("EventPattern") is None:
            continue  # a schedule
        verdict = event_pattern_events(
            rule.get("EventPattern"), coverage.family.events, account, region
        )
        coverage.notes.extend(f"{where}: {note}" for note in verdict.notes)
        if not verdict.events:
            continue
        if rule.get("State") not in ENABLED_STATES:
            coverage.notes.append(f"{where} matches but is {rule.get('State')}")
        elif rule.get("ManagedBy"):
            coverage.notes.append(f"{where} matches but is managed by {rule.get('ManagedBy')}")
        elif not targets.get(name):
            coverage.notes.append(f"{where} matches but has no target")
        else:
            coverage.add(verdict.events, where)


def log_group_of(arn: Any) -> tuple[str, str] | None:
    """(region, log group name) of a trail's ``CloudWatchLogsLogGroupArn``
    (``arn:aws:logs:REGION:ACCOUNT:log-group:NAME:*``)."""
    if not isinstance(arn, str):
        return None
    parts = arn.split(":")
    if len(parts) < 7 or parts[0] != "arn" or parts[2] != "logs" or parts[5] != "log-group":
        return None
    return parts[3], parts[6]


def add_metric_filters(
    coverage: Coverage,
    log_group: str,
    metric_filters: Iterable[Mapping[str, Any]],
    alarms: Iterable[Mapping[str, Any]],
) -> None:
    """Credit the metric filters of the trail's ``log_group`` whose metric has an alarm with
    an action (the CIS 4.x method)."""
    alarmed = {
        Alarm(str(a.get("Namespace")), str(a.get("MetricName")))
        for a in alarms
        if a.get("AlarmActions") and a.get("ActionsEnabled") is not False
    }
    for metric_filter in metric_filters:
        if metric_filter.get("logGroupName") != log_group:
            continue
        where = f"metric filter {metric_filter.get('filterName')} on {log_group}"
        verdict = filter_pattern_events(metric_filter.get("filterPattern"), coverage.family.events)
        coverage.notes.extend(f"{where}: {note}" for note in verdict.notes)
        if not verdict.events:
            continue
        metrics = {
            Alarm(str(t.get("metricNamespace")), str(t.get("metricName")))
            for t in metric_filter.get("metricTransformations") or []
            if isinstance(t, Mapping)
        }
        if metrics & alarmed:
            coverage.add(verdict.events, where)
        else:
            coverage.notes.append(f"{where} matches but no alarm with an action watches its metric")
