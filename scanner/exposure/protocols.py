"""IP protocols as security groups and network ACLs name them, and the protocol "atoms" the
engine evaluates one at a time.

Security groups say ``tcp``/``udp``/``icmp``/``icmpv6``/``-1`` or a number as a string; NACL
entries always say a number (``"6"``) or ``"-1"``. Both mean the same protocol numbers, so
both are read into an ``int`` here (-1: every protocol).

Only TCP and UDP have ports (AWS ignores FromPort/ToPort for any other number but ICMP,
where they are the type and code). Protocol -1 is every protocol on every port; a rule for
47 (GRE) or 50 (ESP) is that protocol alone, never "all ports" of anything else.

ICMP types and codes are not told apart (netwarden errs towards exposure): an ICMP *allow*
of any type counts as allowing ICMP, and an ICMP *deny* counts only when it denies every
type (-1). This is the one place where the engine over-approximates.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

ALL = -1
# The atom for "every protocol that no rule names": only protocol -1 rules and entries match
# it. Evaluated once, for all such protocols together.
OTHER = -2

TCP, UDP, ICMP, ICMPV6 = 6, 17, 1, 58
PORTED = frozenset({TCP, UDP})
ICMPS = frozenset({ICMP, ICMPV6})
NAMES = {TCP: "tcp", UDP: "udp", ICMP: "icmp", ICMPV6: "icmpv6", ALL: "all", OTHER: "all"}
_BY_NAME = {"tcp": TCP, "udp": UDP, "icmp": ICMP, "icmpv6": ICMPV6, "-1": ALL, "all": ALL}


def parse(value: Any) -> int | None:
    """The protocol number of an SG ``IpProtocol`` or a NACL ``Protocol``; None when it is
    not one (the rule is then ignored rather than guessed)."""
    if type(value) is str and value in _BY_NAME:  # as AWS writes them: no case or spaces
        return _BY_NAME[value]
    text = str(value).strip().lower()
    if text in _BY_NAME:
        return _BY_NAME[text]
    try:
        number = int(text)
    except ValueError:
        return None
    if number == ALL or 0 <= number <= 255:
        return number
    return None


def name(protocol: int) -> str:
    """``tcp``, ``udp``, ``icmp``, ``icmpv6``, ``all`` or the number."""
    return NAMES.get(protocol, str(protocol))


def atoms(mentioned: Iterable[int], family: int) -> list[int]:
    """The protocols to evaluate separately: TCP, UDP, the family's ICMP, every number a
    rule or entry names, and OTHER for the rest."""
    found = {TCP, UDP, ICMP if family == 4 else ICMPV6}
    found.update(p for p in mentioned if p >= 0)
    return [*sorted(found), OTHER]


def matches(rule_protocol: int, atom: int) -> bool:
    """Does a rule or entry for ``rule_protocol`` apply to traffic of ``atom``?"""
    return rule_protocol in (ALL, atom)


def other_representative(mentioned: Iterable[int]) -> int:
    """A concrete protocol number that OTHER stands for (for tests and messages)."""
    taken = {TCP, UDP, ICMP, ICMPV6, *mentioned}
    return next(n for n in range(256) if n not in taken)
