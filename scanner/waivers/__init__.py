"""Waivers: accepted risks, each with a reason, an owner and an expiry date (``waivers.yaml``).

``load`` reads and validates the file (every problem is exit 2 at file:line), ``apply``
marks the findings a waiver accepts and reports the waivers that expired or matched nothing.
Both are pure but for reading the one file.
"""

from __future__ import annotations

from scanner.waivers.apply import WaiverOutcome, apply_waivers
from scanner.waivers.load import DEFAULT_FILE, load_waivers, parse_waivers
from scanner.waivers.model import DRIFT_RULE_IDS, Waiver

__all__ = [
    "DEFAULT_FILE",
    "DRIFT_RULE_IDS",
    "Waiver",
    "WaiverOutcome",
    "apply_waivers",
    "load_waivers",
    "parse_waivers",
]
