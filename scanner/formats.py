"""The names of the report formats, for the command line's defaults and help.

Kept apart from ``scanner.report`` (which imports every renderer) so that the command line
can name the formats without loading them; a test keeps this list equal to the reporters
registered in ``scanner.report.base.REPORTERS``.
"""

from __future__ import annotations

# Every format a reporter is registered for, in the order the help lists them.
REPORT_FORMATS: tuple[str, ...] = ("sarif", "markdown", "json", "html")
# What `scan` and `report merge` write when --format is not given.
DEFAULT_FORMATS: tuple[str, ...] = ("sarif", "markdown", "json")
# What `review` writes when --format is not given: the same set.
REVIEW_FORMATS: tuple[str, ...] = DEFAULT_FORMATS
