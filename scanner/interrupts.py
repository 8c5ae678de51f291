"""Stopping on SIGINT and SIGTERM: quickly, with no worker process or temporary file left.

The main process turns SIGTERM into :class:`Terminated` (SIGINT is already
``KeyboardInterrupt``), so both unwind the stack through every ``finally`` and ``with``
block: temporary files are removed and worker pools are stopped on the way out. Forked
workers ignore SIGINT (a Ctrl-C reaches the whole process group; the parent decides) and
die with their parent; the parent kills them when it stops early (:func:`stop_pool`).
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from types import FrameType
from typing import TYPE_CHECKING, NoReturn

if TYPE_CHECKING:
    from concurrent.futures import Executor

# The shell's convention: 128 + the signal's number.
SIGINT_EXIT = 128 + signal.SIGINT  # 130
SIGTERM_EXIT = 128 + signal.SIGTERM  # 143

_PR_SET_PDEATHSIG = 1  # linux/prctl.h


class Terminated(BaseException):
    """SIGTERM arrived. A BaseException, like KeyboardInterrupt: no ``except Exception``
    on the way up may swallow it."""


def _on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise Terminated()


def install() -> None:
    """Raise :class:`Terminated` in the main thread on SIGTERM (the CLI's process only)."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _on_sigterm)


def is_interrupt(exc: BaseException | None) -> bool:
    """Whether an exception is (or was caused by) SIGINT or SIGTERM."""
    while exc is not None:
        if isinstance(exc, KeyboardInterrupt | Terminated):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def exit_code_of(exc: BaseException | None) -> int:
    """130 for SIGINT, 143 for SIGTERM: the signal found in ``exc`` or what caused it."""
    while exc is not None:
        if isinstance(exc, Terminated):
            return SIGTERM_EXIT
        if isinstance(exc, KeyboardInterrupt):
            return SIGINT_EXIT
        exc = exc.__cause__ or exc.__context__
    return SIGINT_EXIT


def worker_init() -> None:
    """In a forked worker, first thing: leave SIGINT to the parent, die on SIGTERM as a plain
    process does, and be killed when the parent dies (Linux), so no worker outlives it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if sys.platform == "linux":
        parent = os.getppid()
        import ctypes

        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if os.getppid() != parent:  # the parent died before prctl took effect
            os._exit(1)


def stop_pool(pool: Executor, timeout: float = 2.0) -> None:
    """Stop a pool at once, dropping its pending work: a process pool's workers are killed
    (their results are not wanted), a thread pool is not waited for (its threads finish
    their current call on their own; the CLI does not wait for them when it exits early)."""
    from concurrent.futures import ProcessPoolExecutor

    if isinstance(pool, ProcessPoolExecutor):
        # The executor has no public way to stop running work; its processes are all there is.
        processes = list((getattr(pool, "_processes", None) or {}).values())
        for process in processes:
            with contextlib.suppress(OSError, ValueError, AttributeError):
                process.kill()
        pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            with contextlib.suppress(OSError, ValueError, AssertionError, AttributeError):
                process.join(timeout)
    else:
        pool.shutdown(wait=False, cancel_futures=True)


def exit_now(code: int) -> NoReturn:
    """Leave at once with ``code``. After a signal the stack has been unwound (temporary
    files removed, pools stopped), but a thread-pool thread may still be in an HTTP call
    that Python's exit would wait for (up to the read timeout): the process ends without
    joining threads. Any worker process still alive is killed first."""
    import multiprocessing

    for child in multiprocessing.active_children():
        with contextlib.suppress(OSError, ValueError, AttributeError):
            child.kill()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(code)
