"""Telling people: ``--notify sns:|slack:|webhook:`` targets, the messages (pure) and their
delivery (the one edge). Only new findings at or above ``--notify-on`` are sent, once per scan,
and nothing is sent when nothing is new."""

from __future__ import annotations

from scanner.notify.messages import Notice, build_notice, document, slack_payload, sns_message
from scanner.notify.targets import Target, parse_target

__all__ = [
    "Notice",
    "Target",
    "build_notice",
    "document",
    "parse_target",
    "slack_payload",
    "sns_message",
]
