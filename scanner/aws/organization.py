"""The accounts of an AWS Organization (``--organization``): ListAccounts, one role per account.

Run from the management account or a delegated administrator. Only ACTIVE accounts are
scanned: a suspended or closing account answers nothing a scan could use. Each account is
reached through ``arn:<partition>:iam::<id>:role/<role name>``; whether that role can be
assumed is found out when the account is opened, and an account where it cannot is a
coverage gap of the scan, never the end of it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Mapping
from typing import Any

from scanner.aws.session import AccountTarget
from scanner.errors import InputError

DEFAULT_ROLE_NAME = "netwarden-audit"
# ListAccounts answers at most 20 accounts a page.
PAGE_SIZE = 20
# IAM: a role name of 1-64 characters from [\w+=,.@-], optionally under a path.
_ROLE_NAME = re.compile(r"^(?:/?[\w+=,.@-]+/)*[\w+=,.@-]{1,64}$")
_ACCOUNT_ID = re.compile(r"^\d{12}$")
_PARTITION = re.compile(r"^arn:(aws[a-z-]*):")


def parse_exclusions(value: str | Iterable[str] | None) -> frozenset[str]:
    """``--exclude-accounts ID,...``: twelve-digit account ids, each checked."""
    if value is None:
        return frozenset()
    parts = value.split(",") if isinstance(value, str) else [p for v in value for p in v.split(",")]
    ids = {p.strip() for p in parts if p.strip()}
    for account in sorted(ids):
        if not _ACCOUNT_ID.match(account):
            raise InputError(f"--exclude-accounts: not a 12-digit account id: {account!r}")
    return frozenset(ids)


def check_role_name(name: str) -> str:
    """``--org-role-name``: an IAM role name (optionally with a path), as IAM allows it."""
    if not _ROLE_NAME.match(name):
        raise InputError(f"--org-role-name: not an IAM role name: {name!r}")
    return name.strip("/")


def account_state(account: Mapping[str, Any]) -> str:
    """ACTIVE, SUSPENDED, PENDING_CLOSURE, ...: ``State`` where the API gives it, else the
    older ``Status`` it replaces."""
    return str(account.get("State") or account.get("Status") or "")


def targets_from_accounts(
    accounts: Iterable[Mapping[str, Any]],
    role_name: str,
    exclude: Collection[str] = (),
    external_id: str | None = None,
    profile: str | None = None,
) -> list[AccountTarget]:
    """One target per ACTIVE account not excluded, named as Organizations names it (pure)."""
    targets: dict[str, AccountTarget] = {}
    for account in accounts:
        account_id = str(account.get("Id", ""))
        if not _ACCOUNT_ID.match(account_id) or account_id in exclude:
            continue
        if account_state(account) != "ACTIVE":
            continue
        match = _PARTITION.match(str(account.get("Arn", "")))
        partition = match.group(1) if match else "aws"
        name = account.get("Name")
        targets[account_id] = AccountTarget(
            role_arn=f"arn:{partition}:iam::{account_id}:role/{role_name}",
            external_id=external_id,
            profile=profile,
            name=str(name) if isinstance(name, str) and name else None,
        )
    return [targets[a] for a in sorted(targets)]


def list_accounts(client: Any) -> list[dict[str, Any]]:
    """Every account of the organisation, page by page (``client``: an organizations
    client of the management or delegated-admin account)."""
    accounts: list[dict[str, Any]] = []
    pages = client.get_paginator("list_accounts").paginate(PaginationConfig={"PageSize": PAGE_SIZE})
    for page in pages:
        accounts.extend(page.get("Accounts") or [])
    return accounts


def organization_targets(
    client_for: Callable[[], Any],
    role_name: str,
    exclude: Collection[str] = (),
    external_id: str | None = None,
    profile: str | None = None,
) -> list[AccountTarget]:
    """The targets of ``--organization``; a listing AWS refuses is a configuration error
    (exit 2): without it there is nothing to scan."""
    from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

    try:
        accounts = list_accounts(client_for())
    except NoCredentialsError:
        raise  # the callers' own message for missing credentials
    except ClientError as exc:
        error = exc.response.get("Error", {})
        code = str(error.get("Code", "error"))
        if code == "AWSOrganizationsNotInUseException":
            raise InputError(
                "--organization: these credentials' account is not in an organization"
            ) from None
        raise InputError(
            f"--organization: cannot list the organization's accounts ({code}): run from the "
            "management account or a delegated administrator"
        ) from None
    except BotoCoreError as exc:
        raise InputError(
            f"--organization: cannot list the organization's accounts: {exc}"
        ) from None
    targets = targets_from_accounts(accounts, role_name, exclude, external_id, profile)
    if not targets:
        raise InputError("--organization: no ACTIVE account left to scan")
    return targets


ORGANIZATION_ID = re.compile(r"^o-[a-z0-9]{10,32}$")


def organization_id(client: Any) -> str | None:
    """The id of the organisation the account belongs to (DescribeOrganization, an optional
    permission: an endpoint policy limited to ``aws:PrincipalOrgID`` of this organisation
    trusts it); None outside an organisation, without the permission, or on any failure."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        found = client.describe_organization()["Organization"]["Id"]
    except (ClientError, BotoCoreError, KeyError, TypeError):
        return None
    return found if isinstance(found, str) and ORGANIZATION_ID.match(found) else None
