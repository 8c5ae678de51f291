"""Baseline entries back in the shape the Describe APIs return, so the rule pack can judge a
proposed baseline before it is merged (``review``). Each type's inverse of its projection is
declared in ``scanner/resources/``: it rebuilds the fields the policies read, and fills what a
baseline does not keep (timestamps, states) with the live network's value (available,
attached, active)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scanner import __version__, resources
from scanner.baseline.store import RegionBaseline


def snapshot_of(baselines: Mapping[tuple[str, str], RegionBaseline]) -> dict[str, Any]:
    """A snapshot holding the baselines' state, for evaluating the rule pack on it. Types
    without an inverse are left out, and types the baseline has no section for are recorded
    as not read (the policies that need them are not judged)."""
    accounts: dict[str, Any] = {}
    for (account, region), baseline in sorted(baselines.items()):
        items = {}
        for rtype, entries in baseline.resources.items():
            catalog = resources.get(rtype)
            build = catalog.unproject
            if build is None:
                continue
            items[rtype] = [
                {**build(rid, fields, account), catalog.id_key: rid}
                for rid, fields in sorted(entries.items())
            ]
        # What the baseline does not describe was not judged: say so, as a coverage gap.
        errors = [
            {
                "type": rtype,
                "code": "NotInBaseline",
                "message": "the baseline has no section for this type",
            }
            for rtype in sorted(set(resources.CATALOG) - set(baseline.resources))
        ]
        regions = accounts.setdefault(account, {"regions": {}})["regions"]
        regions[region] = {"resources": items, "errors": errors}
    return {
        "schema": "netwarden/snapshot/v1",
        "collected_at": "",
        "tool_version": __version__,
        "accounts": accounts,
        "stats": {"api_calls": 0, "duration_s": 0},
    }
