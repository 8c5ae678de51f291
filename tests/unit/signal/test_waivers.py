"""waivers.yaml: validation at file:line, matching, expiry and stale waivers (literal data)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from scanner.errors import InputError
from scanner.waivers import apply_waivers, load_waivers, parse_waivers
from tests.unit.signal.findings import ACCOUNT, OTHER, finding

RULES = {"NW-SG-005", "NW-SG-001", "NW-DET-003"}
TODAY = dt.date(2026, 12, 1)
GOOD = """\
waivers:
  - rule: NW-SG-005            # a rule id
    resource: sg-0abc*
    account: "123456789012"
    region: eu-west-1
    reason: Default SG kept for a legacy appliance, ticket SEC-42
    owner: netops@example.com
    expires: 2027-03-31
  - rule: drift/*
    resource: igw-0123
    reason: Being migrated
    owner: cloud@example.com
    expires: "2026-11-30"
"""


def parse(text: str) -> list:  # type: ignore[type-arg]
    return parse_waivers(text, "waivers.yaml", RULES)


def error_of(text: str) -> InputError:
    with pytest.raises(InputError) as info:
        parse(text)
    return info.value


def test_contract_example_parses_with_lines() -> None:
    first, second = parse(GOOD)
    assert (first.rule, first.resource, first.account, first.region) == (
        "NW-SG-005",
        "sg-0abc*",
        ACCOUNT,
        "eu-west-1",
    )
    assert first.expires == dt.date(2027, 3, 31)
    assert (first.path, first.line) == ("waivers.yaml", 2)
    assert second.line == 9 and second.expires == dt.date(2026, 11, 30)
    assert first.reference() == {
        "reason": "Default SG kept for a legacy appliance, ticket SEC-42",
        "owner": "netops@example.com",
        "expires": "2027-03-31",
        "path": "waivers.yaml",
        "line": 2,
    }


@pytest.mark.parametrize("text", ["", "# nothing yet\n", "waivers:\n", "waivers: []\n"])
def test_empty_files_hold_no_waivers(text: str) -> None:
    assert parse(text) == []


ENTRY = {
    "rule": "NW-SG-005",
    "resource": "sg-1",
    "reason": "legacy appliance",
    "owner": "netops@example.com",
    "expires": "2027-03-31",
}


@pytest.mark.parametrize("missing", ["rule", "resource", "reason", "owner", "expires"])
def test_a_required_key_missing_is_an_error_at_the_waiver(missing: str) -> None:
    body = ", ".join(f"{k}: {v}" for k, v in ENTRY.items() if k != missing)
    text = "waivers:\n  - rule: NW-SG-001\n    resource: sg-2\n    reason: r\n    owner: o\n"
    text += "    expires: 2027-01-01\n  - {" + body + "}\n"
    err = error_of(text)
    assert (err.path, err.line) == ("waivers.yaml", 7)
    assert f"no {missing!r}" in err.message


def test_empty_reason_is_missing() -> None:
    err = error_of(
        GOOD.replace("reason: Default SG kept for a legacy appliance, ticket SEC-42", "reason: ''")
    )
    assert err.line == 2 and "'reason'" in err.message


def test_unknown_rule_is_an_error_at_its_line() -> None:
    err = error_of(GOOD.replace("rule: NW-SG-005 ", "rule: NW-SG-999 "))
    assert (err.line, "unknown rule 'NW-SG-999'" in err.message) == (2, True)
    assert str(err).startswith("waivers.yaml:2: ")


def test_unknown_key_names_its_line() -> None:
    err = error_of(
        GOOD.replace(
            "    owner: cloud@example.com\n", "    owner: cloud@example.com\n    ownr: x\n"
        )
    )
    assert err.line == 13 and "'ownr'" in err.message


@pytest.mark.parametrize(
    ("old", "new", "line", "words"),
    [
        ("expires: 2027-03-31", "expires: next year", 8, "must be a date"),
        ("expires: 2027-03-31", "expires: 2027-02-30", 8, "not a valid"),
        ('account: "123456789012"', "account: 12345", 4, "12-digit"),
        ('account: "123456789012"', 'account: "1234567890123"', 4, "12-digit"),
        ("region: eu-west-1", "region: 'eu west 1'", 5, "region"),
        ("resource: sg-0abc*", "resource: [sg-1]", 3, "must be a string"),
        ("owner: netops@example.com", "owner: {a: 1}", 7, "must be a string"),
    ],
)
def test_bad_values_are_errors_at_their_line(old: str, new: str, line: int, words: str) -> None:
    err = error_of(GOOD.replace(old, new, 1))
    assert err.line == line, err
    assert words in err.message


def test_an_unquoted_twelve_digit_account_is_accepted() -> None:
    assert parse(GOOD.replace('account: "123456789012"', "account: 123456789012"))[0].account == (
        ACCOUNT
    )


@pytest.mark.parametrize(
    "text",
    [
        "- rule: x\n",
        "waivers: {rule: x}\n",
        "waiver:\n  - rule: x\n",
        "waivers:\n  - just a string\n",
        "waivers: [\n",
        "waivers:\n  - rule: NW-SG-005\n    rule: NW-SG-001\n",
    ],
)
def test_malformed_documents_are_input_errors(text: str) -> None:
    err = error_of(text)
    assert err.path == "waivers.yaml" and err.line


def test_a_blanket_waiver_is_refused() -> None:
    text = "waivers:\n  - {rule: '*', resource: '*', reason: r, owner: o, expires: 2027-01-01}\n"
    assert "accepts everything" in error_of(text).message


def test_duplicates_are_refused() -> None:
    entry = "  - {rule: NW-SG-001, resource: sg-1, reason: r, owner: o, expires: 2027-01-01}\n"
    err = error_of("waivers:\n" + entry + entry)
    assert err.line == 3 and "line 2" in err.message


def test_load_reads_a_file_and_names_it(tmp_path: Path) -> None:
    path = tmp_path / "waivers.yaml"
    path.write_text(GOOD, encoding="utf-8")
    assert len(load_waivers(path, RULES)) == 2
    path.write_bytes(b"waivers:\n  - rule: \xff\n")
    with pytest.raises(InputError, match="UTF-8"):
        load_waivers(path, RULES)
    with pytest.raises(InputError, match="cannot read waivers"):
        load_waivers(tmp_path / "missing.yaml", RULES)


# --- applying ---------------------------------------------------------------------------


def test_a_matching_waiver_marks_the_finding_and_keeps_it() -> None:
    waivers = parse(GOOD)
    hit = finding("NW-SG-005", "sg-0abc1234")
    other_account = finding("NW-SG-005", "sg-0abc9999", account=OTHER)
    other_region = finding("NW-SG-005", "sg-0abc1234", region="us-east-1")
    other_rule = finding("NW-SG-001", "sg-0abc1234")
    outcome = apply_waivers([hit, other_account, other_region, other_rule], waivers, TODAY)
    assert [f.waiver is not None for f in outcome.findings] == [True, False, False, False]
    assert outcome.findings[0].waiver == waivers[0].reference()
    assert outcome.findings[0].fingerprint == hit.fingerprint  # the waiver is not identity
    assert [(w.line, n) for w, n in outcome.applied] == [(2, 1)]


def test_drift_star_matches_drift_only_and_expired_waivers_do_not_apply() -> None:
    waivers = parse(GOOD.replace('expires: "2026-11-30"', 'expires: "2026-12-01"'))
    drift = finding("drift/added", "igw-0123", kind="drift", resource_type="aws.internet-gateway")
    policy = finding("NW-SG-001", "igw-0123", resource_type="aws.internet-gateway")
    assert [
        f.waiver is not None for f in apply_waivers([drift, policy], waivers, TODAY).findings
    ] == [
        True,
        False,
    ]
    # The expiry day is the last day it holds; the next day it is expired and reported.
    later = apply_waivers([drift], waivers, TODAY + dt.timedelta(days=1))
    assert later.findings[0].waiver is None
    assert [(e.waiver.line, e.findings) for e in later.expired] == [(9, (drift.fingerprint,))]
    assert [w.line for w in later.stale] == [2]


def test_a_waiver_matching_nothing_is_stale() -> None:
    outcome = apply_waivers([finding("NW-SG-001", "sg-9")], parse(GOOD), TODAY)
    assert [w.line for w in outcome.stale] == [2]  # the drift one expired: not also stale
    assert [e.waiver.line for e in outcome.expired] == [9]
    assert outcome.waived == []


def test_arn_patterns_and_region_globs() -> None:
    text = (
        "waivers:\n"
        "  - rule: NW-SG-005\n"
        "    resource: 'arn:aws:ec2:eu-*:123456789012:security-group/*'\n"
        "    region: 'eu-*'\n"
        "    reason: r\n    owner: o\n    expires: 2027-01-01\n"
    )
    waivers = parse(text)
    inside = finding("NW-SG-005", "sg-1", region="eu-central-1")
    outside = finding("NW-SG-005", "sg-1", region="us-east-1")
    other = finding("NW-SG-005", "sg-1", region="eu-west-1", account=OTHER)
    marked = [
        f.waiver is not None
        for f in apply_waivers([inside, outside, other], waivers, TODAY).findings
    ]
    assert marked == [True, False, False]


def test_globs_are_case_sensitive_and_anchored() -> None:
    for pattern in ("sg-0ABC", "sg-0a", "g-0abc"):
        text = "waivers:\n  - {rule: NW-SG-005, reason: r, owner: o, expires: 2027-01-01, "
        text += f"resource: {pattern}}}\n"
        assert apply_waivers([finding(resource_id="sg-0abc")], parse(text), TODAY).waived == []


def test_first_waiver_in_file_order_wins() -> None:
    text = (
        "waivers:\n"
        "  - {rule: NW-SG-005, resource: 'sg-*', reason: first, owner: a, expires: 2027-01-01}\n"
        "  - {rule: '*', resource: sg-1, reason: second, owner: b, expires: 2027-01-01}\n"
    )
    outcome = apply_waivers([finding(resource_id="sg-1")], parse(text), TODAY)
    assert outcome.findings[0].waiver and outcome.findings[0].waiver["reason"] == "first"
    assert [w.line for w in outcome.stale] == [3]
