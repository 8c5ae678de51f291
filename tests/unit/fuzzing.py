"""How many examples a property gets: a few under ``make unit`` / ``make test``, thousands
under ``make fuzz`` (``NETWARDEN_FUZZ=1``). The fast count keeps the pure suite under a minute;
the thousands are where a rare counterexample is looked for, so a property that runs here with
few examples must be in the Makefile's ``fuzz`` list."""

from __future__ import annotations

import os
from typing import Any

from hypothesis import settings

FUZZ = os.environ.get("NETWARDEN_FUZZ") == "1"


def examples(fast: int, fuzz: int = 2000, **options: Any) -> settings:
    """Hypothesis settings with ``fast`` examples, or ``fuzz`` under ``make fuzz``; no
    deadline (a shared CI machine makes timings meaningless)."""
    return settings(max_examples=fuzz if FUZZ else fast, deadline=None, **options)
