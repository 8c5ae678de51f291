"""Where the rule pack and the IAM policy come from: the working directory's ``policies/``,
``--policies DIR``, or the copy installed with netwarden.

A wheel carries the repository's ``policies/`` as ``scanner/data/policies`` and
``docs/iam-policy.json`` as ``scanner/data/iam-policy.json`` (``pyproject.toml``,
``[tool.hatch.build.targets.wheel.force-include]``). A source checkout or an editable install
has no ``scanner/data``: there the installed pack *is* the checkout's ``policies/``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from scanner.errors import InputError

_PACKAGE = Path(__file__).resolve().parent
_DATA = _PACKAGE / "data"
_CHECKOUT = _PACKAGE.parent  # the repository root, when running from a checkout

LOCAL_DIR = "policies"
Source = Literal["option", "local", "packaged"]


def _installed(name: str, checkout_path: str) -> Path:
    packaged = _DATA / name
    if packaged.exists():
        return packaged
    in_checkout = _CHECKOUT / checkout_path
    if (_CHECKOUT / "pyproject.toml").is_file() and in_checkout.exists():
        return in_checkout
    raise InputError(
        f"the {name} installed with netwarden is missing from {_DATA} (reinstall netwarden)"
    )


def packaged_policies() -> Path:
    """The rule pack installed with netwarden."""
    return _installed("policies", "policies")


def packaged_iam_policy() -> Path:
    """The read-only IAM policy a scanning role needs (``docs/iam-policy.json``)."""
    return _installed("iam-policy.json", "docs/iam-policy.json")


@dataclass(frozen=True)
class PackChoice:
    """The rule pack a command uses, and why that one."""

    path: str
    source: Source

    def describe(self) -> str:
        """One line for people: which pack, and from where."""
        if self.source == "option":
            return f"rule pack: {self.path} (--policies)"
        if self.source == "local":
            return f"rule pack: {self.path}/ in the working directory"
        return f"rule pack: the one installed with netwarden ({self.path})"


def choose(option: str | None, cwd: Path | None = None) -> PackChoice:
    """``--policies DIR`` when given; else ``./policies`` when it is a directory; else the
    installed pack."""
    if option:
        return PackChoice(option, "option")
    local = (cwd or Path.cwd()) / LOCAL_DIR
    if local.is_dir():
        return PackChoice(LOCAL_DIR if cwd is None else str(local), "local")
    return PackChoice(str(packaged_policies()), "packaged")
