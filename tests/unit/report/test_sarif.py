"""SARIF: schema-valid, what GitHub code scanning needs, deterministic, capped at the limit."""

from __future__ import annotations

import json
import random
from dataclasses import replace

from scanner.model import Location
from scanner.report import DRIFT_RULES, sarif
from tests.unit.report.fixtures import (
    FINDINGS,
    RUN,
    drift_finding,
    flow_finding,
    hostile_finding,
    info_finding,
    sg_finding,
)
from tests.unit.report.helpers import assert_valid_sarif

SEVERITY_RANGES = {
    "critical": (9.0, 10.0),
    "high": (7.0, 8.9),
    "medium": (4.0, 6.9),
    "low": (0.1, 3.9),
}


def _run(log: dict) -> dict:
    assert log["version"] == "2.1.0"
    assert len(log["runs"]) == 1
    return log["runs"][0]


def test_valid_against_the_schema_for_every_shape() -> None:
    for findings in (FINDINGS, (), (hostile_finding(),), (info_finding(),)):
        assert_valid_sarif(sarif.render(findings, RUN))
    assert_valid_sarif(sarif.render(FINDINGS, replace(RUN, rules=(), coverage_gaps=())))


def test_one_rule_per_policy_and_drift_kind_with_everything_github_shows() -> None:
    run = _run(assert_valid_sarif(sarif.render(FINDINGS, RUN)))
    rules = run["tool"]["driver"]["rules"]
    ids = [rule["id"] for rule in rules]
    assert ids == sorted(ids)
    drift = {f"{f.rule_id}/{f.severity}" for f in FINDINGS if f.kind == "drift"}
    assert set(ids) == {r.id for r in RUN.rules} | drift
    assert {i.rsplit("/", 1)[0] for i in drift} <= {r.id for r in DRIFT_RULES}
    for rule in rules:
        for key in (
            "name",
            "shortDescription",
            "fullDescription",
            "help",
            "helpUri",
            "defaultConfiguration",
        ):
            assert rule.get(key), (rule["id"], key)
        assert rule["help"]["text"] and rule["help"]["markdown"]
        assert "Risk" in rule["help"]["markdown"] and "Remediation" in rule["help"]["markdown"]
        assert "https://" in rule["help"]["markdown"]
        props = rule["properties"]
        assert "security" in props["tags"] and len(props["tags"]) <= 10
        severity = props["severity"]
        if severity == "info":
            assert rule["defaultConfiguration"]["level"] == "note"
            assert "security-severity" not in props
        else:
            low, high = SEVERITY_RANGES[severity]
            assert low <= float(props["security-severity"]) <= high
        if rule["id"].startswith("drift/"):
            assert rule["id"].endswith(f"/{severity}")  # the drift's own severity


def test_drift_security_severity_is_the_drifts_own() -> None:
    narrowing = replace(drift_finding(), severity="low")
    widening = replace(drift_finding(line=40), severity="high", resource_id="sg-0wide")
    run = _run(assert_valid_sarif(sarif.render([narrowing, widening], RUN)))
    by_id = {rule["id"]: rule for rule in run["tool"]["driver"]["rules"]}
    assert float(by_id["drift/modified/low"]["properties"]["security-severity"]) < 4.0
    assert float(by_id["drift/modified/high"]["properties"]["security-severity"]) >= 7.0
    assert {r["ruleId"] for r in run["results"]} == {"drift/modified/low", "drift/modified/high"}
    assert {r["properties"]["ruleId"] for r in run["results"]} == {"drift/modified"}


def test_every_result_points_at_its_rule_and_a_physical_location() -> None:
    run = _run(assert_valid_sarif(sarif.render(FINDINGS, RUN)))
    rules = run["tool"]["driver"]["rules"]
    assert len(run["results"]) == len(FINDINGS)
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] in ("error", "warning", "note")
        physical = result["locations"][0]["physicalLocation"]
        assert physical["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        assert not physical["artifactLocation"]["uri"].startswith("/")
        assert physical["region"]["startLine"] >= 1
        logical = result["locations"][0]["logicalLocations"][0]
        props = result["properties"]
        assert logical["fullyQualifiedName"] == (props["arn"] or logical["fullyQualifiedName"])
        for key in ("account", "region", "arn", "remediation", "resourceId", "severity"):
            assert key in props
    assert "%SRCROOT%" in run["originalUriBaseIds"]


def test_results_at_their_location_and_the_policy_related_when_elsewhere() -> None:
    at_entry = replace(
        sg_finding("sg-0listed"), location=Location("baselines/123456789012/us-east-1.yaml", 7)
    )
    findings = [sg_finding(), at_entry, drift_finding(line=31)]
    run = _run(json.loads(sarif.render(findings, RUN)))
    where = {
        (r["properties"]["kind"], r["properties"]["resourceId"]): (
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            r["locations"][0]["physicalLocation"]["region"]["startLine"],
            [
                (
                    x["physicalLocation"]["artifactLocation"]["uri"],
                    x["physicalLocation"]["region"]["startLine"],
                )
                for x in r.get("relatedLocations", [])
            ],
        )
        for r in run["results"]
    }
    # Not in the baseline: at the policy line, nothing related.
    assert where[("policy", "sg-0a1b2c3d")] == ("policies/network.yml", 12, [])
    # In the baseline: at its entry, the policy related.
    assert where[("policy", "sg-0listed")] == (
        "baselines/123456789012/us-east-1.yaml",
        7,
        [("policies/network.yml", 12)],
    )
    assert where[("drift", drift_finding().resource_id)][:2] == (
        "baselines/123456789012/us-east-1.yaml",
        31,
    )


def test_message_is_short_and_the_evidence_is_in_properties() -> None:
    finding = sg_finding()
    [result] = _run(json.loads(sarif.render([finding], RUN)))["results"]
    text = result["message"]["text"]
    for part in ("sg-0a1b2c3d", "123456789012", "us-east-1", "aws.security-group"):
        assert part in text
    assert "Evidence" not in text and "{" not in text and len(text) < 400
    assert text.endswith(".")
    assert result["properties"]["evidence"] == dict(finding.evidence)
    logical = result["locations"][0]["logicalLocations"][0]
    assert logical["fullyQualifiedName"] == finding.arn


def test_the_message_names_the_resource_once() -> None:
    # The policy stage's messages start with the resource; SARIF's prefix already says it.
    finding = replace(
        sg_finding(),
        message="security-group sg-0a1b2c3d (123456789012/us-east-1): tcp 22 from 0.0.0.0/0",
    )
    [result] = _run(json.loads(sarif.render([finding], RUN)))["results"]
    assert result["message"]["text"] == (
        "sg-0a1b2c3d (aws.security-group, 123456789012/us-east-1): tcp 22 from 0.0.0.0/0."
    )
    # A drift's message is worded from its evidence, whatever the finding's message says.
    drift = replace(
        sg_finding(),
        kind="drift",
        rule_id="drift/added",
        message="anything",
        evidence={"change": "added", "changes": [], "after": {"GroupName": "x"}},
    )
    [result] = _run(json.loads(sarif.render([drift], RUN)))["results"]
    assert result["message"]["text"] == (
        "Security group sg-0a1b2c3d was created outside the baseline (123456789012/us-east-1)."
    )
    # Another message that merely mentions the resource keeps every word.
    other = replace(finding, message="peer of x sg-0a1b2c3d (123456789012/us-east-1): y")
    [result] = _run(json.loads(sarif.render([other], RUN)))["results"]
    assert "peer of x sg-0a1b2c3d" in result["message"]["text"]


def test_levels_follow_severity() -> None:
    run = _run(json.loads(sarif.render([sg_finding(), flow_finding(), info_finding()], RUN)))
    assert [r["level"] for r in run["results"]] == ["error", "warning", "note"]


def test_clean_scan_has_empty_results_and_scope_id() -> None:
    run = _run(assert_valid_sarif(sarif.render([], RUN)))
    assert run["results"] == []
    assert run["automationDetails"]["id"] == "netwarden/"
    # Adding an account never changes the category (old alerts would stay open forever).
    for accounts in (("123456789012",), tuple(f"{i:012d}" for i in range(9))):
        other = replace(RUN, accounts=accounts)
        assert _run(json.loads(sarif.render([], other)))["automationDetails"]["id"] == (
            "netwarden/"
        )
    named = replace(RUN, scope="netwarden-shard-2")
    assert _run(json.loads(sarif.render([], named)))["automationDetails"]["id"] == (
        "netwarden-shard-2/"
    )


def test_deterministic_whatever_the_input_order() -> None:
    first = sarif.render(FINDINGS, RUN)
    shuffled = list(FINDINGS)
    random.Random(7).shuffle(shuffled)
    assert sarif.render(shuffled, RUN) == first
    assert "2026-11-28" not in json.dumps(json.loads(first)["runs"][0]["results"])


def test_cut_at_the_limit_keeps_the_most_severe_and_says_so() -> None:
    findings = [flow_finding(), info_finding()] + [sg_finding(f"sg-{i:04x}") for i in range(5)]
    log = assert_valid_sarif(sarif.render(findings, RUN, max_results=4))
    run = _run(log)
    assert len(run["results"]) == 4
    assert {r["properties"]["severity"] for r in run["results"]} == {"high"}
    assert run["properties"]["truncated"] is True
    assert run["properties"]["findingsTotal"] == 7
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert any("4 most severe of 7" in n["message"]["text"] for n in notes)
    assert sarif.render(list(reversed(findings)), RUN, max_results=4) == sarif.render(
        findings, RUN, max_results=4
    )
    assert sarif.MAX_RESULTS == 25_000


def test_coverage_gaps_become_tool_notifications() -> None:
    run = _run(json.loads(sarif.render([], RUN)))
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert any("aws.network-firewall" in n["message"]["text"] for n in notes)


def test_unknown_rule_still_gets_a_descriptor() -> None:
    odd = replace(sg_finding(), rule_id="NW-X-999", location=Location("policies/x.yml", 0))
    run = _run(assert_valid_sarif(sarif.render([odd], RUN)))
    result = run["results"][0]
    assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == "NW-X-999"
    assert result["locations"][0]["physicalLocation"]["region"]["startLine"] == 1


def test_absolute_location_becomes_a_file_uri() -> None:
    absolute = replace(sg_finding(), location=Location("/srv/pack/net work.yml", 3))
    run = _run(assert_valid_sarif(sarif.render([absolute], RUN)))
    artifact = run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert artifact == {"uri": "file:///srv/pack/net%20work.yml"}


def test_coverage_gap_notifications_are_capped() -> None:
    gaps = tuple(
        {"account": "1", "region": "r", "type": f"aws.t{i}", "code": "X", "message": "m"}
        for i in range(sarif.MAX_GAP_NOTES + 5)
    )
    run = _run(assert_valid_sarif(sarif.render([], replace(RUN, coverage_gaps=gaps))))
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert len(notes) == sarif.MAX_GAP_NOTES + 1
    assert notes[-1]["message"]["text"].startswith("5 more resource types")


def test_a_drift_message_is_one_short_sentence_with_the_evidence_in_properties() -> None:
    """No rule or evidence JSON in the text (it used to carry it cut at 120 characters)."""
    rules = [
        {"protocol": "tcp", "from_port": p, "to_port": p, "cidr": "0.0.0.0/0",
         "description": "temp debug " * 20}
        for p in (22, 3389, 5432, 6379)
    ]  # fmt: skip
    changes = [{"field": "ingress", "change": "added", "element": True, "new": r} for r in rules]
    drift = replace(
        sg_finding(),
        kind="drift",
        rule_id="drift/modified",
        severity="critical",
        message="x" * 2000,
        evidence={"change": "modified", "changes": changes},
        exposure={"reachable": True, "enis": ["eni-1", "eni-2"], "blocked_by": ""},
    )
    [result] = _run(json.loads(sarif.render([drift], RUN)))["results"]
    assert result["message"]["text"] == (
        "Security group sg-0a1b2c3d gained ingress tcp/22 from 0.0.0.0/0, gained ingress "
        "tcp/3389 from 0.0.0.0/0 and gained ingress tcp/5432 from 0.0.0.0/0 outside the "
        "baseline (+1 more) (123456789012/us-east-1): it opens a path from the internet to 2 "
        "network interface(s)."
    )
    assert "{" not in result["message"]["text"]
    assert result["properties"]["evidence"]["changes"] == changes
