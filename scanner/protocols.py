"""IP protocol names and the numbers the EC2 API writes for them (the one table).

Security-group rules carry either form (``IpProtocol`` is ``tcp`` or ``6``); network ACL
entries always carry the number as a string (``Protocol: "6"``, ``-1`` for every protocol).
"""

from __future__ import annotations

# IANA protocol numbers, as strings because that is how EC2 returns and accepts them.
PROTOCOL_NUMBERS: dict[str, str] = {
    "tcp": "6",
    "udp": "17",
    "icmp": "1",
    "icmpv6": "58",
    "all": "-1",
}
# Protocols that have ports (a rule or entry of any other protocol has no port range).
PORTED_PROTOCOLS: tuple[str, ...] = ("tcp", "udp")


def protocol_number(protocol: str) -> str:
    """The EC2 number for a protocol name; a number (or an unknown name) is returned as is."""
    return PROTOCOL_NUMBERS.get(protocol, protocol)
