"""The one edge of the reporting step: render every format, then write each file atomically."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from scanner.fileio import write_text_atomic
from scanner.model import Finding
from scanner.report.base import REPORTERS, presort
from scanner.report.run import RunInfo

DEFAULT_FORMATS = ("sarif", "markdown", "json")


def parse_formats(value: str | Iterable[str]) -> tuple[str, ...]:
    """``"sarif,markdown"`` (or a list) as known format names, in order, without repeats.

    Raises ValueError naming the unknown format and the known ones.
    """
    names = value.split(",") if isinstance(value, str) else list(value)
    out: list[str] = []
    for raw in names:
        name = raw.strip().lower()
        if not name:
            continue
        if name not in REPORTERS:
            known = ", ".join(sorted(REPORTERS))
            raise ValueError(f"unknown report format {name!r} (known: {known})")
        if name not in out:
            out.append(name)
    return tuple(out)


def write_reports(
    findings: Sequence[Finding],
    run: RunInfo,
    out_dir: str | os.PathLike[str],
    formats: str | Iterable[str] = DEFAULT_FORMATS,
) -> list[Path]:
    """Render ``formats`` (all before writing any, so a rendering error leaves no partial
    set of reports), then write each to ``out_dir`` atomically. Returns the written paths."""
    names = parse_formats(formats)
    ready = presort(findings)  # sort and fingerprint once for every format
    rendered = [(REPORTERS.get(n).filename, REPORTERS.get(n).render(ready, run)) for n in names]
    directory = Path(out_dir)
    return [write_text_atomic(directory / filename, text) for filename, text in rendered]
