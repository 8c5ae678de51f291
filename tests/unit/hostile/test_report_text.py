"""Attacker text (names, tags, descriptions, account names) in report.html: no element, no
comment, no script survives, and no control character reaches the page, where an ESC or BEL
is a parse error and a bidi override reorders what a reviewer reads."""

from __future__ import annotations

import dataclasses
from html.parser import HTMLParser

from scanner.report import html
from scanner.report.escape import html_text
from tests.unit.hostile.test_shell_text import CONTROL
from tests.unit.report.fixtures import ACCOUNT, RUN, hostile_finding

EVIL = "x\x1b]0;pwn\x07\x1b[2J\u202egnp.exe</script><!-- --> <img src=x onerror=alert(1)>\x9b31m"


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.comments = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)

    def handle_comment(self, data: str) -> None:
        self.comments += 1


def test_html_text_escapes_markup_and_shows_controls() -> None:
    assert html_text('<a href="x">&') == "&lt;a href=&quot;x&quot;&gt;&amp;"
    assert html_text("a\x1bb\u202ec\nd\te") == "a\\x1bb\\u202ec\nd\te"


def test_report_html_holds_no_hostile_markup_and_no_control_character() -> None:
    base = hostile_finding()
    finding = dataclasses.replace(
        base,
        title=EVIL,
        message=EVIL,
        resource_id="sg-" + EVIL,
        evidence={**base.evidence, "Tags": [{"Key": "Name", "Value": EVIL}]},
    )
    run = dataclasses.replace(RUN, account_names=((ACCOUNT, EVIL),))
    page = html.render([finding], run)
    assert CONTROL.search(page.replace("\n", "").replace("\t", "")) is None
    assert "\\x1b]0;pwn\\x07" in page and "\\u202e" in page
    parsed = _Tags()
    parsed.feed(page)
    assert "img" not in parsed.tags and "script" not in parsed.tags
    assert parsed.comments == 0
