"""Golden files for SARIF and Markdown (NETWARDEN_UPDATE_GOLDEN=1 regenerates them)."""

from __future__ import annotations

from scanner.report import markdown, sarif
from tests.unit.report.fixtures import FINDINGS, RUN
from tests.unit.report.helpers import assert_valid_sarif, check_golden


def test_sarif_golden() -> None:
    text = sarif.render(FINDINGS, RUN)
    assert_valid_sarif(text)
    check_golden("netwarden.sarif", text)


def test_markdown_golden() -> None:
    check_golden("report.md", markdown.render(FINDINGS, RUN))
