"""Which rule packs this installation has already validated, so ``policies list`` need not
import Cloud Custodian to list an unchanged pack.

Validating a pack means importing Custodian (about a second: its resource modules build X-Ray
clients and read dateutil's time-zone tarball at import) and running its JSON schema. The
outcome depends only on the pack's bytes and on the code that judges them, so once a pack has
passed, the same bytes under the same code pass again. A pack is remembered by a key over

- the pack's digest (file names and bytes, :class:`~scanner.policy.loader.PolicyPack`),
- netwarden's own files (path, size and modification time of everything under ``scanner/``:
  an edit in an editable install, or a reinstall, is new code),
- the name of every installed distribution's metadata directory on ``sys.path`` (the names
  carry the versions: another Custodian, jsonschema or PyYAML is new code), and the
  interpreter's version.

Only a pack that passed is remembered, never a failure, so a bad pack is judged (and
rejected at file:line) every time. The memory is one small file of keys,
``$XDG_CACHE_HOME/netwarden/validated-packs`` (``~/.cache`` without it), holding the most
recent :data:`KEEP`; a cache that cannot be read or written only means validating again.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import scanner

KEEP = 64  # keys remembered; the oldest goes first
FILE_NAME = "validated-packs"
_PACKAGE = Path(scanner.__file__).resolve().parent


def cache_file() -> Path | None:
    """Where the keys are kept, or None when there is no home to keep them in."""
    base = os.environ.get("XDG_CACHE_HOME", "").strip()
    if not base:
        home = os.environ.get("HOME", "").strip()
        if not home:
            return None
        base = os.path.join(home, ".cache")
    return Path(base) / "netwarden" / FILE_NAME


def _code_files(root: Path) -> Iterator[str]:
    for directory, subdirs, files in os.walk(root):
        subdirs[:] = sorted(d for d in subdirs if d != "__pycache__")
        for name in sorted(files):
            path = os.path.join(directory, name)
            try:
                stat = os.stat(path)
            except OSError:
                continue
            yield f"{os.path.relpath(path, root)}\0{stat.st_size}\0{stat.st_mtime_ns}"


def _distributions() -> Iterator[str]:
    # sys.path[0] is the script's directory or the working directory, where nothing is
    # installed: reading it would make the key depend on where the command runs.
    for entry in sys.path[1:]:
        try:
            names = os.listdir(entry)
        except OSError:
            continue
        yield from sorted(n for n in names if n.endswith((".dist-info", ".egg-info")))


def key(digest: str) -> str:
    """The key under which the pack with ``digest`` is remembered by this installation."""
    h = hashlib.sha256()
    for part in (digest, sys.version, *_code_files(_PACKAGE), *_distributions()):
        h.update(part.encode("utf-8", "surrogateescape") + b"\n")
    return h.hexdigest()


def _keys(path: Path) -> list[str]:
    try:
        text = path.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError):
        return []
    return [line for line in text.split("\n") if len(line) == 64]


def known(pack_key: str) -> bool:
    """Whether a pack with this key passed validation here before."""
    path = cache_file()
    return path is not None and pack_key in _keys(path)


def remember(pack_key: str) -> None:
    """Note that the pack with this key passed (best effort: any OSError is ignored)."""
    path = cache_file()
    if path is None:
        return
    older = [k for k in _keys(path) if k != pack_key]
    keys = [*older[-(KEEP - 1) :], pack_key]  # KEEP > 1
    temporary = path.with_name(f".{FILE_NAME}.{os.getpid()}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_text("".join(f"{k}\n" for k in keys), encoding="ascii")
        os.replace(temporary, path)  # readers see the old list or the new one, never half
    except OSError:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
