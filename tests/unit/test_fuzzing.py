"""A property that runs few examples in ``make unit`` must run thousands somewhere: every test
module that sizes its examples by ``NETWARDEN_FUZZ`` is in the Makefile's ``fuzz`` target."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def fuzz_paths() -> list[str]:
    makefile = (ROOT / "Makefile").read_text()
    recipe = re.search(r"^fuzz:.*\n((?:\t.*\n)+)", makefile, re.MULTILINE)
    assert recipe is not None, "the Makefile has no fuzz target"
    return re.findall(r"tests/unit/\S+", recipe.group(1))


def sized_by_fuzz() -> list[str]:
    """The modules that size examples by NETWARDEN_FUZZ, directly or through the settings of
    another such module (``from tests.unit.hostile.test_fuzz_loaders import PROFILE``)."""
    texts = {
        path.relative_to(ROOT).as_posix(): path.read_text()
        for path in sorted((ROOT / "tests" / "unit").rglob("*.py"))
        if path.name not in ("fuzzing.py", "test_fuzzing.py")
    }
    sized = {
        name
        for name, text in texts.items()
        if "NETWARDEN_FUZZ" in text or "tests.unit.fuzzing import" in text
    }
    for name, text in texts.items():
        if any(f"from {m.removesuffix('.py').replace('/', '.')} import" in text for m in sized):
            sized.add(name)
    return sorted(sized)


def test_the_fuzz_target_lists_paths_that_exist() -> None:
    paths = fuzz_paths()
    assert len(paths) >= 10
    assert [p for p in paths if not (ROOT / p).exists()] == []


def test_every_module_with_a_fast_and_a_fuzz_count_is_fuzzed() -> None:
    listed = fuzz_paths()
    modules = sized_by_fuzz()
    # The scan finds them, also through another module's settings.
    assert {
        "tests/unit/drift/test_properties.py",
        "tests/unit/hostile/test_previous_run.py",
    } <= set(modules)
    missing = [m for m in modules if not any(m == p or m.startswith(p + "/") for p in listed)]
    assert missing == []
