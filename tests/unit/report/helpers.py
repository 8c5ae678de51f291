"""Helpers for the reporter tests: the vendored SARIF schema and golden-file comparison."""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema

ROOT = Path(__file__).resolve().parents[3]
SCHEMA_PATH = ROOT / "tests" / "schemas" / "sarif-schema-2.1.0.json"
GOLDEN_DIR = ROOT / "tests" / "golden"
UPDATE_GOLDEN = os.environ.get("NETWARDEN_UPDATE_GOLDEN") == "1"


@cache
def _validator() -> jsonschema.Draft4Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator.check_schema(schema)
    return jsonschema.Draft4Validator(schema)


def assert_valid_sarif(text: str) -> dict[str, Any]:
    """Parse SARIF text and fail with every schema error (OASIS SARIF 2.1.0, Draft 4)."""
    log = json.loads(text)
    errors = sorted(_validator().iter_errors(log), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors[:20]
    )
    return log


def check_golden(name: str, text: str) -> None:
    """Compare with tests/golden/NAME; NETWARDEN_UPDATE_GOLDEN=1 rewrites it instead."""
    path = GOLDEN_DIR / name
    if UPDATE_GOLDEN:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
        return
    assert path.exists(), f"{path} is missing; create it with NETWARDEN_UPDATE_GOLDEN=1"
    expected = path.read_text(encoding="utf-8")
    assert text == expected, (
        f"{name} differs from the golden file; if the change is intended, regenerate with "
        "NETWARDEN_UPDATE_GOLDEN=1 and review the diff"
    )
