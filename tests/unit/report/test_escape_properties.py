"""Property: any text escaped with ``md`` renders, in a table cell, as exactly that text."""

from __future__ import annotations

import html
import re

from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from scanner.report.escape import code_block, md

PARSER = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
TEXT = st.text(
    alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E) | st.sampled_from("\n\r\t"),
    max_size=60,
)


def _normalize(text: str) -> str:
    text = re.sub(r"\r\n|\r", "\n", text).replace("\t", " ")
    return "\n".join(line.strip(" ") for line in text.split("\n")).strip()


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_table_cell_renders_the_literal_text(text: str) -> None:
    rendered = PARSER.render(f"| a | b |\n|---|---|\n| {md(text)} | end |\n")
    cells = re.findall(r"<td>(.*?)</td>", rendered, flags=re.S)
    assert len(cells) == 2 and cells[1] == "end", rendered
    assert re.search(r"<(?!br ?/?>|/?t[dhr]|/?t(head|body|able))[a-z/]", rendered) is None
    shown = html.unescape(re.sub(r"<br ?/?>\n?", "\n", cells[0]))
    assert _normalize(shown) == _normalize(text)


@settings(max_examples=200, deadline=None)
@given(TEXT, st.sampled_from(["", "bash", "json"]))
def test_code_block_holds_the_whole_text(text: str, info: str) -> None:
    tokens = PARSER.parse(code_block(text, info) + "after\n")
    fences = [t for t in tokens if t.type == "fence"]
    assert len(fences) == 1
    # A Windows line end is a newline; a lone carriage return would rewrite the line on a
    # terminal (`cat report.md`), so it is shown escaped.
    expected = text.replace("\r\n", "\n").replace("\r", "\\x0d")
    assert fences[0].content == expected + ("" if expected.endswith("\n") else "\n")
