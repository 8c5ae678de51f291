"""The README's excerpt of the demo's report.md, kept in sync with the demo.

``python -m scanner.demo.excerpt reports/demo/report.md README.md`` (``make readme``, after
``make demo``) rewrites the block between the README's ``demo-excerpt`` markers;
``tests/integration/test_demo.py`` checks the block against a fresh demo run. Resource ids
and times come from the embedded AWS API and differ between runs, so the check compares the
text with those normalised (and table padding ignored): counts, columns, rows, changes and
principals must match exactly.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

START = "<!-- demo-excerpt:start (make readme) -->"
END = "<!-- demo-excerpt:end -->"
DRIFT_ROWS = 3

_ID = re.compile(r"\b[a-z]+-[0-9a-f]{8,17}\b")
_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)")
_LINE = re.compile(r"line \d+")
_RULE = re.compile(r"^\|[-|]+\|$")


def excerpt(report_md: str, drift_rows: int = DRIFT_ROWS) -> str:
    """The executive summary's counts and the first rows of the drift table."""
    summary = report_md[report_md.index("## Executive summary") :]
    summary = summary[: summary.index("### ")].rstrip() + "\n"
    drift = report_md[report_md.index("## Drift") :]
    lines = drift.splitlines()
    table = [line for line in lines if line.startswith("|")]
    kept = table[: 2 + drift_rows]
    return f"{summary}\n## Drift\n\n" + "\n".join(kept) + "\n"


def normalize(text: str) -> str:
    """Ids, times and line numbers replaced; table cells stripped of padding."""
    out = []
    for raw in text.strip().splitlines():
        line = _LINE.sub("line N", _TIME.sub("<time>", _ID.sub("<id>", raw.rstrip())))
        if _RULE.match(line):
            line = "|---|"
        elif line.startswith("|"):
            line = "|" + "|".join(cell.strip() for cell in line.strip("|").split("|")) + "|"
        out.append(line)
    return "\n".join(out)


def readme_block(readme: str) -> str:
    """The text between the markers (without the ```markdown fence)."""
    body = readme[readme.index(START) + len(START) : readme.index(END)]
    return body.strip().removeprefix("```markdown").removesuffix("```").strip() + "\n"


def update_readme(readme: str, text: str) -> str:
    head, tail = readme[: readme.index(START) + len(START)], readme[readme.index(END) :]
    return f"{head}\n```markdown\n{text.rstrip()}\n```\n{tail}"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print("usage: python -m scanner.demo.excerpt REPORT_MD README_MD", file=sys.stderr)
        return 2
    report, readme = Path(args[0]), Path(args[1])
    readme.write_text(update_readme(readme.read_text("utf-8"), excerpt(report.read_text("utf-8"))))
    print(f"updated {readme} from {report}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
