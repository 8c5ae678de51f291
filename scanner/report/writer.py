"""The one edge of the reporting step: render every format, then write each file atomically."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from scanner.errors import InputError
from scanner.fileio import AtomicFileSet
from scanner.formats import DEFAULT_FORMATS
from scanner.model import Finding
from scanner.report.base import REPORTERS, presort
from scanner.report.run import RunInfo


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


def formats_from_flag(value: str | Iterable[str]) -> tuple[str, ...]:
    """``--format``'s value as format names; an unknown or empty list is an InputError."""
    try:
        chosen = parse_formats(value)
    except ValueError as exc:
        raise InputError(f"--format: {exc}") from None
    if not chosen:
        raise InputError("--format: give at least one report format")
    return chosen


def write_reports(
    findings: Sequence[Finding],
    run: RunInfo,
    out_dir: str | os.PathLike[str],
    formats: str | Iterable[str] = DEFAULT_FORMATS,
) -> list[Path]:
    """Render ``formats`` into ``out_dir``; the files appear together once every format has
    rendered, so a rendering error leaves no partial set of reports. Each text is written to
    a temporary file as soon as it is rendered and dropped, so only one report is in memory
    at a time (at 100k resources all three together were 500 MB). Returns the paths."""
    names = parse_formats(formats)
    ready = presort(findings)  # sort and fingerprint once for every format
    directory = Path(out_dir)
    with AtomicFileSet() as files:
        for name in names:
            reporter = REPORTERS.get(name)
            files.add(directory / reporter.filename, reporter.render(ready, run))
        return files.commit()
