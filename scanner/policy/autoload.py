"""Teach the bare ``custodian`` command netwarden's filters, through a ``.pth`` file.

c7n 0.9.53 reads no plugin entry points. A ``.pth`` file in site-packages containing the line
``import scanner.policy.autoload`` installs this import hook in every interpreter of that
environment; it costs nothing until Custodian imports ``c7n.resources.vpc`` or
``c7n.resources.account`` (the modules whose registries netwarden's filters join), and then
registers netwarden's filters right after it, so ``custodian validate`` and ``custodian run``
accept the whole rule pack. (``python -m scanner.policy.custodian`` does the same without a
``.pth`` file.)

Custodian's account module imports its VPC module part-way through its own import, before
the account filter registry exists: the filters are registered once no trigger module is
still executing, which is after the outermost one.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import importlib.util
import sys
from collections.abc import Sequence
from types import ModuleType
from typing import Any

TRIGGERS = ("c7n.resources.vpc", "c7n.resources.account")
_executing: set[str] = set()


class _RegisterAfter(importlib.abc.Loader):
    def __init__(self, loader: Any, name: str) -> None:
        self.loader = loader
        self.name = name

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        module: ModuleType | None = self.loader.create_module(spec)
        return module

    def exec_module(self, module: ModuleType) -> None:
        _executing.add(self.name)
        try:
            self.loader.exec_module(module)
        finally:
            _executing.discard(self.name)
        if not _executing:
            import scanner.policy.filters  # noqa: F401  (registers on the registries just built)


class _Finder(importlib.abc.MetaPathFinder):
    def __init__(self) -> None:
        self.pending = set(TRIGGERS)

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname not in self.pending:
            return None
        self.pending.discard(fullname)
        if not self.pending:
            sys.meta_path.remove(self)  # every trigger seen: the hook is done
        spec = _find_elsewhere(self, fullname)
        if spec is not None and spec.loader is not None:
            spec.loader = _RegisterAfter(spec.loader, fullname)
        return spec


def _find_elsewhere(finder: _Finder, fullname: str) -> importlib.machinery.ModuleSpec | None:
    """The real module's spec, from the other finders (this one is stepped aside)."""
    installed = finder in sys.meta_path
    if installed:
        sys.meta_path.remove(finder)
    try:
        return importlib.util.find_spec(fullname)
    finally:
        if installed:
            sys.meta_path.insert(0, finder)


def install() -> None:
    """Register the hook (idempotent); if one of Custodian's trigger modules is already
    loaded, register the filters now."""
    if any(name in sys.modules for name in TRIGGERS):
        import scanner.policy.filters  # noqa: F401
    elif not any(isinstance(f, _Finder) for f in sys.meta_path):
        sys.meta_path.insert(0, _Finder())


install()
