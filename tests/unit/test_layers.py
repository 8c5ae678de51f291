"""The architecture holds: pyproject.toml's import-linter contracts (layers, no cycle) are kept.

``make layers`` runs the same check with import-linter's own report; this test makes
``pytest tests/unit`` fail too, with that report in the captured output.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from importlinter.application.use_cases import lint_imports
from importlinter.configuration import configure

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"


def test_the_import_contracts_are_kept() -> None:
    configure()  # what the lint-imports command does first: its readers and contract types
    assert lint_imports(config_filename=str(PYPROJECT), cache_dir=None, no_logo=True)


def test_every_layer_is_declared_and_no_cycle_is_allowed() -> None:
    """The contracts themselves: the layers are the whole package (exhaustive), from the
    command line down to the core, and cycles are forbidden at every depth."""
    contracts = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["tool"]["importlinter"]
    by_id = {c["id"]: c for c in contracts["contracts"]}
    layers = by_id["layers"]
    assert layers["type"] == "layers" and layers["exhaustive"] is True
    assert layers["containers"] == ["scanner"]
    order = [layer.split(":")[0].strip() for layer in layers["layers"]]
    assert order.index("commands") < order.index("pipeline") < order.index("(resources)")
    assert order[-1].startswith("arns")  # the core, last
    acyclic = by_id["acyclic"]
    assert acyclic["type"] == "acyclic_siblings" and acyclic["ancestors"] == ["scanner"]
    assert "depth" not in acyclic  # import-linter's default depth reaches every package here
