"""netwarden: policy-as-code compliance scanner and drift detector for AWS networks."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

# Where users find the tool (SARIF tool.driver.informationUri); pyproject.toml's Homepage.
HOMEPAGE = "https://pypi.org/project/netwarden/"

try:
    __version__ = version("netwarden")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"
