"""Atomic file writes: a reader never sees a half-written snapshot, baseline or report."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from scanner.errors import InputError


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current


def _stage(target: Path, text: str) -> Path:
    """``text`` in a fsynced temporary file next to ``target``; returns the temporary."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        # mkstemp creates 0600; reports and baselines get the mode any new file would get.
        os.fchmod(fd, 0o666 & ~_umask())
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


def inside(directory: str | os.PathLike[str], *parts: str) -> Path:
    """``directory/part/...``, refused (InputError) unless it resolves to a place inside
    ``directory``: parts that come from input (an account id in a snapshot) must not be able
    to climb out with ``..``, an absolute path or a symbolic link."""
    root = Path(directory)
    target = root.joinpath(*parts)
    resolved_root = root.resolve()
    if target.resolve() == resolved_root or not target.resolve().is_relative_to(resolved_root):
        raise InputError(f"refusing to write outside {str(root)!r}", str(target))
    return target


def read_input(path: str | os.PathLike[str], what: str) -> str:
    """The text of an input file (a snapshot, baseline, policy, accounts or waivers file);
    a file that cannot be read or is not UTF-8 is an InputError at the line of the first
    bad byte, never a traceback."""
    file = Path(path)
    try:
        raw = file.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {what}: {exc.strerror}", str(file)) from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(
            f"not UTF-8 text: byte 0x{raw[exc.start]:02x} at offset {exc.start}", str(file), line
        ) from None


def write_text_atomic(path: str | os.PathLike[str], text: str) -> Path:
    """Write ``text`` to ``path`` through a temporary file in the same directory + rename."""
    with AtomicFileSet() as files:
        files.add(path, text)
        return files.commit()[0]


class AtomicFileSet:
    """Files that appear together: each is written to a temporary file as it is added (so
    its text can be dropped before the next is built), and all are renamed into place by
    :meth:`commit` once every one is written. Leaving the ``with`` block without committing
    removes them. (The renames themselves are not one operation: if one fails, the files
    renamed before it stay, and the rest are removed.)"""

    def __init__(self) -> None:
        self._staged: list[tuple[Path, Path]] = []

    def add(self, path: str | os.PathLike[str], text: str) -> None:
        target = Path(path)
        self._staged.append((_stage(target, text), target))

    def commit(self) -> list[Path]:
        targets = []
        while self._staged:
            tmp, target = self._staged[0]
            os.replace(tmp, target)
            self._staged.pop(0)
            targets.append(target)
        return targets

    def discard(self) -> None:
        for tmp, _ in self._staged:
            tmp.unlink(missing_ok=True)
        self._staged.clear()

    def __enter__(self) -> AtomicFileSet:
        return self

    def __exit__(self, *exc: object) -> None:
        self.discard()
