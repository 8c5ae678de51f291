"""CIDRs parsed once per distinct string for the whole process."""

from __future__ import annotations

import ipaddress
from functools import lru_cache

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=65536)
def parse_network(cidr: str) -> Network:
    """``ipaddress.ip_network(cidr, strict=False)``, parsed once per distinct string (the
    objects are immutable, so sharing them is safe)."""
    return ipaddress.ip_network(cidr, strict=False)
