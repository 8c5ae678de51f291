"""How netwarden uses Python's cyclic garbage collector.

A scan holds hundreds of thousands of long-lived dicts and lists (the snapshot, the parsed
baseline) that contain no reference cycles. With the default thresholds the collector
re-scans that growing heap again and again while it is built and while policies run; on the
scale benchmark that was over half of the wall time (10k resources: 9.7 s -> 4.5 s end to end).
Reference counting still frees everything; only the search for cycles is made rarer.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


def tune() -> None:
    """Thresholds for a process that builds a large, acyclic heap (the command line's)."""
    gc.set_threshold(100_000, 50, 1000)


_first_freeze_done = False


def settle() -> None:
    """Collect the cyclic garbage made so far and freeze what is alive, now: at a moment the
    process would otherwise only wait (the scan's parent while collection workers run), so
    that the first :func:`bulk_load` after it need not (on a 4-region scan that collection
    took ~0.13 s of CPU, on the critical path, after the snapshot had arrived)."""
    global _first_freeze_done
    if not gc.isenabled():
        return
    gc.collect()
    gc.freeze()
    _first_freeze_done = True


@contextmanager
def bulk_load() -> Iterator[None]:
    """Build a large acyclic structure (parsed JSON or YAML) without cycle collection, then
    move everything alive into the permanent generation, which later collections skip.

    Nesting is fine: collection resumes when the outermost block ends, if it was on before.
    """
    global _first_freeze_done
    was_enabled = gc.isenabled()
    if was_enabled and not _first_freeze_done:
        # Cyclic garbage made before the first block (imports, botocore) is collected, so
        # the freeze pins only what is alive. Only once: a full collection before every
        # region's baseline re-scanned the live state each time (100k resources: +8 s).
        # Later freezes may pin the little cyclic garbage made in between; a scan is one
        # process that ends.
        gc.collect()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
            gc.freeze()
            _first_freeze_done = True
