"""SARIF with hostile AWS names: valid, no embedded links, raw values kept in properties."""

from __future__ import annotations

import json
from dataclasses import replace

from scanner.report import sarif
from tests.unit.report.fixtures import HOSTILE, RUN, hostile_finding
from tests.unit.report.helpers import assert_valid_sarif


def test_hostile_text_is_inert_in_messages_and_intact_in_properties() -> None:
    base = hostile_finding()
    finding = replace(base, message=f"{base.message} [click](https://evil.example)")
    log = assert_valid_sarif(sarif.render([finding], RUN))
    result = log["runs"][0]["results"][0]
    text = result["message"]["text"]
    assert "\n" not in text
    # SARIF §3.11.6: an unescaped "[text](target)" would be an embedded link.
    assert "[click]" not in text and "\\[click\\](https://evil.example)" in text
    assert "<img" in text  # plain text: GitHub shows it, never renders it
    props = result["properties"]
    assert props["evidence"]["GroupName"] == HOSTILE
    assert props["evidence"]["Tags"][0]["Value"].startswith("line1\nline2 ```")
    assert props["remediation"][0]["cli"] == finding.remediation[0].cli


def test_backslashes_are_escaped_so_they_cannot_unescape_a_bracket() -> None:
    finding = hostile_finding()
    evil = type(finding)(**{**finding.__dict__, "message": "a\\[x](https://evil.example)"})
    text = json.loads(sarif.render([evil], RUN))["runs"][0]["results"][0]["message"]["text"]
    assert "a\\\\\\[x\\](https://evil.example)" in text
