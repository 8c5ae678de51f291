"""docs/reports.md quotes the golden files; a quote the renderers no longer produce is stale.
(The README's excerpt of the demo's report is checked in tests/integration/test_demo.py.)"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[3]
DOC = (ROOT / "docs" / "reports.md").read_text()
GOLDEN = ROOT / "tests" / "golden"


def _excerpt(source: str, fence: str) -> str:
    """The fenced block that follows the doc's "Excerpt (`<source>`...)" line."""
    match = re.search(
        rf"Excerpt \(`{re.escape(source)}`[^)]*\):\s*```{fence}\n(.*?)\n```", DOC, re.DOTALL
    )
    assert match, f"docs/reports.md has no excerpt of {source}"
    return match.group(1)


def test_the_markdown_excerpt_is_in_the_golden_report() -> None:
    golden = (GOLDEN / "report.md").read_text().splitlines()
    quoted = [line for line in _excerpt("tests/golden/report.md", "markdown").splitlines() if line]
    assert quoted
    assert [line for line in quoted if line not in golden] == []


def _shortened(value: Any) -> bool:
    return value == "..." or (isinstance(value, dict) and "..." in value)


def _within(quoted: Any, actual: Any) -> bool:
    """``quoted`` is ``actual`` with parts left out ("..." keys and values)."""
    if _shortened(quoted):
        return True
    if isinstance(quoted, dict):
        return isinstance(actual, dict) and all(
            key in actual and _within(value, actual[key])
            for key, value in quoted.items()
            if key != "..."
        )
    if isinstance(quoted, list):
        return (
            isinstance(actual, list)
            and len(quoted) <= len(actual)
            and all(_within(q, a) for q, a in zip(quoted, actual, strict=False))
        )
    return bool(quoted == actual)


def test_the_sarif_excerpt_is_a_result_of_the_golden_sarif() -> None:
    quoted = json.loads(_excerpt("tests/golden/netwarden.sarif", "json"))
    results = json.loads((GOLDEN / "netwarden.sarif").read_text())["runs"][0]["results"]
    assert any(_within(quoted, result) for result in results), quoted["message"]


def test_the_check_sees_a_stale_quote() -> None:
    quoted = json.loads(_excerpt("tests/golden/netwarden.sarif", "json"))
    results = json.loads((GOLDEN / "netwarden.sarif").read_text())["runs"][0]["results"]
    stale = {**quoted, "message": {"text": quoted["message"]["text"] + " (old wording)"}}
    assert not any(_within(stale, result) for result in results)
