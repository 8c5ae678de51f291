"""The fast reader of netwarden's own YAML: exactly PyYAML's result, or it gives up.

The oracle is the PyYAML path (``yamlio.load_with_pyyaml``): whenever the fast reader
returns something, the data (with its types) and every line must be what PyYAML gives, and
whenever PyYAML refuses a text, the fast reader must have given up on it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from scanner import fastyaml, yamlio
from scanner.errors import InputError
from tests.unit.fuzzing import examples


def typed(value: Any) -> Any:
    """``value`` with every scalar's type made explicit (1, 1.0 and True compare equal)."""
    if isinstance(value, dict):
        return {typed(k): typed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [typed(v) for v in value]
    if isinstance(value, float) and value != value:
        return ("float", "nan")
    return (type(value).__name__, value)


def oracle(text: str, line_depth: int | None = None) -> Any:
    """The fast reader's result, checked against PyYAML's."""
    fast = fastyaml.load(text, line_depth)
    try:
        data, lines = yamlio.load_with_pyyaml(text, "f.yaml", line_depth)
    except InputError:
        assert fast is None, f"PyYAML refuses {text!r} but the fast reader read it"
        return None
    if fast is not None:
        assert typed(fast[0]) == typed(data), text
        assert fast[1] == dict(lines), text
    return fast


TRICKY = [
    "yes",
    "No",
    "on",
    "OFF",
    "~",
    "null",
    "Null",
    "",
    " ",
    "0x1f",
    "0o17",
    "017",
    "1_000",
    "1:20",
    "1e3",
    "1.5",
    ".5",
    "-.inf",
    ".NaN",
    "2001-01-01",
    "2001-12-14t21:59:43.10-05:00",
    "=",
    "<<",
    "a #b",
    "a#b",
    "x:",
    "x: y",
    "- x",
    "-x",
    "? x",
    "?x",
    ":x",
    "&a",
    "*a",
    "!t",
    "|",
    ">",
    "%",
    "@",
    "`",
    "'",
    '"',
    "''",
    "{}",
    "[]",
    "[a]",
    "{a: 1}",
    "a, b",
    "lead ",
    " trail",
    "multi\nline",
    "tab\tx",
    "cr\rx",
    "nel\x85x",
    "ls\u2028x",
    "bom\ufeffx",
    "ctrl\x07x",
    "é",
    "日本",
    "\U0001f600",
    "\\",
    "a\\nb",
    "#",
    "sg-0a1b2c3d",
    "0.0.0.0/0",
    "arn:aws:ec2:us-east-1:123456789012:vpc/vpc-1",
    "---",
    "...",
    "- ",
    "a:b",
    "a :b",
]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=10),
    st.sampled_from(TRICKY),
    st.datetimes(timezones=st.just(dt.UTC)),
)
keys = st.one_of(st.text(max_size=8), st.sampled_from(TRICKY), st.integers(), st.booleans())
documents = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=4),
    max_leaves=40,
)


@examples(100, 4000)
@given(documents, st.sampled_from([None, 1, 3]))
def test_what_the_dumper_writes_is_read_as_pyyaml_reads_it(data: Any, depth: int | None) -> None:
    oracle(yamlio.dump(data), depth)


plain_text = st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=12)
baseline_like = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), plain_text),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(plain_text, inner, max_size=4),
    max_leaves=40,
)


@examples(80, 3000)
@given(baseline_like)
def test_the_fast_reader_takes_everything_the_dumper_writes_from_printable_text(
    data: Any,
) -> None:
    """Baselines are printable text on one line: the fast path must really be taken."""
    assert oracle(yamlio.dump(data)) is not None


edits = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=10_000),
        st.sampled_from(["insert", "delete", "replace"]),
        st.sampled_from(list(" \n-:#'\"\\{}[]&*!|>%@`?,\t\rax0~")),
    ),
    min_size=1,
    max_size=4,
)


@examples(150, 6000)
@given(documents, edits)
def test_a_corrupted_document_is_read_as_pyyaml_reads_it_or_given_up(
    data: Any, changes: list[tuple[int, str, str]]
) -> None:
    text = yamlio.dump(data)
    for position, kind, char in changes:
        at = position % (len(text) + 1)
        if kind == "insert":
            text = text[:at] + char + text[at:]
        elif kind == "delete":
            text = text[:at] + text[at + 1 :]
        else:
            text = text[:at] + char + text[at + 1 :]
    oracle(text)


CASES = {
    "baseline": """\
# comment
account: '111111111111'
region: us-east-1
resources:
  aws.security-group:
    sg-1:
      GroupName: web
      Tags: {}
      Ports: []
      IpPermissions:
      - IpProtocol: tcp
        FromPort: 22
        IpRanges:
        - CidrIp: 0.0.0.0/0
      - IpProtocol: '-1'
""",
    "nested sequences": "a:\n- - 1\n  - 2\n- -\n    - 3\n",
    "dash alone": "a:\n-\n  b: 1\n- \n  c: 2\n-\n",
    "indentless in item": "- k:\n  - a\n  - b\n  j: 1\n",
    "quoted keys": "'a: b': 1\n\"c\\td\": 2\n'it''s': 3\n",
    "adjacent colon": "'x':4\n",
    "bad timestamp": "a: 2000-01-00\n",
    "typed keys": "yes: 1\n22: 2\n~: 3\n1.5: 4\n2001-01-01: 5\n",
    "null values": "a:\nb: ~\nc:\n",
    "scalar document": "just text\n",
    "empty": "# only a comment\n",
    "comment after value": "a: 1 # one\n",
    "flow": "a: [1, 2]\n",
    "anchor": "a: &x 1\nb: *x\n",
    "block scalar": "a: |\n  text\n",
    "multi-line plain": "a: one\n  two\n",
    "multi-line quoted": "a: 'one\n  two'\n",
    "duplicate": "a: 1\na: 2\n",
    "bad indent": "a:\n  b: 1\n c: 2\n",
    "tab": "a:\n\tb: 1\n",
    "merge": "<<: 1\n",
    "document marker": "---\na: 1\n",
    "trailing spaces": "a: 1  \n",
    "windows": "a: 1\r\nb: 2\r\n",
    "deep": "a:\n  b:\n    c:\n      - d: 1\n        e: [] \n",
}


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("depth", [None, 2])
def test_hand_written_documents(name: str, depth: int | None) -> None:
    oracle(CASES[name], depth)


def test_the_usual_layout_is_read_fast() -> None:
    for name in ("baseline", "nested sequences", "quoted keys", "typed keys", "null values"):
        assert oracle(CASES[name]) is not None, name


def _nested(depth: int, leaf: str = "x: 1") -> str:
    """``depth`` mappings inside each other, with ``leaf`` in the innermost."""
    return "".join("  " * i + f"k{i}:\n" for i in range(depth - 1)) + "  " * (depth - 1) + leaf


@pytest.mark.parametrize("leaf", ["x: 1", "x: {}", "x: []", "x: [1]", "- 1"])
def test_both_readers_agree_on_the_deepest_document(leaf: str) -> None:
    """At MAX_DEPTH levels the fast reader and PyYAML read the same data; one level more
    is refused by both (the fast reader gives up, PyYAML names the line)."""
    inner_levels = 0 if leaf in ("x: 1", "- 1") else 1  # a collection inside the last mapping
    deepest = fastyaml.MAX_DEPTH - inner_levels
    for depth, accepted in ((deepest, True), (deepest + 1, False)):
        text = _nested(depth, leaf) + "\n"
        fast = fastyaml.load(text)
        if accepted:
            data, _ = yamlio.load_with_pyyaml(text, "deep.yaml")
            assert data == yaml.safe_load(text)
            # "[1]" is outside the fast reader's subset; the rest it reads itself.
            assert (fast is None) if leaf == "x: [1]" else (fast is not None and fast[0] == data)
        else:
            assert fast is None
            with pytest.raises(InputError, match="nested more than 64 levels deep"):
                yamlio.load_with_lines(text, "deep.yaml")


def test_a_very_deep_document_is_refused_at_its_line() -> None:
    """Depth is never a crash: 600 levels is exit 2 at the line where level 65 opens, and
    50,000 ``[`` (which segfaulted PyYAML's recursive C composer) too."""
    deep = _nested(600) + "\n"
    assert fastyaml.load(deep) is None
    with pytest.raises(InputError) as caught:
        yamlio.load_with_lines(deep, "deep.yaml")
    assert (caught.value.path, caught.value.line) == ("deep.yaml", 65)
    with pytest.raises(InputError) as caught:
        yamlio.load_with_lines("resources:\n  x: " + "[" * 50_000 + "\n", "bomb.yaml")
    assert caught.value.line == 2
