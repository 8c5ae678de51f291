"""Counting API calls from botocore's own events, not by estimate."""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any


class CallCounter:
    """Counts every API call (``before-call``) and every HTTP attempt (``before-send``).

    ``calls`` is what the snapshot reports as ``api_calls``; ``attempts - calls`` is the
    number of retries botocore made (throttling, transient errors).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.by_operation: Counter[str] = Counter()
        self.attempts = 0
        self.enabled = True

    def attach(self, events: Any) -> None:
        """Register on a botocore event emitter (a session's or a client's ``meta.events``)."""
        suffix = id(self)  # several counters may listen to one session
        events.register("before-call", self._on_call, unique_id=f"netwarden-call-{suffix}")
        events.register("before-send", self._on_send, unique_id=f"netwarden-send-{suffix}")

    def _on_call(self, model: Any = None, **_: Any) -> None:
        if model is None or not self.enabled:
            return
        key = f"{model.service_model.service_name}:{model.name}"
        with self._lock:
            self.by_operation[key] += 1

    def _on_send(self, **_: Any) -> None:
        if not self.enabled:
            return
        with self._lock:
            self.attempts += 1

    def reset(self) -> None:
        with self._lock:
            self.by_operation.clear()
            self.attempts = 0

    def counts(self) -> tuple[dict[str, int], int]:
        """(calls by operation, HTTP attempts): what :meth:`add` takes."""
        with self._lock:
            return dict(self.by_operation), self.attempts

    def add(self, counts: tuple[dict[str, int], int]) -> None:
        """Add another counter's :meth:`counts` (a worker process's)."""
        by_operation, attempts = counts
        with self._lock:
            self.by_operation.update(by_operation)
            self.attempts += attempts

    @property
    def calls(self) -> int:
        with self._lock:
            return sum(self.by_operation.values())

    def snapshot_stats(self) -> dict[str, Any]:
        with self._lock:
            calls = sum(self.by_operation.values())
            return {
                "api_calls": calls,
                "retries": max(self.attempts - calls, 0),
                "api_calls_by_operation": dict(sorted(self.by_operation.items())),
            }
