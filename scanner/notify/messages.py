"""The scan's news as messages (pure): which findings to tell, an SNS subject and JSON body,
a Slack Block Kit message, a webhook's JSON document.

Everything that comes from AWS (names, tags, descriptions, ids) is attacker-controlled. It
travels as JSON strings (``json.dumps`` escapes it; the documents are ASCII-only) and, in
Slack, only in ``plain_text`` objects with emoji parsing off, which Slack renders literally:
no mention, link or formatting can come from a resource's name. The Slack text that is
``mrkdwn`` is netwarden's own (counts, severities, rule ids, account ids), with ``&``, ``<``
and ``>`` escaped as Slack asks.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from scanner.model import SEVERITIES, Finding, severity_at_least
from scanner.report.base import ordered
from scanner.report.run import RunInfo

SCHEMA = "netwarden/notification/v1"
SNS_SUBJECT_MAX = 99  # SNS: fewer than 100 ASCII characters, no line breaks
SNS_BODY_MAX = 240_000  # SNS allows 256 KiB for the whole message; room for the envelope
WEBHOOK_BODY_MAX = 1_000_000
SLACK_MAX_BLOCKS = 50  # Slack's limit per message
SLACK_FINDING_BLOCKS = 40  # plus a header, a summary and "and N more": well inside it
SLACK_TEXT_MAX = 2900  # a section's text may hold 3000 characters
SLACK_HEADER_MAX = 150
_CONTROL = {i: " " for i in range(32)}
_CONTROL.update({0x7F: " ", 0x85: " ", 0x2028: " ", 0x2029: " "})


@dataclass(frozen=True)
class Notice:
    """What one scan tells: the new findings at or above the threshold, most severe first."""

    findings: tuple[Finding, ...]
    threshold: str
    scope: str
    collected_at: str
    tool_version: str
    account_names: Mapping[str, str]

    @property
    def counts(self) -> dict[str, int]:
        counted = Counter(f.severity for f in self.findings)
        return {s: counted[s] for s in SEVERITIES if counted[s]}

    def headline(self) -> str:
        """``netwarden: 3 new findings at or above high (1 critical, 2 high)``; ASCII only."""
        counts = ", ".join(f"{n} {s}" for s, n in self.counts.items())
        plural = "" if len(self.findings) == 1 else "s"
        return (
            f"netwarden: {len(self.findings)} new finding{plural} at or above "
            f"{self.threshold} ({counts})"
        )


def to_notify(findings: Iterable[Finding], threshold: str) -> list[Finding]:
    """The findings worth telling: new (or not compared with a previous run), not waived, at
    or above ``threshold``; most severe first."""
    return [
        finding
        for finding, _ in ordered(findings)
        if finding.status != "existing"
        and finding.waiver is None
        and severity_at_least(finding.severity, threshold)
    ]


def build_notice(findings: Iterable[Finding], run: RunInfo, threshold: str) -> Notice | None:
    """The notice of one scan, or None when there is nothing new to tell."""
    chosen = to_notify(findings, threshold)
    if not chosen:
        return None
    names = dict(run.account_names)
    return Notice(
        findings=tuple(chosen),
        threshold=threshold,
        scope=run.scope_id,
        collected_at=run.collected_at,
        tool_version=run.tool_version,
        account_names=names,
    )


def _finding_data(finding: Finding, names: Mapping[str, str]) -> dict[str, Any]:
    data: dict[str, Any] = {
        "fingerprint": finding.fingerprint,
        "rule_id": finding.rule_id,
        "kind": finding.kind,
        "severity": finding.severity,
        "title": finding.title,
        "message": finding.message,
        "account": finding.account,
        "account_name": names.get(finding.account),
        "region": finding.region,
        "resource_type": finding.resource_type,
        "resource_id": finding.resource_id,
        "arn": finding.arn,
        "compliance": list(finding.compliance),
        "status": finding.status or "new",
    }
    if finding.attribution is not None:
        data["changed_by"] = finding.attribution.principal
    return data


def _encode(value: Any) -> str:
    return json.dumps(value, ensure_ascii=True, sort_keys=True, separators=(",", ":"))


def document(notice: Notice, max_bytes: int = WEBHOOK_BODY_MAX) -> str:
    """The JSON document a webhook receives (and SNS's body): ASCII, at most ``max_bytes``.

    When the findings do not fit, the least severe are left out and ``omitted`` says how many.
    """
    head = {
        "schema": SCHEMA,
        "headline": notice.headline(),
        "threshold": notice.threshold,
        "scope": notice.scope,
        "collected_at": notice.collected_at,
        "tool_version": notice.tool_version,
        "new_findings": len(notice.findings),
        "by_severity": notice.counts,
        "accounts": [
            {"id": account, "name": notice.account_names.get(account)}
            for account in sorted({f.account for f in notice.findings})
        ],
    }
    items = [_encode(_finding_data(f, notice.account_names)) for f in notice.findings]
    # The head is small and bounded; the findings are added while they fit.
    budget = max_bytes - len(_encode({**head, "findings": [], "omitted": len(items)})) - 2
    kept: list[str] = []
    used = 0
    for item in items:
        if used + len(item) + 1 > budget:
            break
        kept.append(item)
        used += len(item) + 1
    body = _encode({**head, "omitted": len(items) - len(kept)})
    return body[:-1] + ',"findings":[' + ",".join(kept) + "]}"


def sns_message(notice: Notice) -> tuple[str, str]:
    """(Subject, Message) for SNS Publish: a short ASCII subject and the JSON document."""
    subject = notice.headline().encode("ascii", "replace").decode("ascii")
    if len(subject) > SNS_SUBJECT_MAX:
        subject = subject[: SNS_SUBJECT_MAX - 3] + "..."
    return subject, document(notice, SNS_BODY_MAX)


def plain(text: Any, limit: int) -> dict[str, Any]:
    """A Slack ``plain_text`` object: rendered literally (no mentions, links, formatting or
    emoji codes), one line, at most ``limit`` characters."""
    value = str(text).translate(_CONTROL)
    if len(value) > limit:
        value = value[: limit - 1] + "…"
    return {"type": "plain_text", "text": value or " ", "emoji": False}


def slack_escape(text: str) -> str:
    """Slack's three control characters as the entities Slack asks for."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _own_mrkdwn(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": slack_escape(text), "verbatim": True}


def slack_payload(notice: Notice) -> dict[str, Any]:
    """An incoming-webhook message: a header, a summary, one section per finding (at most
    ``SLACK_FINDING_BLOCKS``), and how many more there are."""
    accounts = sorted({f.account for f in notice.findings})
    summary = (
        f"*{len(notice.findings)}* new at or above *{notice.threshold}*: "
        + ", ".join(f"{n} {s}" for s, n in notice.counts.items())
        + f" | {len(accounts)} account(s) | scope `{notice.scope}` | collected "
        f"{notice.collected_at}"
    )
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": plain(notice.headline(), SLACK_HEADER_MAX)},
        {"type": "section", "text": _own_mrkdwn(summary)},
    ]
    for finding in notice.findings[:SLACK_FINDING_BLOCKS]:
        name = notice.account_names.get(finding.account)
        where = f"{finding.account} ({name})" if name else finding.account
        lines = (
            f"[{finding.severity.upper()}] {finding.rule_id} {finding.title}",
            f"{finding.resource_type} {finding.resource_id} in {where} / {finding.region}",
            finding.message,
        )
        blocks.append({"type": "section", "text": _plain_lines(lines, SLACK_TEXT_MAX)})
    more = len(notice.findings) - SLACK_FINDING_BLOCKS
    if more > 0:
        blocks.append(
            {
                "type": "context",
                "elements": [_own_mrkdwn(f"… and {more} more; see the scan's report.md")],
            }
        )
    return {"text": slack_escape(notice.headline()), "blocks": blocks}


def _plain_lines(lines: Iterable[str], limit: int) -> dict[str, Any]:
    # Our own line breaks between the lines; any inside the data become spaces.
    value = "\n".join(str(line).translate(_CONTROL) for line in lines)
    if len(value) > limit:
        value = value[: limit - 1] + "…"
    return {"type": "plain_text", "text": value, "emoji": False}
