"""Teach the bare ``custodian`` command netwarden's filters, through a ``.pth`` file.

c7n 0.9.53 reads no plugin entry points. A ``.pth`` file in site-packages containing the line
``import scanner.policy.autoload`` installs this import hook in every interpreter of that
environment; it costs nothing until Custodian imports ``c7n.resources.vpc``, and then
registers netwarden's filters right after it, so ``custodian validate`` and ``custodian run``
accept the whole rule pack. (``python -m scanner.policy.custodian`` does the same without a
``.pth`` file.)
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import importlib.util
import sys
from collections.abc import Sequence
from types import ModuleType
from typing import Any

TRIGGER = "c7n.resources.vpc"


class _RegisterAfter(importlib.abc.Loader):
    def __init__(self, loader: Any) -> None:
        self.loader = loader

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        module: ModuleType | None = self.loader.create_module(spec)
        return module

    def exec_module(self, module: ModuleType) -> None:
        self.loader.exec_module(module)
        import scanner.policy.filters  # noqa: F401  (registers on the registries just built)


class _Finder(importlib.abc.MetaPathFinder):
    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != TRIGGER:
            return None
        sys.meta_path.remove(self)  # one shot: find the real module with the other finders
        spec = importlib.util.find_spec(fullname)
        if spec is not None and spec.loader is not None:
            spec.loader = _RegisterAfter(spec.loader)
        return spec


def install() -> None:
    """Register the hook (idempotent); if Custodian's VPC module is already loaded, register
    the filters now."""
    if TRIGGER in sys.modules:
        import scanner.policy.filters  # noqa: F401
    elif not any(isinstance(f, _Finder) for f in sys.meta_path):
        sys.meta_path.insert(0, _Finder())


install()
