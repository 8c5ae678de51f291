"""Errors the CLI turns into exit codes, and the exit codes themselves (docs/contract.md)."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    FINDINGS = 1  # findings at or above --fail-on, or drift for `diff`
    BAD_INPUT = 2  # bad policy, baseline, flag or configuration
    INCOMPLETE = 3  # a region or resource type could not be read
    INTERNAL = 4  # a bug: netwarden itself failed (never 0, 1 or 3)


def combine_exit_codes(*codes: int) -> int:
    """Combine outcomes with the contract's precedence: 4, 2, then 1, then 3, then 0."""
    for code in (ExitCode.INTERNAL, ExitCode.BAD_INPUT, ExitCode.FINDINGS, ExitCode.INCOMPLETE):
        if code in codes:
            return int(code)
    return int(ExitCode.OK)


class InputError(Exception):
    """Bad input from the user: a file, a flag or a configuration value.

    Rendered as one line, ``path:line: message``, and exit code 2; never a traceback.
    """

    def __init__(self, message: str, path: str | None = None, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line

    def __str__(self) -> str:
        if self.path and self.line:
            return f"{self.path}:{self.line}: {self.message}"
        if self.path:
            return f"{self.path}: {self.message}"
        return self.message
