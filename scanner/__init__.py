"""netwarden: policy-as-code compliance scanner and drift detector for AWS networks."""

from __future__ import annotations

import os
import re
import sys
from functools import cache
from typing import Any

# Where users find the tool (SARIF tool.driver.informationUri); pyproject.toml's Homepage.
HOMEPAGE = "https://pypi.org/project/netwarden/"
# A distribution's metadata directory, named as importlib.metadata matches "netwarden".
_NAME = re.compile(r"^netwarden([-.].*)?\.(dist-info|egg-info|egg)$", re.IGNORECASE)
_DIST_INFO = re.compile(r"^netwarden-[^-]+\.dist-info$", re.IGNORECASE)


@cache
def _version() -> str:
    found = _metadata_version()
    if found is not None:
        return found
    # importlib.metadata costs ~40 ms to import: only when the quick look below cannot decide.
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("netwarden")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0.0.0+unknown"


def _metadata_version() -> str | None:
    """The ``Version`` of the first ``netwarden-*.dist-info`` on ``sys.path`` -- the one
    ``importlib.metadata.version("netwarden")`` reads -- or None to ask importlib.metadata
    (an egg-info first, a file without the field: layouts it knows better)."""
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        found = [n for n in names if _NAME.match(n)]
        if not found:
            continue
        if len(found) > 1 or not _DIST_INFO.match(found[0]):
            return None
        try:
            with open(os.path.join(entry or ".", found[0], "METADATA"), encoding="utf-8") as f:
                for line in f:
                    if not line.strip():
                        return None  # the headers ended without a Version
                    if line.startswith("Version:"):
                        return line.removeprefix("Version:").strip() or None
        except (OSError, UnicodeDecodeError):
            return None
        return None
    return None


def __getattr__(name: str) -> Any:
    """``scanner.__version__``, read from the installed distribution on first use."""
    if name == "__version__":
        return _version()
    raise AttributeError(f"module 'scanner' has no attribute {name!r}")
