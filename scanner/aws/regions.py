"""Region names checked before collecting: a typo must be bad input with a suggestion, not a
collection that fails in every unit (an unknown region's endpoint does not exist)."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Sequence

from scanner.aws.loader import shared_loader
from scanner.errors import InputError


def known_regions() -> frozenset[str]:
    """Every region of every partition in botocore's endpoint data (offline)."""
    data = shared_loader().load_data("endpoints")
    names: set[str] = set()
    for partition in data.get("partitions", []):
        names.update(partition.get("regions", {}))
    return frozenset(names)


def check_regions(
    regions: Sequence[str],
    listed: Callable[[], Iterable[str]] | None = None,
    known: frozenset[str] | None = None,
) -> None:
    """InputError for the first name that is no region, with the closest known name.

    A name botocore's data does not have may be a region newer than the installed botocore:
    ``listed`` (DescribeRegions with AllRegions, asked only then) has the last word."""
    known = known if known is not None else known_regions()
    unknown = [r for r in regions if r not in known]
    if not unknown:
        return
    names = set(known)
    if listed is not None:
        names.update(listed())
    for region in unknown:
        if region in names:
            continue
        close = difflib.get_close_matches(region, sorted(names), n=1, cutoff=0.6)
        hint = f" (did you mean {close[0]}?)" if close else ""
        raise InputError(f"--regions: unknown region {region!r}{hint}")
