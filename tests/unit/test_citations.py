"""Code and docs cite files of this repository only: the specification netwarden was built
from lives outside it, and its contract for users is docs/contract.md."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Spelled in two pieces so that this file does not cite it either.
OUTSIDE = ("CONTRACT" + ".md", "../" + "shared/", "/work/" + "shared")


def test_no_file_cites_a_document_outside_the_repository() -> None:
    files = [ROOT / "README.md", ROOT / "Makefile", ROOT / "pyproject.toml"]
    for top in ("scanner", "tests", "docs", "bench", "policies"):
        files += [p for p in (ROOT / top).rglob("*") if p.suffix in (".py", ".md", ".yml")]
    citing = [
        f"{path.relative_to(ROOT)}: {needle}"
        for path in files
        for needle in OUTSIDE
        if needle in path.read_text(encoding="utf-8", errors="replace")
    ]
    assert len(files) > 100
    assert citing == []


def test_the_contract_is_in_the_repository() -> None:
    assert (ROOT / "docs" / "contract.md").is_file()
