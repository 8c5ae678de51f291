"""A policy's ``resource`` is one type name: a list (Custodian's multi-resource form, or the
fuzzer's ``[null]``) is exit 2 at its line, not Custodian's AttributeError (exit 4)."""

from __future__ import annotations

from pathlib import Path

import pytest

from scanner.errors import InputError
from scanner.policy.loader import load_policy_pack

POLICY = """\
policies:
  - name: odd
    resource:
      - {first}
    filters: []
"""


@pytest.mark.parametrize("first", ["null", "aws.security-group"])
def test_a_list_of_resources_is_bad_input_at_its_line(tmp_path: Path, first: str) -> None:
    (tmp_path / "p.yml").write_text(POLICY.format(first=first))
    with pytest.raises(InputError) as raised:
        load_policy_pack(tmp_path)
    assert "resource must be one type name, not a list" in str(raised.value)
    assert raised.value.line == 3
