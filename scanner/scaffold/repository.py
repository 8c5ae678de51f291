"""``netwarden init`` as a library call: the files of a company repository, written into a
directory all at once and never over an existing file::

    written = init_repository("company-netwarden", InitOptions(shards=4), with_policies=True)

Which files and what they say is :func:`repository_files` (the templates of
:mod:`scanner.scaffold.files`, the IAM policy and optionally the rule pack); writing them is
:func:`write_repository`. Bad input (an option value, a path that resolves outside the
directory, a file that is already there) raises ``InputError`` before anything is written.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from scanner.errors import InputError
from scanner.scaffold.files import InitOptions, scaffold

IAM_POLICY = "netwarden-iam-policy.json"


def default_spec() -> str:
    """What the workflows pip-install by default: the version running now, so that the
    workflow runs what was tried locally (an unversioned checkout: plain ``netwarden``)."""
    from scanner import __version__

    return "netwarden" if "unknown" in __version__ else f"netwarden=={__version__}"


def repository_files(options: InitOptions, *, with_policies: bool = False) -> dict[str, str]:
    """``{relative path: text}`` of every file ``netwarden init`` writes: the scaffold, the
    IAM policy, and with ``with_policies`` a copy of the installed rule pack in policies/."""
    from scanner.pack import packaged_iam_policy, packaged_policies

    files = scaffold(options)
    files[IAM_POLICY] = packaged_iam_policy().read_text(encoding="utf-8")
    if with_policies:
        for source in sorted(packaged_policies().iterdir()):
            if source.suffix in (".yml", ".yaml") and source.is_file():
                files[f"policies/{source.name}"] = source.read_text(encoding="utf-8")
    return files


def write_repository(directory: str | os.PathLike[str], files: Mapping[str, str]) -> list[Path]:
    """Write ``files`` below ``directory`` (created when missing), atomically as a set:
    refused when a path would resolve outside it (a symlinked ``.github``) or any file
    already exists, so nothing is ever overwritten and nothing is half written."""
    from scanner.fileio import AtomicFileSet, inside

    root = Path(directory)
    if root.exists() and not root.is_dir():
        raise InputError(f"{root} is not a directory")
    targets = {relative: inside(root, relative) for relative in sorted(files)}
    existing = [str(path) for path in targets.values() if path.exists() or path.is_symlink()]
    if existing:
        raise InputError(
            f"{existing[0]} already exists; netwarden init never overwrites "
            f"({len(existing)} of {len(targets)} files exist; move them away or pick another DIR)"
        )
    with AtomicFileSet() as staged:
        for relative, path in targets.items():
            staged.add(path, files[relative])
        return list(staged.commit())


def init_repository(
    directory: str | os.PathLike[str], options: InitOptions, *, with_policies: bool = False
) -> list[Path]:
    """Scaffold a repository in ``directory``; returns the files written."""
    return write_repository(directory, repository_files(options, with_policies=with_policies))
