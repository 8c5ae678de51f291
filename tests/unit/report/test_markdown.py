"""report.md: every section an auditor needs, and AWS-provided text that stays literal text."""

from __future__ import annotations

import json
from dataclasses import replace

from markdown_it import MarkdownIt
from markdown_it.token import Token

from scanner.model import RemediationAction
from scanner.report import markdown
from scanner.report.escape import code_block, md, md_code
from tests.unit.report.fixtures import FINDINGS, HOSTILE, RUN, hostile_finding, sg_finding

HOSTILE_GAP = {
    "account": "123456789012",
    "region": "us-east-1",
    "type": "aws.vpc",
    "code": "Throttling|`x`",
    "message": "rate exceeded\n| injected | row |\n<script>alert(2)</script>",
}


def _parse(text: str) -> tuple[str, list[Token]]:
    # html=True: raw HTML would pass through, so only our escaping keeps it out.
    parser = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    return parser.render(text), parser.parse(text)


def _hostile_report() -> str:
    run = replace(RUN, coverage_gaps=(*RUN.coverage_gaps, HOSTILE_GAP))
    return markdown.render([*FINDINGS, hostile_finding()], run)


def test_sections_in_order() -> None:
    text = markdown.render(FINDINGS, RUN)
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    # The summary first, so it fits a screen before the details.
    assert headings == [
        "## Executive summary",
        "## Scope",
        "## Coverage",
        "## Drift",
        "## Findings",
        "## Compliance mapping",
        "## Compliance evidence",
        "## Appendix: inventory",
    ]
    for fact in (
        "123456789012",
        "210987654321",
        "eu-west-1",
        "2026-11-28T03:00:00+00:00",
        "0.1.0",
        "sha256:9f2c4e1b7a3d",
        "4b825dc642cb6eb9a060e54bf8d69288fbee4904",
        "aws.network-firewall",
        "AccessDenied",
        "mallory",
        "CIS-AWS-5.2",
        "NIST-800-53-SC-7",
        "FSBP-EC2.6",
        "aws ec2 revoke-security-group-ingress",
    ):
        assert fact in text, fact


def test_counts_by_severity_and_control() -> None:
    html, _ = _parse(markdown.render(FINDINGS, RUN))
    assert "<td><strong>Total</strong></td>\n<td>4</td>\n<td>2</td>\n<td>6</td>" in html
    assert "6 finding(s): 4 policy violation(s) and 2 drifted resource(s)" in html


def test_compliance_table_is_honest_about_partial_coverage() -> None:
    text = markdown.render([sg_finding()], RUN)
    rows = {
        line.split("|")[2].strip(): line
        for line in text.splitlines()
        if line.startswith("| ") and "`CIS-AWS-" in line
    }
    assert rows["`CIS-AWS-5.2`"].rstrip(" |").endswith("| findings")
    # The pack checks part of a control: no findings is said, a pass is never claimed.
    assert rows["`CIS-AWS-3.7`"].rstrip(" |").endswith("| no findings")
    assert not any(cell.strip() == "pass" for row in rows.values() for cell in row.split("|"))


def test_summary_lists_the_most_severe_and_drift_says_what_changed() -> None:
    text = markdown.render(FINDINGS, replace(RUN, account_names={"123456789012": "prod"}))
    summary = text[: text.index("## Scope")]
    assert "### Most severe" in summary and "sg-0a1b2c3d" in summary
    drift = text[text.index("## Drift") : text.index("## Findings")]
    assert "What changed" in drift and "+ " in drift
    assert "`123456789012` (prod)" in text


def test_a_step_without_a_command_has_no_empty_code_block() -> None:
    manual = replace(
        sg_finding(),
        remediation=(RemediationAction(description="Ask the owner", cli="", api=None),),
    )
    text = markdown.render([manual], RUN)
    assert "1. Ask the owner" in text
    assert "```bash\n```" not in text and "```bash\n\n```" not in text


def test_clean_and_complete_scan() -> None:
    text = markdown.render([], replace(RUN, coverage_gaps=()))
    assert "No findings." in text and "No drift" in text
    assert "Every resource type was read" in text


def test_hostile_names_render_as_literal_text() -> None:
    html, _ = _parse(_hostile_report())
    assert "<img" not in html
    assert "<script" not in html
    assert "<strong>bold</strong>" not in html
    assert 'href="https://evil.example"' not in html
    assert "&lt;img src=x onerror=alert(1)&gt; **bold**" in html


def test_no_table_row_is_broken() -> None:
    _, tokens = _parse(_hostile_report())
    tables = 0
    width = cells = 0
    for token in tokens:
        if token.type == "table_open":
            tables += 1
        elif token.type == "tr_open":
            cells = 0
        elif token.type in ("th_open", "td_open"):
            cells += 1
        elif token.type == "tr_close":
            width = width or cells
            assert cells == width
        elif token.type == "thead_open":
            width = 0
    assert tables >= 8
    text = _hostile_report()
    assert "injected | row" not in text


def test_injected_heading_is_not_a_heading() -> None:
    _, tokens = _parse(_hostile_report())
    inline_after_heading = [
        tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"
    ]
    assert not any("injected heading" in content for content in inline_after_heading)


def test_code_fences_hold_the_whole_value() -> None:
    finding = hostile_finding()
    _, tokens = _parse(markdown.render([finding], RUN))
    fences = [t.content for t in tokens if t.type == "fence"]
    evidence = json.dumps(dict(finding.evidence), indent=2, sort_keys=True) + "\n"
    assert evidence in fences
    assert finding.remediation[0].cli + "\n" in fences


def test_escape_helpers() -> None:
    assert md(HOSTILE) == "x \\| &lt;img src=x onerror=alert(1)&gt; \\*\\*bold\\*\\*"
    assert md("a\nb\r\nc") == "a<br>b<br>c"
    assert md({"k": "v"}) == '{"k":"v"}'
    assert md_code("a|b") == "`a\\|b`"
    assert md_code("``x") == "``` ``x ```"
    assert code_block("```", "sh") == "````sh\n```\n````\n"
    assert code_block("plain") == "```\nplain\n```\n"


def test_account_ids_keep_leading_zeros() -> None:
    run = replace(
        RUN, accounts=("012345678901",), inventory=(("012345678901", "us-east-1", "aws.vpc", 7),)
    )
    assert "`012345678901`" in markdown.render([], run)


def test_deterministic() -> None:
    assert markdown.render(FINDINGS, RUN) == markdown.render(list(reversed(FINDINGS)), RUN)
