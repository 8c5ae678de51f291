"""Offline evaluation spread over worker processes, one (account, region) block per task.

Evaluation is pure Python under the GIL (Custodian's filters), so threads cannot spread it;
processes can. The workers are forked once the snapshot and the policy pack are loaded, and
inherit them (nothing is pickled on the way in); each returns its block's findings. The
caller can do other work meanwhile (``scan`` computes drift) and then asks for the result.
Where fork is unavailable or unsafe (Windows, macOS), or there is one block or one CPU,
the blocks are evaluated in this process when the result is asked for.

The result is the same list, in the same order, as :func:`scanner.policy.evaluate.evaluate`
(tested).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from concurrent.futures import Future
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from scanner.forking import ForkPool, worker_processes
from scanner.model import Finding
from scanner.policy.evaluate import (
    account_regions,
    evaluate,
    evaluate_block,
    native_plans,
    trusted_for,
)
from scanner.policy.loader import PolicyPack
from scanner.snapshot import region_data, resources_of

if TYPE_CHECKING:
    from scanner.policy.native import Plans


@dataclass(frozen=True)
class _Inherited:
    """What every worker inherits from the parent at the fork (nothing is pickled)."""

    snapshot: Mapping[str, Any]
    pack: PolicyPack
    trusted: list[str]
    plans: Plans | None  # the native engine's, compiled once (None with custodian's)


def _block_in_worker(work: _Inherited, account: str, region: str) -> list[Finding]:
    return evaluate_block(work.snapshot, work.pack, work.trusted, account, region, work.plans)


def _size(snapshot: Mapping[str, Any], account: str, region: str) -> int:
    resources = resources_of(region_data(snapshot, account, region))
    return sum(len(items) for items in resources.values())


class PendingFindings:
    """Policy findings being computed; :meth:`result` waits for them (sorted)."""

    def __init__(
        self,
        snapshot: Mapping[str, Any],
        pack: PolicyPack,
        trusted_accounts: Collection[str] | None,
        processes: int | None,
        engine: str = "native",
    ) -> None:
        self._snapshot, self._pack, self._engine = snapshot, pack, engine
        self._trusted = trusted_for(snapshot, trusted_accounts)
        blocks = account_regions(snapshot)
        wanted = worker_processes(len(blocks), processes)
        self._pool: ForkPool[_Inherited] | None = None
        self._futures: list[Future[list[Finding]]] = []
        if wanted > 1:
            import scanner.policy.filters  # noqa: F401  (imported once, before the fork)

            # Compiled once, before the fork: every worker inherits the plans.
            plans = native_plans(pack, self._trusted, engine)
            self._pool = ForkPool(wanted, _Inherited(snapshot, pack, self._trusted, plans))
            # Largest blocks first, so no worker is left with a big one at the end.
            ordered = sorted(blocks, key=lambda b: -_size(snapshot, *b))
            self._futures = [self._pool.submit(_block_in_worker, *block) for block in ordered]
        self._done = False
        self.workers = wanted if self._pool is not None else 0  # 0: evaluated in this process

    def result(self) -> list[Finding]:
        if self._done:
            raise RuntimeError("the findings were already handed out")
        self._done = True
        if self._pool is None:
            return evaluate(self._snapshot, self._pack, self._trusted, self._engine)
        findings: list[Finding] = []
        finished = False
        try:
            for future in self._futures:
                findings.extend(future.result())
            finished = True
        finally:
            self.close(kill=not finished)
        return sorted(findings, key=Finding.sort_key)

    def close(self, kill: bool = False) -> None:
        """Stop the workers (pending blocks are dropped); idempotent. ``kill``: do not wait
        for the blocks being evaluated (the caller is failing or was interrupted)."""
        if self._pool is not None:
            self._pool.close(kill)
            self._pool = None
            self._futures = []

    def __enter__(self) -> PendingFindings:
        return self

    def __exit__(self, exc_type: object, *_: object) -> None:
        self.close(kill=exc_type is not None)


def start_evaluation(
    snapshot: Mapping[str, Any],
    pack: PolicyPack,
    trusted_accounts: Collection[str] | None = None,
    processes: int | None = None,
    engine: str = "native",
) -> PendingFindings:
    """Start evaluating every policy over the snapshot in up to ``processes`` worker
    processes (default: the CPUs this process may use), with ``engine`` (see
    :func:`scanner.policy.evaluate.evaluate`)."""
    return PendingFindings(snapshot, pack, trusted_accounts, processes, engine)
