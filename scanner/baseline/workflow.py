"""``baseline create`` and ``baseline lint`` as library calls (no click, no printing)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from scanner.baseline import store
from scanner.errors import InputError


def create(snapshot: Mapping[str, Any], baseline_dir: str, force: bool = False) -> list[Path]:
    """Write the baseline of every (account, region) of ``snapshot``; a file that exists is
    an InputError unless ``force``, and then nothing is written."""
    live = store.project_snapshot(snapshot)
    existing = [
        store.baseline_path(baseline_dir, a, r)
        for a, r in sorted(live)
        if store.baseline_path(baseline_dir, a, r).exists()
    ]
    if existing and not force:
        raise InputError(f"{existing[0]} already exists; use --force to overwrite the baseline")
    return [Path(p) for p in store.write_all(baseline_dir, sorted(live.items()))]


def lint(baseline_dir: str) -> tuple[int, list[str]]:
    """How many baseline files there are, and ``path:line: ...`` for each that is not in the
    form netwarden writes (at its first differing line). A file that does not parse, or no
    baseline at all, is an InputError."""
    baselines = store.load_dir(baseline_dir)
    if not baselines:
        raise InputError(f"no baseline in {baseline_dir}/")
    unformatted = []
    for (account, region), baseline in sorted(baselines.items()):
        text = Path(baseline.path).read_text(encoding="utf-8")
        expected = store.render(account, region, baseline.resources)
        if text != expected:
            # The first line that differs, so a hand edit is easy to find.
            got, want = text.splitlines(), expected.splitlines()
            line = next(
                (i for i, (a, b) in enumerate(zip(got, want, strict=False), 1) if a != b),
                min(len(got), len(want)) + 1,
            )
            unformatted.append(f"{baseline.path}:{line}: not in the form netwarden writes")
    return len(baselines), unformatted
