"""Collection starts the units whose enrichment chains calls first (scanner.collect.units)."""

from __future__ import annotations

from scanner.collect.collectors import COLLECTORS
from scanner.collect.units import Unit, longest_first


def test_chained_units_start_first_and_the_rest_keep_their_order() -> None:
    units = [
        Unit("111111111111", region, collector)
        for region in ("eu-west-1", "us-east-1")
        for _, collector in COLLECTORS.items()
    ]
    ordered = longest_first(units)
    assert sorted(map(id, ordered)) == sorted(map(id, units))  # the same units, once each
    chains = [len(u.collector.extra_operations) for u in ordered]
    assert chains == sorted(chains, reverse=True)
    assert chains[0] == 2  # GuardDuty, Config: three calls in a row
    plain = [u for u in ordered if not u.collector.extra_operations]
    assert plain == [u for u in units if not u.collector.extra_operations]
