"""Offline evaluation: (snapshot, policy pack) -> findings.

For every policy and every (account, region) of the snapshot, the policy's filters select the
snapshot's raw items. With the ``native`` engine (the default), a policy whose every filter
has a native implementation runs as a tree compiled once per scan (:mod:`scanner.policy.native`,
proven equal to Custodian by differential tests); every other policy, and every policy under
``engine="custodian"``, runs through a real ``c7n.policy.Policy`` that filters copies of the
items with ``resource_manager.filter_resources``, its session factory answering every API call
a filter makes from the same snapshot (:mod:`scanner.policy.session`). Evaluation never
reaches AWS.
"""

from __future__ import annotations

import copy
from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING, Any

from scanner.aws.organization import ORGANIZATION_ID
from scanner.errors import InputError
from scanner.model import Finding, Location
from scanner.policy.copies import clone_item, clone_items
from scanner.policy.evidence import evidence_of, summarize
from scanner.policy.loader import PolicyDef, PolicyPack
from scanner.policy.remediation import remediation_actions
from scanner.policy.session import SnapshotMiss, SnapshotSessionFactory
from scanner.resources import arn_for
from scanner.snapshot import accounts_of, iter_regions, region_items

if TYPE_CHECKING:
    from scanner.policy.native import Block, Plans

# Filters whose ``whitelist`` is the trusted accounts (merged with what the policy lists).
TRUSTED_ACCOUNT_FILTERS = frozenset({"cross-account", "untrusted-peer"})


def evaluate(
    snapshot: Mapping[str, Any],
    pack: PolicyPack,
    trusted_accounts: Collection[str] | None = None,
    engine: str = "native",
) -> list[Finding]:
    """Every finding of every policy over the snapshot, sorted (pure: no AWS call).

    ``trusted_accounts`` defaults to the accounts in the snapshot. A policy needing data the
    snapshot cannot provide is an :class:`~scanner.errors.InputError` located at the policy
    (file and line), except where that data failed to be collected: that gap is already in
    the snapshot's ``errors`` (exit 3) and the policy is skipped in that region.
    ``engine`` is ``native`` (compiled filter trees where they exist) or ``custodian``
    (Custodian's classes for every policy); both give the same findings.
    :mod:`scanner.policy.parallel` spreads the same work over processes.
    """
    from scanner.policy.documents import without_unreadable_policies

    snapshot, _ = without_unreadable_policies(snapshot)  # the scan reports them as warnings
    trusted = trusted_for(snapshot, trusted_accounts)
    plans = native_plans(pack, trusted, engine)
    findings: list[Finding] = []
    for account, region in account_regions(snapshot):
        findings.extend(evaluate_block(snapshot, pack, trusted, account, region, plans))
    return sorted(findings, key=Finding.sort_key)


def native_plans(pack: PolicyPack, trusted: list[str], engine: str) -> Plans | None:
    """The pack compiled for the native engine once per scan (None for ``custodian``)."""
    from scanner.policy.native import ENGINES, compile_pack

    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r} (choose from {', '.join(ENGINES)})")
    if engine == "custodian":
        return None
    return compile_pack(
        (p.name, p.resource_type, with_trusted_accounts(dict(p.data), trusted))
        for p in pack.policies
    )


def trusted_for(snapshot: Mapping[str, Any], trusted_accounts: Collection[str] | None) -> list[str]:
    """The trusted accounts (those given, else every account in the snapshot) and the
    organisations the snapshot's accounts belong to (``o-...`` ids, from collection)."""
    accounts = accounts_of(snapshot)
    trusted = set(trusted_accounts) if trusted_accounts is not None else set(accounts)
    for data in accounts.values():
        organization = data.get("organization_id") if isinstance(data, Mapping) else None
        if isinstance(organization, str) and ORGANIZATION_ID.match(organization):
            trusted.add(organization)
    return sorted(trusted)


def evaluate_block(
    snapshot: Mapping[str, Any],
    pack: PolicyPack,
    trusted: list[str],
    account: str,
    region: str,
    plans: Plans | None = None,
) -> list[Finding]:
    """Every policy over one (account, region), unsorted (``plans``: see :func:`native_plans`)."""
    from c7n.utils import reset_session_cache

    import scanner.policy.filters  # noqa: F401  (netwarden's filters on Custodian's registries)
    from scanner.policy.native import Block

    # Custodian caches sessions per thread *by region name*: start each (account, region)
    # clean, so no policy is handed a session of another account (or a real one), and leave
    # none of ours behind for other code in this thread.
    reset_session_cache()
    factory = SnapshotSessionFactory(snapshot, account, region)
    block = Block(snapshot, account, region) if plans is not None else None
    findings: list[Finding] = []
    try:
        for policy in pack.policies:
            findings.extend(_evaluate_one(snapshot, policy, factory, trusted, plans, block))
    finally:
        reset_session_cache()
    return findings


def account_regions(snapshot: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Every (account, region) of the snapshot, sorted."""
    return [(account, region) for account, region, _ in iter_regions(snapshot)]


def _items(snapshot: Mapping[str, Any], rtype: str, account: str, region: str) -> list[Any]:
    if rtype == "aws.account":
        return [{"account_id": account, "account_name": account}]
    return list(region_items(snapshot, account, region, rtype))


def with_trusted_accounts(data: Any, trusted: list[str]) -> Any:
    """A copy of policy data where every trusted-account filter also trusts ``trusted``:
    its accounts, and (``cross-account``, which reads ``aws:PrincipalOrgID`` conditions) its
    organisations."""
    if isinstance(data, dict):
        out = {k: with_trusted_accounts(v, trusted) for k, v in data.items()}
        if out.get("type") in TRUSTED_ACCOUNT_FILTERS:
            organizations = {t for t in trusted if ORGANIZATION_ID.match(t)}
            accounts = set(trusted) - organizations
            out["whitelist"] = sorted(set(out.get("whitelist", [])) | accounts)
            if out["type"] == "cross-account" and organizations:
                out["whitelist_orgids"] = sorted(
                    set(out.get("whitelist_orgids", [])) | organizations
                )
        return out
    if isinstance(data, list):
        return [with_trusted_accounts(v, trusted) for v in data]
    return copy.deepcopy(data)


def _evaluate_one(
    snapshot: Mapping[str, Any],
    policy: PolicyDef,
    factory: SnapshotSessionFactory,
    trusted: list[str],
    plans: Plans | None = None,
    block: Block | None = None,
) -> list[Finding]:
    """One policy over one (account, region): the factory's."""
    from scanner.collect.collectors import COLLECTORS

    account, region = factory.account, factory.region
    items = _items(snapshot, policy.resource_type, account, region)
    if not items:
        return []
    try:
        pairs = None
        if plans is not None and block is not None and policy.resource_type in COLLECTORS:
            pairs = plans.run(policy.name, block, items, clone_item)
        if pairs is None:
            matched, id_key = _custodian_filter(policy, factory, trusted, items)
    except SnapshotMiss as miss:
        if miss.gap:
            return []
        raise InputError(
            f"policy {policy.name!r}: {miss.message}", policy.path, policy.line
        ) from None
    if pairs is not None:
        matched = [work for _, work in pairs]
        id_key = COLLECTORS.get(policy.resource_type).id_key
    if not matched:
        return []
    rtype = policy.resource_type
    if pairs is not None and block is not None and block.well_formed(rtype, f"ids:{id_key}"):
        originals = {_resource_id(rtype, work, id_key): item for item, work in pairs}
    else:  # as many ids as items; the last item with an id is the one a finding shows
        originals = {_resource_id(rtype, item, id_key): item for item in items}
    return [
        _finding(policy, account, region, resource, originals, id_key)
        for resource in sorted(matched, key=lambda r: _resource_id(rtype, r, id_key))
    ]


def _custodian_filter(
    policy: PolicyDef, factory: SnapshotSessionFactory, trusted: list[str], items: list[Any]
) -> tuple[list[Any], str]:
    """The items Custodian's own classes select (annotated copies), and the model's id key."""
    from c7n.config import Config
    from c7n.policy import Policy

    options = Config.empty(
        region=factory.region, account_id=factory.account, cache="", cache_period=0, dryrun=True
    )
    data = with_trusted_accounts(dict(policy.data), trusted)
    c7n_policy = Policy(data, options, session_factory=factory)
    c7n_policy.validate()  # some filters finish their set-up here, as under `custodian run`
    if not c7n_policy.is_runnable():  # the policy's `conditions` (e.g. region) say no
        return [], ""
    manager = c7n_policy.resource_manager
    return manager.filter_resources(clone_items(items)), manager.get_model().id


def _resource_id(rtype: str, item: Mapping[str, Any], id_key: str) -> str:
    from scanner.collect.collectors import COLLECTORS, resource_id_of

    if rtype in COLLECTORS:
        return resource_id_of(rtype, item)
    return str(item[id_key])


def _finding(
    policy: PolicyDef,
    account: str,
    region: str,
    resource: dict[str, Any],
    originals: Mapping[str, Mapping[str, Any]],
    id_key: str,
) -> Finding:
    meta = policy.metadata
    resource_id = _resource_id(policy.resource_type, resource, id_key)
    original = originals.get(resource_id, {})
    evidence = evidence_of(original, resource)
    arn = arn_for(policy.resource_type, resource_id, account, region, original)
    context = {
        "account": account,
        "region": region,
        "resource_id": resource_id,
        "arn": arn,
        "resource": original,
        "evidence": evidence,
    }
    try:
        remediation = remediation_actions(meta.remediation_actions, context)
    except (KeyError, IndexError, AttributeError, ValueError) as exc:
        raise InputError(
            f"policy {policy.name!r}: remediation template cannot be rendered for "
            f"{resource_id}: {exc!r}",
            policy.path,
            policy.line,
        ) from None
    short = policy.resource_type.split(".", 1)[-1]
    return Finding(
        rule_id=meta.id,
        kind="policy",
        severity=meta.severity,
        title=meta.title,
        message=f"{short} {resource_id} ({account}/{region}): {summarize(evidence, meta.title)}",
        account=account,
        region=region,
        resource_type=policy.resource_type,
        resource_id=resource_id,
        arn=arn,
        evidence=evidence,
        remediation=remediation,
        compliance=meta.compliance,
        location=Location(policy.path, policy.line),
    )
