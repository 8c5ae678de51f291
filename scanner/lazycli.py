"""A click group whose subcommands are imported only when they run (click's lazy-group pattern).

``netwarden --help`` must answer without importing boto3, Cloud Custodian or rich: each
command module pulls in its own heavy dependencies, and importing them all for a help screen
cost about 0.6 s. Commands are registered by dotted path with their one-line help, so the
top-level help never imports a command; ``tests/unit/test_cli_startup.py`` checks that each
registered line equals the command's own short help, so they cannot drift apart.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import click


@dataclass(frozen=True)
class LazyCommand:
    """Where a subcommand lives (``module:attribute``) and its one-line help."""

    target: str
    short_help: str


class LazyGroup(click.Group):
    """A group that imports ``lazy_commands[name].target`` when ``name`` is first needed."""

    def __init__(
        self, *args: Any, lazy_commands: Mapping[str, LazyCommand] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.lazy_commands: dict[str, LazyCommand] = dict(lazy_commands or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy_commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy_commands and cmd_name not in self.commands:
            self.add_command(load_command(self.lazy_commands[cmd_name].target), cmd_name)
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list from the registered short help: nothing is imported for it."""
        rows: list[tuple[str, str]] = []
        for name in self.list_commands(ctx):
            if name in self.lazy_commands and name not in self.commands:
                rows.append((name, self.lazy_commands[name].short_help))
                continue
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(formatter.width)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


def load_command(target: str) -> click.Command:
    """Import ``module:attribute`` and check that it is a click command."""
    module_name, _, attribute = target.partition(":")
    command = getattr(importlib.import_module(module_name), attribute)
    if not isinstance(command, click.Command):
        raise TypeError(f"{target} is not a click command")
    return command


def registered(group: LazyGroup) -> Sequence[tuple[str, LazyCommand]]:
    """The lazily registered commands, by name (for tests and docs)."""
    return sorted(group.lazy_commands.items())
