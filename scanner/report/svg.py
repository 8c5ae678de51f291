"""Inline SVG for the HTML report (pure): the severity chart and the exposure path diagram.

Everything is drawn as text, no script, no external font or image, and every label goes
through ``html.escape``, so the report stays one self-contained file that makes no request.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

from scanner.report.escape import html_text

# Severity colours, chosen to stay distinguishable for red-green colour blindness.
COLOURS: Mapping[str, str] = {
    "critical": "#7b1fa2",
    "high": "#c62828",
    "medium": "#ef6c00",
    "low": "#f9a825",
    "info": "#607d8b",
}


def severity_chart(counts: Mapping[str, int], order: Sequence[str]) -> str:
    """A horizontal bar per severity, labelled with its count; an empty scan draws empty bars."""
    width, bar_height, gap, label_width = 460, 22, 8, 110
    top = max(counts.values(), default=0) or 1
    rows = []
    for index, severity in enumerate(order):
        count = int(counts.get(severity, 0))
        y = index * (bar_height + gap)
        length = round((width - label_width - 60) * count / top)
        rows.append(
            f'<text x="0" y="{y + 16}" class="axis">{escape(severity.title())}</text>'
            f'<rect x="{label_width}" y="{y}" width="{max(length, 1)}" height="{bar_height}" '
            f'fill="{COLOURS.get(severity, "#999")}" rx="3"><title>{escape(severity)}: '
            f"{count}</title></rect>"
            f'<text x="{label_width + length + 6}" y="{y + 16}" class="count">{count}</text>'
        )
    height = len(order) * (bar_height + gap)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="chart" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'aria-label="findings by severity">{"".join(rows)}</svg>'
    )


def _components(exposure: Mapping[str, Any]) -> list[list[Mapping[str, Any]]]:
    """The paths in an exposure record: a ``path`` list, or ``paths`` of lists or of
    ``{"path": [...]}`` records; each component a mapping with ``type`` and ``id``."""
    raw: list[Any] = []
    if isinstance(exposure.get("path"), list):
        raw.append(exposure["path"])
    for item in exposure.get("paths", []) or []:
        if isinstance(item, Mapping) and isinstance(item.get("path"), list):
            raw.append(item["path"])
        elif isinstance(item, list):
            raw.append(item)
    paths = []
    for path in raw:
        steps = [c for c in path if isinstance(c, Mapping) and "type" in c and "id" in c]
        if steps:
            paths.append(steps)
    return paths


def exposure_diagram(exposure: Mapping[str, Any], max_paths: int = 5) -> str:
    """Each path from the internet to the interface as a row of boxes joined by arrows, or
    an empty string when the record has no component path to draw."""
    paths = _components(exposure)[:max_paths]
    if not paths:
        return ""
    box_w, box_h, arrow, row_h = 150, 46, 26, 62
    columns = 1 + max(len(p) for p in paths)
    width = columns * (box_w + arrow)
    height = len(paths) * row_h
    parts = []
    for row, path in enumerate(paths):
        y = row * row_h + 4
        nodes: list[tuple[str, str, str]] = [("internet", "0.0.0.0/0, ::/0", "the internet")]
        nodes += [
            (str(c["type"]).removeprefix("aws."), str(c["id"]), str(c.get("detail", "")))
            for c in path
        ]
        for column, (kind, ident, detail) in enumerate(nodes):
            x = column * (box_w + arrow)
            # The component's contribution ("inbound rule 100 allows ...") as its tooltip.
            tip = f"<title>{html_text(detail[:300])}</title>" if detail else ""
            parts.append(
                f'<g><rect x="{x}" y="{y}" width="{box_w}" height="{box_h}" rx="6" '
                f'class="node"/>{tip}'
                f'<text x="{x + 8}" y="{y + 18}" class="kind">{html_text(kind[:22])}</text>'
                f'<text x="{x + 8}" y="{y + 36}" class="ident">{html_text(ident[:22])}</text></g>'
            )
            if column:
                ax = x - arrow
                mid = y + box_h / 2
                # The arrowhead is drawn, not a marker: a marker needs url(#id), and the
                # page references nothing by url() at all.
                parts.append(
                    f'<line x1="{ax + 2}" y1="{mid}" x2="{x - 6}" y2="{mid}" class="edge"/>'
                    f'<path d="M{x - 9},{mid - 4}L{x - 1},{mid}L{x - 9},{mid + 4}z" '
                    'fill="#555"/>'
                )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="exposure" width="{width}" '
        f'height="{height}" viewBox="0 0 {width} {height}" aria-label="exposure paths">'
        f"{''.join(parts)}</svg>"
    )


def heat(count: int, top: int) -> str:
    """A background colour for a heat-table cell: white for none, deeper red for more."""
    if count <= 0 or top <= 0:
        return "#ffffff"
    share = 0.15 + 0.85 * count / top
    # From a pale to a deep red, as RGB.
    red, green, blue = 255 - round(55 * share), 235 - round(200 * share), 230 - round(200 * share)
    return f"#{red:02x}{green:02x}{blue:02x}"
