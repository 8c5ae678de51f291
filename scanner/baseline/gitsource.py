"""Reading the baseline as it was at a git revision, without a checkout (works in a shallow
CI clone where the base ref was fetched)."""

from __future__ import annotations

import shlex
import subprocess
from pathlib import Path, PurePosixPath

from scanner.baseline import store
from scanner.errors import InputError
from scanner.textsafe import one_line


def _git(*args: str) -> str:
    try:
        result = subprocess.run(
            ["git", *args], capture_output=True, text=True, check=False, timeout=60
        )
    except FileNotFoundError:
        raise InputError(
            "git is not installed; `review` reads the base revision with git"
        ) from None
    if result.returncode != 0:
        message = result.stderr.strip().splitlines()[-1] if result.stderr.strip() else "git failed"
        raise InputError(f"git {' '.join(args[:2])}: {message}")
    return result.stdout


def load_at_revision(
    baseline_dir: str | Path, revision: str
) -> dict[store.RegionKey, store.RegionBaseline]:
    """Every baseline file under ``baseline_dir`` as it was at ``revision`` (paths relative to
    the current directory, as ``git ls-tree`` prints them)."""
    if revision.startswith("-") or not revision.strip():
        # git would read it as an option (``--output=x``), not as a revision.
        raise InputError(f"--base: {one_line(repr(revision))} is not a git revision")
    try:
        _git("rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}")
    except InputError:
        raise InputError(
            f"--base: no commit {one_line(repr(revision))} in this repository; in a shallow "
            f"CI clone, fetch it first (git fetch origin {shlex.quote(revision)})"
        ) from None
    listing = _git("ls-tree", "-r", "--name-only", revision, "--", str(baseline_dir))
    baselines = {}
    for name in sorted(listing.splitlines()):
        path = PurePosixPath(name)
        if path.suffix not in (".yaml", ".yml") or len(path.parts) < 2:
            continue
        account, region = path.parent.name, path.stem
        text = _git("show", f"{revision}:./{name}")
        baselines[(account, region)] = store.parse(text, f"{name}@{revision}", account, region)
    return baselines


def last_commit(baseline_dir: str | Path) -> str | None:
    """The commit that last changed the baseline, when it is in a git checkout (None when it
    is not, or git is missing: the reports then say "not in git")."""
    try:
        result = subprocess.run(
            ["git", "log", "-1", "--format=%H", "--", str(baseline_dir)],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout.strip() or None
