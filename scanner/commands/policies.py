"""``netwarden policies validate|list``: check and list the rule pack."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from scanner import console, ghtable
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


def github_table(rows: list[list[str]], headers: list[str]) -> str:
    """``tabulate(rows, headers, tablefmt="github")``, without importing tabulate (~30 ms,
    with importlib.metadata) when every cell is plain text; tabulate itself otherwise."""
    if not ghtable.all_plain(headers, rows, numbers_parsed=True):
        from tabulate import tabulate

        return str(tabulate(rows, headers=headers, tablefmt="github"))
    return ghtable.render(headers, rows)


@policies.command("list")
@policies_option
@handle_input_errors
def list_command(policies_dir: str) -> None:
    """List the policies: id, name, resource, severity and compliance references."""
    # A pack that would not run is not listed as if it would: it is validated, unless these
    # exact bytes passed before under this installation's code (scanner.policy.validated).
    pack = _load(policies_dir, "use")
    click.echo(github_table(table_rows(pack), HEADERS))
