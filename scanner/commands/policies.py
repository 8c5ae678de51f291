"""``netwarden policies validate|list``: check and list the rule pack."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import click

from scanner import console
from scanner.commands.common import PACK_META, handle_input_errors, policies_option

if TYPE_CHECKING:
    from scanner.policy.loader import Memo, PolicyPack


def _load(directory: str, memo: Memo) -> PolicyPack:
    """The pack (a bad one raises InputError: the one-line error and exit 2 of every command)."""
    # Validating imports Cloud Custodian; `netwarden policies --help` must not pay for it.
    from scanner.policy.loader import load_policy_pack

    pack = load_policy_pack(directory, memo=memo)
    choice = click.get_current_context().meta.get(PACK_META)
    if choice is not None:
        console.note(choice.describe())
    return pack


@click.group("policies")
def policies() -> None:
    """Check and list the rule pack."""


@policies.command("validate")
@policies_option
@handle_input_errors
def validate_command(policies_dir: str) -> None:
    """Validate every policy with Custodian's schema and netwarden's metadata rules."""
    pack = _load(policies_dir, "record")  # always judged afresh; a pass lets `list` skip it
    files = len({p.path for p in pack.policies})
    click.echo(f"{len(pack)} policies in {files} files are valid (sha256 {pack.digest[:12]})")


def table_rows(pack: PolicyPack) -> list[list[str]]:
    """One row per policy, by id: id, name, resource, severity, compliance refs."""
    return [
        [
            p.metadata.id,
            p.name,
            p.resource_type,
            p.metadata.severity,
            ", ".join(p.metadata.compliance) or "-",
        ]
        for p in sorted(pack.policies, key=lambda p: p.metadata.id)
    ]


HEADERS = ["id", "name", "resource", "severity", "compliance"]
# A cell tabulate prints as it is: printable ASCII, no space at either end (it strips them).
_PLAIN = re.compile(r"[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?")


def _plain(cell: object) -> bool:
    if not isinstance(cell, str) or not _PLAIN.fullmatch(cell) or cell.isdigit():
        return False
    try:
        float(cell)  # tabulate aligns a column of numbers ("1e3", "nan", "1_0") on the point
    except ValueError:
        return True
    return False


def github_table(rows: list[list[str]], headers: list[str]) -> str:
    """``tabulate(rows, headers, tablefmt="github")``, without importing tabulate (~30 ms,
    with importlib.metadata) when every cell is plain text; tabulate itself otherwise."""
    if not all(_plain(cell) for row in [headers, *rows] for cell in row) or any(
        len(row) != len(headers) for row in rows
    ):
        from tabulate import tabulate

        return str(tabulate(rows, headers=headers, tablefmt="github"))
    widths = [max([len(h) + 2, *(len(row[i]) for row in rows)]) for i, h in enumerate(headers)]

    def line(cells: list[str]) -> str:
        return "|" + "|".join(f" {c.ljust(w)} " for c, w in zip(cells, widths, strict=True)) + "|"

    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(headers), rule, *(line(row) for row in rows)])


@policies.command("list")
@policies_option
@handle_input_errors
def list_command(policies_dir: str) -> None:
    """List the policies: id, name, resource, severity and compliance references."""
    # A pack that would not run is not listed as if it would: it is validated, unless these
    # exact bytes passed before under this installation's code (scanner.policy.validated).
    pack = _load(policies_dir, "use")
    click.echo(github_table(table_rows(pack), HEADERS))
