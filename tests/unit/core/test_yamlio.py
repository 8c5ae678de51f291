"""The YAML reader: the same data as PyYAML's safe loader, with lines, and shared strings."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from scanner import yamlio
from scanner.errors import InputError
from tests.unit.fuzzing import examples

DOC = """\
account: '111111111111'
region: us-east-1
resources:
  aws.security-group:
    sg-1:
      IpProtocol: tcp
      Ports: [22, '22', 0x16]
      Flags: [yes, no, 'yes', true, ~, null, '', 1.5, .inf, 2001-01-01]
    sg-2:
      IpProtocol: tcp
      Rules:
      - Cidr: 0.0.0.0/0
        From: 22
"""


def test_same_data_as_the_safe_loader() -> None:
    data, _ = yamlio.load_with_lines(DOC, "f.yaml")
    assert data == yaml.safe_load(DOC)


def test_lines_of_every_key_and_item() -> None:
    _, lines = yamlio.load_with_lines(DOC, "f.yaml")
    assert lines[("resources", "aws.security-group", "sg-2")] == 9
    assert lines[("resources", "aws.security-group", "sg-2", "Rules", 0)] == 12
    assert lines[("resources", "aws.security-group", "sg-2", "Rules", 0, "From")] == 13


def test_line_depth_keeps_only_the_shallow_paths() -> None:
    data, lines = yamlio.load_with_lines(DOC, "f.yaml", line_depth=3)
    assert data == yaml.safe_load(DOC)
    assert lines[("resources", "aws.security-group", "sg-2")] == 9
    assert max(len(path) for path in lines) == 3
    assert lines.line_of(("resources", "aws.security-group", "sg-2", "Rules", 0)) == 9


def test_equal_strings_are_one_object() -> None:
    data, _ = yamlio.load_with_lines(DOC, "f.yaml")
    groups = data["resources"]["aws.security-group"]
    assert groups["sg-1"]["IpProtocol"] is groups["sg-2"]["IpProtocol"]
    first_key = next(iter(groups["sg-1"]))
    second_key = next(iter(groups["sg-2"]))
    assert first_key is second_key


def test_duplicate_key_names_both_lines() -> None:
    text = DOC.replace("    sg-2:\n", "    sg-1:\n")
    with pytest.raises(InputError) as caught:
        yamlio.load_with_lines(text, "f.yaml", line_depth=3)
    assert caught.value.line == 9
    assert "duplicate key 'sg-1' (first on line 5)" in caught.value.message


def test_plain_spellings_resolve_as_the_safe_loader_resolves_them() -> None:
    """Repeated scalars take their tag from a per-document cache keyed by text and style."""
    values = ["1", "yes", "'1'", "x", "yes", "1", '"yes"', "~", "''", "~"]
    text = "\n".join(f"k{i}: {value}" for i, value in enumerate(values))
    assert yamlio.load_with_lines(text, "p.yaml")[0] == yaml.safe_load(text)


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=12),
    st.sampled_from(["yes", "No", "~", "null", "0x1f", "1e3", "2001-01-01", "0o7", "-.inf", ""]),
)
documents = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=30,
)


@examples(80, 3000)
@given(documents)
def test_reads_what_the_dumper_writes_as_the_safe_loader_does(data: object) -> None:
    """The per-document tag cache must never change a scalar's type."""
    text = yamlio.dump(data)
    ours, _ = yamlio.load_with_lines(text, "f.yaml")
    assert ours == yaml.safe_load(text)
