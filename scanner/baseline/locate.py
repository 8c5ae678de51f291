"""Where a resource is written in the baseline, for locating policy findings there.

GitHub shows a code-scanning alert on the line it points at. A policy finding about a
resource that the baseline lists is about that entry (the reviewed state that allowed it),
so it is located at the entry; the policy stays in the SARIF ``relatedLocations`` and the
rule's help. Drift reads each region's baseline once (``store.BaselineDir``); ``LineRecorder``
keeps, as it goes, one line per resource and nothing else, so locating costs no second parse.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from scanner.baseline.store import RegionBaseline, RegionKey
from scanner.model import Finding, Location

# (account, region) -> (resource type, resource id) -> line
ResourceLines = dict[RegionKey, dict[tuple[str, str], int]]


class LineRecorder(Mapping[RegionKey, RegionBaseline]):
    """A baseline mapping that remembers each looked-up region's path and resource lines."""

    def __init__(self, inner: Mapping[RegionKey, RegionBaseline]) -> None:
        self._inner = inner
        self.lines: ResourceLines = {}
        self.paths: dict[RegionKey, str] = {}

    def _record(self, key: RegionKey, baseline: RegionBaseline) -> RegionBaseline:
        if key not in self.lines:
            self.paths[key] = baseline.path
            self.lines[key] = {
                (str(k[1]), str(k[2])): line
                for k, line in baseline.lines.items()
                if len(k) == 3 and k[0] == "resources"
            }
        return baseline

    def __getitem__(self, key: RegionKey) -> RegionBaseline:
        return self._record(key, self._inner[key])

    def get(self, key: RegionKey, default: Any = None) -> Any:
        found = self._inner.get(key, default)
        return self._record(key, found) if isinstance(found, RegionBaseline) else found

    def get_against(self, key: RegionKey, live: Any) -> RegionBaseline | None:
        """The inner mapping's ``get_against`` (see ``store.BaselineDir``), else ``get``."""
        reader = getattr(self._inner, "get_against", None)
        found = reader(key, live) if reader is not None else self._inner.get(key)
        return self._record(key, found) if isinstance(found, RegionBaseline) else found

    def __contains__(self, key: object) -> bool:
        return key in self._inner

    def __iter__(self) -> Iterator[RegionKey]:
        return iter(self._inner)

    def __len__(self) -> int:
        return len(self._inner)


def at_baseline_entries(
    findings: Iterable[Finding], lines: ResourceLines, paths: Mapping[RegionKey, str]
) -> list[Finding]:
    """Policy findings on a resource the baseline lists, moved to that entry; the others
    (drift, and resources the baseline does not list) unchanged."""
    out = []
    for finding in findings:
        key = (finding.account, finding.region)
        line = lines.get(key, {}).get((finding.resource_type, finding.resource_id))
        if finding.kind == "policy" and line:
            finding = dataclasses.replace(finding, location=Location(paths[key], line))
        out.append(finding)
    return out
