"""The unit suite is the pure core: a test that starts a process (a fork, a subprocess) must
say so with ``@pytest.mark.slow``, which ``make unit`` leaves out. Unmarked, it fails here
at the call instead of silently slowing the fast suite."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _no_process_unless_slow(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    if request.node.get_closest_marker("slow") is not None:
        yield
        return
    name = request.node.nodeid

    def refuse(*_: Any, **__: Any) -> Any:
        raise AssertionError(f"{name} starts a process: mark it @pytest.mark.slow")

    monkeypatch.setattr(subprocess.Popen, "__init__", refuse)
    monkeypatch.setattr(os, "fork", refuse)
    monkeypatch.setattr(os, "posix_spawn", refuse, raising=False)
    yield


@pytest.fixture(autouse=True)
def _own_cache_dir(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each test starts with an empty cache of its own (``policies list`` remembers validated
    packs under ``$XDG_CACHE_HOME``, scanner.policy.validated), never the user's."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg-cache")))
