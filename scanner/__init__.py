"""netwarden: policy-as-code compliance scanner and drift detector for AWS networks."""

from __future__ import annotations

from functools import cache
from typing import Any

# Where users find the tool (SARIF tool.driver.informationUri); pyproject.toml's Homepage.
HOMEPAGE = "https://pypi.org/project/netwarden/"


@cache
def _version() -> str:
    # importlib.metadata costs ~40 ms to import; only --version and the reports need it.
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("netwarden")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0.0.0+unknown"


def __getattr__(name: str) -> Any:
    """``scanner.__version__``, read from the installed distribution on first use."""
    if name == "__version__":
        return _version()
    raise AttributeError(f"module 'scanner' has no attribute {name!r}")
