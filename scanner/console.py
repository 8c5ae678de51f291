"""How much the command line says, and whether in colour: ``--quiet``, ``--verbose``,
``--no-color`` and ``NO_COLOR``.

Set once by the root command (``scanner.cli``) and read wherever the CLI prints. Results
(stdout, report files, exit codes) never depend on it; only the notes on stderr do.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from typing import Any, TextIO

import click

QUIET, NORMAL, VERBOSE = -1, 0, 1


@dataclass
class _Settings:
    verbosity: int = NORMAL
    color: bool | None = None  # None: decide per stream (a terminal and no NO_COLOR)


SETTINGS = _Settings()


def configure(*, quiet: bool = False, verbose: bool = False, no_color: bool = False) -> None:
    """Apply the root options; ``--quiet`` wins over ``--verbose``."""
    SETTINGS.verbosity = QUIET if quiet else VERBOSE if verbose else NORMAL
    SETTINGS.color = False if no_color or no_color_env() else None


def no_color_env() -> bool:
    """NO_COLOR (https://no-color.org): any non-empty value turns colour off."""
    return bool(os.environ.get("NO_COLOR"))


def use_color(stream: TextIO | None = None) -> bool:
    """Colour only for a terminal, and never with --no-color or NO_COLOR."""
    if SETTINGS.color is False or no_color_env():
        return False
    target = stream if stream is not None else sys.stdout
    return bool(getattr(target, "isatty", lambda: False)())


def quiet() -> bool:
    return SETTINGS.verbosity <= QUIET


def verbose() -> bool:
    return SETTINGS.verbosity >= VERBOSE


def note(message: str) -> None:
    """A progress or status note on stderr ("wrote X"); silent with --quiet."""
    if not quiet():
        click.echo(message, err=True, color=use_color(sys.stderr))


def detail(message: str) -> None:
    """Extra detail on stderr, only with --verbose."""
    if verbose():
        click.echo(message, err=True, color=use_color(sys.stderr))


def warn(message: str) -> None:
    """A warning on stderr: shown even with --quiet (it changes what the result means)."""
    click.echo(f"netwarden: warning: {message}", err=True, color=use_color(sys.stderr))


def rich_console(stream: TextIO | None = None, **kwargs: Any) -> Any:
    """A rich Console that honours --no-color and NO_COLOR (rich is imported only here)."""
    from rich.console import Console

    target = stream if stream is not None else sys.stdout
    return Console(file=target, no_color=not use_color(target), highlight=False, **kwargs)
