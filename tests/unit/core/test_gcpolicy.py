"""The garbage-collector policy: off while a large structure is built, back on after."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from scanner import gcpolicy


@pytest.fixture(autouse=True)
def collector_on() -> Iterator[None]:
    gc.enable()
    yield
    gc.enable()


def test_off_inside_on_after() -> None:
    with gcpolicy.bulk_load():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_nested_blocks_turn_it_on_only_at_the_outermost_end() -> None:
    with gcpolicy.bulk_load():
        with gcpolicy.bulk_load():
            pass
        assert not gc.isenabled()
    assert gc.isenabled()


def test_on_again_after_an_error() -> None:
    with pytest.raises(ValueError), gcpolicy.bulk_load():
        raise ValueError("bad input")
    assert gc.isenabled()


def test_what_was_built_is_frozen() -> None:
    before = gc.get_freeze_count()
    with gcpolicy.bulk_load():
        built = [{"k": [i]} for i in range(1000)]
    assert gc.get_freeze_count() >= before + len(built)


def test_left_off_when_it_was_off() -> None:
    gc.disable()
    with gcpolicy.bulk_load():
        pass
    assert not gc.isenabled()


def test_garbage_cycles_are_collected_before_the_first_freeze(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import weakref

    monkeypatch.setattr(gcpolicy, "_first_freeze_done", False)

    class Node:
        pass

    node = Node()
    node.self = node  # type: ignore[attr-defined]
    alive = weakref.ref(node)
    del node
    with gcpolicy.bulk_load():
        pass
    assert alive() is None


def test_later_blocks_do_not_run_a_full_collection(monkeypatch: pytest.MonkeyPatch) -> None:
    """A full collection per region's baseline re-scanned the whole live state each time."""
    collections: list[int] = []
    monkeypatch.setattr(gcpolicy, "_first_freeze_done", False)
    monkeypatch.setattr(gcpolicy.gc, "collect", lambda *a: collections.append(1) or 0)
    for _ in range(3):
        with gcpolicy.bulk_load():
            pass
    assert collections == [1]
