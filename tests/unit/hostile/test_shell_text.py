"""Attacker text in commands: every word shell-quoted, no control character in a command line,
a report's code block or a terminal line. Checked against a real bash, which parses each
command line without running anything in it."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scanner.attribution.match import containment
from scanner.model import ApiCall, Attribution
from scanner.remediate.cli_text import cli_for
from scanner.report.escape import code_block, md, md_code
from scanner.textsafe import CONTROL_POINTS, one_line, shell_join, shell_quote

HOSTILE_KEY = "AKIA$(touch x)\x1b]0;pwn\x07"
# Anything a C0/C1 control, DEL, a line separator or a bidi control: independent of textsafe.
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
BASH = shutil.which("bash")
needs_bash = pytest.mark.skipif(BASH is None, reason="bash is not installed")

# Text as an attacker writes it: shell syntax, quotes, escapes, controls, non-ASCII.
WORD = st.text(
    alphabet=st.characters(min_codepoint=1, max_codepoint=0x2070)
    | st.sampled_from(list("$`'\"\\;|&(){}*?~!#\n\r\t\x1b\x07\x9b\u202e")),
    max_size=30,
)


def words_as_bash_sees_them(command: str, cwd: Path) -> list[str]:
    """The argument words of ``command`` after bash's parsing: ``aws`` is a function that
    prints its arguments, so nothing in the command runs."""
    script = "aws() { printf '%s\\0' \"$@\"; }\n" + command + "\n"
    assert BASH is not None
    done = subprocess.run(
        [BASH, "--norc", "--noprofile", "-c", script],
        cwd=cwd,
        capture_output=True,
        env={"LC_ALL": "C.UTF-8", "PATH": "/usr/bin:/bin"},
        check=True,
    )
    return done.stdout.decode("utf-8").split("\0")[:-1]


def test_control_points_cover_the_independent_set() -> None:
    for point in range(0x2070):
        assert (point in CONTROL_POINTS) == bool(CONTROL.match(chr(point))), hex(point)


@pytest.mark.slow  # starts bash
@needs_bash
@settings(max_examples=60, deadline=None)
@given(words=st.lists(WORD, min_size=1, max_size=8))
def test_a_joined_command_is_exactly_its_words_and_holds_no_control(
    words: list[str], tmp_path_factory: pytest.TempPathFactory
) -> None:
    command = shell_join(["aws", *words])
    assert CONTROL.search(command) is None, repr(command)
    cwd = tmp_path_factory.mktemp("bash")
    assert words_as_bash_sees_them(command, cwd) == words
    assert list(cwd.iterdir()) == []


def test_plain_words_keep_posix_quoting() -> None:
    assert shell_quote("sg-0abc") == "sg-0abc"
    assert shell_quote("a b'c") == "'a b'\"'\"'c'"
    assert shell_quote("a\x1bb'") == "$'a\\x1bb\\''"


@pytest.mark.slow  # starts bash
@needs_bash
def test_cli_for_quotes_a_hostile_scalar(tmp_path: Path) -> None:
    call = ApiCall("iam", "UpdateAccessKey", {"AccessKeyId": HOSTILE_KEY, "Status": "Inactive"})
    command = cli_for(call, "eu-west-1")
    assert CONTROL.search(command) is None
    assert words_as_bash_sees_them(command, tmp_path) == [
        "iam",
        "update-access-key",
        "--region",
        "eu-west-1",
        "--access-key-id",
        HOSTILE_KEY,
        "--status",
        "Inactive",
    ]
    assert not (tmp_path / "x").exists()


@pytest.mark.slow  # starts bash
@needs_bash
def test_containment_steps_for_a_hostile_key_are_quoted(tmp_path: Path) -> None:
    who = Attribution(
        principal="arn:aws:iam::123456789012:user/mallory",
        access_key_id=HOSTILE_KEY,
        source_ip="198.51.100.7",
        user_agent="aws-cli",
        event_name="AuthorizeSecurityGroupIngress",
        event_time="2026-11-28T03:12:09Z",
    )
    steps = containment(who, "us-east-1")
    commands = [s.cli for s in steps if s.cli]
    assert len(commands) == 2
    for command in commands:
        assert CONTROL.search(command) is None
    assert words_as_bash_sees_them(commands[1], tmp_path) == [
        "cloudtrail",
        "lookup-events",
        "--region",
        "us-east-1",
        "--lookup-attributes",
        f"AttributeKey=AccessKeyId,AttributeValue={HOSTILE_KEY}",
    ]
    assert not (tmp_path / "x").exists()
    # The descriptions are prose, not commands: the key never sits unquoted in a command there.
    assert not any("AttributeValue" in s.description for s in steps)


@settings(max_examples=200, deadline=None)
@given(WORD)
def test_no_control_reaches_markdown_or_a_terminal_line(text: str) -> None:
    assert CONTROL.search(md(text).replace("<br>", "")) is None
    assert CONTROL.search(md_code(text)) is None
    assert CONTROL.search(one_line(text).replace("\t", "")) is None
    block = code_block(text, "bash")
    assert CONTROL.search(block.replace("\n", "").replace("\t", "")) is None
