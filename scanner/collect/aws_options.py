"""The AWS options every command that talks to AWS shares, as data, and collection from them.

The command line parses its flags into an :class:`AwsOptions`; a library caller builds one
directly. :func:`collect_with` resolves the accounts (flags, an accounts file, a shard), runs
the collection and turns credential problems into input errors (exit 2), so every caller gets
the same behaviour.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from scanner.errors import InputError
from scanner.names import region_problem
from scanner.textsafe import one_line


@dataclass(frozen=True, kw_only=True)
class AwsOptions:
    """Where and how to collect: the contract's shared AWS options."""

    profile: str | None = None
    # None or "all": every region enabled for the account; else "r1,r2" or a sequence.
    regions: str | Sequence[str] | None = None
    endpoint_url: str | None = None
    role_arns: tuple[str, ...] = ()
    external_id: str | None = None
    accounts_file: str | None = None
    shard: str | None = None  # "K/N": only this machine's share of the accounts
    # Every ACTIVE account of the AWS Organization, each through this role, less the excluded.
    organization: bool = False
    org_role_name: str = "netwarden-audit"
    exclude_accounts: str | tuple[str, ...] | None = None
    max_workers: int = 16  # API calls in flight, over all worker processes

    @classmethod
    def from_flags(cls, **flags: Any) -> AwsOptions:
        """From the click keyword arguments of ``commands.common.aws_options``."""
        flags = dict(flags)
        flags["role_arns"] = tuple(flags.get("role_arns") or ())
        flags["organization"] = bool(flags.get("organization"))
        if flags.get("org_role_name") is None:
            flags.pop("org_role_name", None)
        if flags.get("max_workers") is None:
            flags.pop("max_workers", None)
        return cls(**flags)


def parse_regions(value: str | Sequence[str] | None) -> tuple[str, ...] | None:
    """``all`` (or nothing) as None; otherwise the sorted, distinct region names."""
    if value is None:
        return None
    names = value.split(",") if isinstance(value, str) else list(value)
    if [n.strip() for n in names if n.strip()] in ([], ["all"]):
        return None
    regions = tuple(sorted({r.strip() for r in names if r.strip()}))
    for region in regions:
        # Not str.isalnum: that admits "é" and other scripts' letters and digits.
        if region_problem(region):
            raise InputError(f"--regions: not a region name: {one_line(repr(region))}")
    return regions


def targets_for(options: AwsOptions, context: Any = None) -> list[Any]:
    """The accounts to scan (``AccountTarget``): the organisation's, the accounts file's or
    the flags'. ``context`` (an ``AwsContext``) counts the Organizations calls."""
    from scanner.aws.accounts import targets_from_file, targets_from_flags
    from scanner.aws.organization import check_role_name, parse_exclusions

    exclude = parse_exclusions(options.exclude_accounts)
    if options.organization:
        if options.accounts_file or options.role_arns:
            raise InputError("use --organization without --accounts and --role-arn")
        return _organization_targets(
            options, check_role_name(options.org_role_name), exclude, context
        )
    if exclude:
        raise InputError("--exclude-accounts needs --organization")
    if options.accounts_file:
        if options.role_arns:
            raise InputError("use either --accounts or --role-arn, not both")
        return targets_from_file(options.accounts_file, options.profile)
    return targets_from_flags(options.profile, options.role_arns, options.external_id)


def _organization_targets(
    options: AwsOptions, role_name: str, exclude: frozenset[str], context: Any
) -> list[Any]:
    from scanner.aws.organization import organization_targets
    from scanner.aws.session import AccountSession, AccountTarget, AwsContext

    context = context or AwsContext(endpoint_url=options.endpoint_url)

    def client() -> Any:
        # The credentials the scan starts from: the management or delegated-admin account.
        return AccountSession(AccountTarget(profile=options.profile), context).client(
            "organizations"
        )

    return organization_targets(client, role_name, exclude, options.external_id, options.profile)


def collect_with(
    options: AwsOptions,
    on_plan: Callable[[int], None] | None = None,
    on_done: Callable[[str], None] | None = None,
    gate: Callable[[], None] | None = None,
    meanwhile: Callable[[], None] | None = None,
    on_region: Callable[[str, str, Mapping[str, Any]], None] | None = None,
) -> dict[str, Any]:
    """Collect a snapshot of this shard's accounts; ``on_plan`` gets the number of units,
    ``on_done`` a label as each finishes. ``gate`` is called before the first AWS call (it
    may raise: then none is made), ``meanwhile`` while the units are being collected,
    ``on_region`` with each region once complete (``scanner.collect.runner.collect``)."""
    # boto3 and the collectors are imported here, not at the top: `--help` and the commands
    # that read a snapshot file never pay for them.
    from botocore.exceptions import NoCredentialsError, ProfileNotFound

    from scanner.aws.regions import check_regions
    from scanner.aws.session import AwsContext
    from scanner.collect.runner import CollectOptions, collect
    from scanner.shard import in_shard, parse_shard

    chosen = parse_shard(options.shard)
    regions = parse_regions(options.regions)
    collect_options = CollectOptions(
        regions=regions,
        max_workers=options.max_workers,
        endpoint_url=options.endpoint_url,
    )
    context = AwsContext(endpoint_url=options.endpoint_url, max_workers=options.max_workers)
    passed: list[bool] = []

    def before_calls() -> None:
        if gate is not None and not passed:
            gate()
            passed.append(True)

    def listed() -> list[str]:
        before_calls()
        return listed_regions(options, context)

    if regions:  # offline first: a typo is named before any call is made
        check_regions(regions, listed)
    try:
        if options.organization:  # the accounts come from Organizations: calls
            before_calls()
        targets = [
            t for t in targets_for(options, context) if in_shard(t.account_hint or t.label, chosen)
        ]
        return collect(
            targets,
            collect_options,
            context,
            progress=on_done,
            on_plan=on_plan,
            gate=before_calls,
            meanwhile=meanwhile,
            on_region=on_region,
        )
    except ProfileNotFound as exc:
        raise InputError(str(exc)) from None
    except NoCredentialsError:
        raise InputError(
            "no AWS credentials found: use --profile, --role-arn, --accounts, "
            "or the standard AWS environment variables"
        ) from None


def listed_regions(options: AwsOptions, context: Any) -> list[str]:
    """Every region DescribeRegions (AllRegions) lists to the credentials the scan starts
    from; nothing when they cannot ask: names are then checked against botocore's data."""
    from scanner.aws.session import AccountSession, AccountTarget
    from scanner.collect.units import READ_ERRORS

    try:
        ec2 = AccountSession(AccountTarget(profile=options.profile), context).client("ec2")
        return [str(r["RegionName"]) for r in ec2.describe_regions(AllRegions=True)["Regions"]]
    except READ_ERRORS:
        return []


class AccountClients:
    """Clients for the scanned accounts, by account id, through the scan's own credentials
    (each account's role, or the default credentials): for the stages that write back to
    AWS (SNS notifications, Security Hub imports) in the accounts a scan read."""

    def __init__(self, options: AwsOptions) -> None:
        from scanner.aws.session import AwsContext

        self._options = options
        self._targets = targets_for(options)
        self._context = AwsContext(endpoint_url=options.endpoint_url)
        self._sessions: dict[str, Any] = {}
        self._asked: set[int] = set()

    def session(self, account: str) -> Any:
        """The ``AccountSession`` of ``account``; KeyError when no target reaches it."""
        from scanner.aws.session import AccountSession

        if account in self._sessions:
            return self._sessions[account]
        for target in self._targets:
            if target.account_hint == account:
                self._sessions[account] = AccountSession(target, self._context)
                return self._sessions[account]
        # Targets without a role name no account: ask each who it is, once.
        for index, target in enumerate(self._targets):
            if target.account_hint is None and index not in self._asked:
                self._asked.add(index)
                session = AccountSession(target, self._context)
                self._sessions.setdefault(session.account_id(), session)
                if account in self._sessions:
                    return self._sessions[account]
        raise KeyError(f"no credentials for account {account} among the accounts scanned")

    def default_session(self) -> Any:
        """The credentials the scan starts from (``--profile`` or the environment)."""
        from scanner.aws.session import AccountSession, AccountTarget

        key = "\x00default"
        if key not in self._sessions:
            target = AccountTarget(profile=self._options.profile)
            self._sessions[key] = AccountSession(target, self._context)
        return self._sessions[key]

    def client(self, service: str, account: str, region: str) -> Any:
        return self.session(account).client(service, region)
