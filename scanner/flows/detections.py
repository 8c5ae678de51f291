"""Flow detections (placeholder until they land: none)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scanner.flows.layout import Window
from scanner.flows.reader import FlowStore, LoadStats
from scanner.model import Finding


def detect(
    store: FlowStore, snapshot: Mapping[str, Any], window: Window, stats: LoadStats
) -> list[Finding]:
    return []
