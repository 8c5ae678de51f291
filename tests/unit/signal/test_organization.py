"""Which accounts --organization scans, from literal ListAccounts answers (pure)."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from scanner.aws.organization import (
    check_role_name,
    organization_targets,
    parse_exclusions,
    targets_from_accounts,
)
from scanner.errors import InputError

ORG = "o-abcdefghij"


def _account(account: str, state: str | None = "ACTIVE", **extra: Any) -> dict[str, Any]:
    data = {"Id": account, "Arn": f"arn:aws:organizations::111111111111:account/{ORG}/{account}"}
    if state is not None:
        data["State"] = state
    data.update(extra)
    return data


def test_only_active_accounts_not_excluded_each_through_the_role() -> None:
    accounts = [
        _account("333333333333", Name="prod"),
        _account("222222222222", "SUSPENDED", Name="old"),
        _account("444444444444", "PENDING_CLOSURE"),
        _account("555555555555", None, Status="ACTIVE", Name="legacy-status-field"),
        _account("666666666666", Name="sandbox"),
        _account("777777777777", None, Status="SUSPENDED"),
        _account("not-an-id"),
    ]
    targets = targets_from_accounts(accounts, "netwarden-audit", {"666666666666"}, "ext-1")
    assert [(t.role_arn, t.name, t.external_id) for t in targets] == [
        ("arn:aws:iam::333333333333:role/netwarden-audit", "prod", "ext-1"),
        ("arn:aws:iam::555555555555:role/netwarden-audit", "legacy-status-field", "ext-1"),
    ]


def test_the_role_is_in_the_accounts_partition() -> None:
    arn = "arn:aws-cn:organizations::111111111111:account/o-x/888888888888"
    (target,) = targets_from_accounts([_account("888888888888", Arn=arn)], "audit")
    assert target.role_arn == "arn:aws-cn:iam::888888888888:role/audit"
    assert target.name is None


def test_exclusions_and_role_names_are_checked() -> None:
    assert parse_exclusions(" 111111111111, 222222222222 ,") == {"111111111111", "222222222222"}
    assert parse_exclusions(None) == frozenset()
    with pytest.raises(InputError, match="not a 12-digit account id: '1111'"):
        parse_exclusions("111111111111,1111")
    assert check_role_name("ops/netwarden-audit") == "ops/netwarden-audit"
    for bad in ("", "with space", "x" * 65, "a;b"):
        with pytest.raises(InputError, match="not an IAM role name"):
            check_role_name(bad)


class _Refusing:
    def __init__(self, code: str) -> None:
        self.code = code

    def get_paginator(self, _name: str) -> Any:
        error = ClientError({"Error": {"Code": self.code, "Message": "no"}}, "ListAccounts")

        class Pages:
            def paginate(self, **_kwargs: Any) -> Any:
                raise error

        return Pages()


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("AWSOrganizationsNotInUseException", "account is not in an organization"),
        ("AccessDeniedException", "(AccessDeniedException): run from the management account"),
    ],
)
def test_a_refused_listing_is_an_input_error(code: str, message: str) -> None:
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        organization_targets(lambda: _Refusing(code), "netwarden-audit")
