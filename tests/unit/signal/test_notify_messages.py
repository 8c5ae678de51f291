"""--notify: targets, what is sent (only new, unwaived, at or above the threshold), and
attacker text that stays inert in SNS, Slack and webhook messages."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from scanner.errors import InputError
from scanner.notify import build_notice, document, parse_target, slack_payload, sns_message
from scanner.notify.messages import SLACK_FINDING_BLOCKS, to_notify
from scanner.report.run import RunInfo
from tests.unit.signal.findings import ACCOUNT, OTHER, finding

RUN = RunInfo(
    tool_version="0.1.0",
    collected_at="2026-12-01T03:00:00+00:00",
    accounts=(ACCOUNT, OTHER),
    regions=("eu-west-1",),
    policy_pack_digest="d",
    policy_pack_dir="policies",
    baseline_dir="baselines",
    account_names={ACCOUNT: "prod", OTHER: "sandbox"},
)
HOSTILE = "<!channel> *bold* <https://evil.example|click> &amp; `x`\n\x1b]8;;http://e\x07 :skull:"


# --- targets ---------------------------------------------------------------------------------


def test_targets_parse() -> None:
    sns = parse_target("sns:arn:aws:sns:eu-west-1:123456789012:alerts")
    assert (sns.kind, sns.region, sns.account, sns.fifo) == ("sns", "eu-west-1", ACCOUNT, False)
    assert parse_target("sns:arn:aws-cn:sns:cn-north-1:123456789012:a.fifo").fifo
    slack = parse_target("slack:https://hooks.slack.com/services/T0/B0/SECRET")
    assert slack.kind == "slack"
    assert slack.label == "slack:https://hooks.slack.com/…"  # the secret path is never shown
    assert parse_target("webhook:http://127.0.0.1:8080/hook").kind == "webhook"
    assert parse_target("webhook:http://[::1]:8080/hook").kind == "webhook"


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("email:ops@example.com", "is not sns:"),
        ("https://hooks.slack.com/x", "is not sns:"),
        ("sns:arn:aws:sqs:eu-west-1:123456789012:q", "not an SNS topic ARN"),
        ("sns:arn:aws:sns:eu-west-1:1234:t", "not an SNS topic ARN"),
        ("slack:ftp://hooks.slack.com/x", "https://"),
        ("webhook:http://hooks.example.com/x", "only allowed to this machine"),
        ("webhook:https://", "https://"),
        ("webhook:https://host:99999/x", "not a URL"),
        ("webhook:https://host/a b", "control characters"),
        # urllib takes user:pass@ for part of the host, and its error printed the password
        ("webhook:https://ops:SECRET@hooks.example.com/x", "user name or password"),
        ("webhook:https://SECRET@hooks.example.com/x", "user name or password"),
        ("webhook:ftp://ops:SECRET@hooks.example.com/x", "https://"),
        ("webhok:https://ops:SECRET@hooks.example.com/x", "is not sns:"),
        ("webhook:https:ops:SECRET@hooks.example.com", "https://"),
        ("webhook:ftp://hooks.example.com?token=SECRET", "https://"),
        ("webhook:ftp://hooks.example.com#SECRET", "https://"),
    ],
)
def test_bad_targets_are_input_errors(value: str, words: str) -> None:
    with pytest.raises(InputError, match=words) as info:
        parse_target(value)
    assert "SECRET" not in str(info.value)


def test_an_error_never_echoes_a_webhook_secret() -> None:
    with pytest.raises(InputError) as info:
        parse_target("webhook:http://hooks.example.com/services/SECRET")
    assert "SECRET" not in str(info.value)


# --- what is told -------------------------------------------------------------------------


def test_only_new_unwaived_findings_at_or_above_the_threshold() -> None:
    new_high = replace(finding("NW-SG-001", "sg-1", severity="high"), status="new")
    new_low = replace(finding("NW-SG-001", "sg-2", severity="low"), status="new")
    old_critical = replace(finding("NW-SG-002", "sg-3", severity="critical"), status="existing")
    waived = replace(
        finding("NW-SG-002", "sg-4", severity="critical"), status="new", waiver={"reason": "r"}
    )
    unknown = finding("NW-SG-004", "sg-5", severity="critical")  # no --previous: it is news
    chosen = to_notify([new_low, old_critical, waived, new_high, unknown], "high")
    assert [f.resource_id for f in chosen] == ["sg-5", "sg-1"]
    assert build_notice([old_critical, waived, new_low], RUN, "high") is None
    assert to_notify([new_low], "low") == [new_low]


def test_sns_subject_and_body() -> None:
    findings = [
        replace(finding("NW-SG-002", f"sg-{i}", severity="critical"), status="new")
        for i in range(3)
    ] + [replace(finding("NW-SG-001", "sg-9", account=OTHER), status="new")]
    notice = build_notice(findings, RUN, "high")
    assert notice is not None
    subject, body = sns_message(notice)
    assert subject == "netwarden: 4 new findings at or above high (3 critical, 1 high)"
    data = json.loads(body)
    assert data["schema"] == "netwarden/notification/v1"
    assert data["new_findings"] == 4 and data["omitted"] == 0
    assert data["by_severity"] == {"critical": 3, "high": 1}
    assert data["accounts"] == [
        {"id": ACCOUNT, "name": "prod"},
        {"id": OTHER, "name": "sandbox"},
    ]
    first = data["findings"][0]
    assert first["fingerprint"] == findings[0].fingerprint
    assert (first["account_name"], first["status"]) == ("prod", "new")


def test_a_long_subject_is_cut_and_stays_ascii() -> None:
    notice = build_notice([finding(severity="critical")], RUN, "high")
    assert notice is not None
    long = replace(notice, threshold="h" * 200)
    subject, _ = sns_message(long)
    assert len(subject) < 100 and subject.isascii() and "\n" not in subject


def test_a_body_too_large_leaves_out_the_least_severe_and_says_so() -> None:
    big = [
        finding(
            "NW-SG-001", f"sg-{i:05d}", severity="critical" if i < 5 else "high", message="m" * 2000
        )
        for i in range(400)
    ]
    notice = build_notice(big, RUN, "high")
    assert notice is not None
    body = document(notice, 100_000)
    assert len(body.encode()) <= 100_000
    data = json.loads(body)
    assert data["new_findings"] == 400
    assert data["omitted"] == 400 - len(data["findings"]) > 0
    assert [f["severity"] for f in data["findings"][:5]] == ["critical"] * 5


def test_hostile_text_is_inert_everywhere() -> None:
    evil = finding("NW-SG-001", HOSTILE, severity="critical", message=HOSTILE, title="t " + HOSTILE)
    notice = build_notice([evil], replace(RUN, account_names={ACCOUNT: HOSTILE}), "high")
    assert notice is not None
    # JSON: ASCII only, and the value round-trips exactly.
    for body in (document(notice), sns_message(notice)[1]):
        assert body.isascii()
        assert json.loads(body)["findings"][0]["message"] == HOSTILE
    payload = slack_payload(notice)
    text_objects = _text_objects(payload["blocks"])
    for obj in text_objects:
        if obj["type"] == "mrkdwn":
            # netwarden's own text only: nothing of the resource's reaches mrkdwn.
            assert "channel" not in obj["text"] and "evil" not in obj["text"]
            assert "<" not in obj["text"] and ">" not in obj["text"]
        else:
            assert obj["emoji"] is False
            assert "\x1b" not in obj["text"] and "\x07" not in obj["text"]
    assert "<" not in payload["text"]
    assert any("<!channel>" in o["text"] for o in text_objects if o["type"] == "plain_text")
    # Exactly our three line breaks in the finding's section: none from the data.
    section = payload["blocks"][2]["text"]["text"]
    assert section.count("\n") == 2


def test_slack_respects_block_kit_limits() -> None:
    many = [finding("NW-SG-001", f"sg-{i}", message="x" * 5000) for i in range(120)]
    notice = build_notice(many, RUN, "high")
    assert notice is not None
    payload = slack_payload(notice)
    blocks = payload["blocks"]
    assert len(blocks) <= 50
    assert blocks[0]["type"] == "header" and len(blocks[0]["text"]["text"]) <= 150
    sections = [b for b in blocks if b["type"] == "section"]
    assert all(len(b["text"]["text"]) <= 3000 for b in sections)
    assert len(sections) == 1 + SLACK_FINDING_BLOCKS
    assert "80 more" in blocks[-1]["elements"][0]["text"]


def _text_objects(blocks: list[dict]) -> list[dict]:  # type: ignore[type-arg]
    found = []
    for block in blocks:
        if "text" in block:
            found.append(block["text"])
        found.extend(block.get("elements", []))
    return found
