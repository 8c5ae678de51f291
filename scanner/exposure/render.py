"""Exposure output pieces, pure: which records a ``--port``/``--resource`` selects, table
cells, the text table, JSON, and a Mermaid diagram of a path.

Names, descriptions and tags come from whoever can edit the account, so every cell is one
printable line (``textsafe.one_line``) and Mermaid labels lose the characters that could end
a label or the code fence. The Markdown document is in ``scanner.report.exposure``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

from scanner.exposure import intervals as iv
from scanner.exposure.engine import INTERNET
from scanner.exposure.model import Blocked, Exposure, ExposureReport, Step
from scanner.textsafe import one_line

FAMILY_NUMBER = {"ipv4": 4, "ipv6": 6}
EXPOSURE_HEADERS = ("Interface", "Belongs to", "Address", "Traffic", "Sources", "Path")
BLOCKED_HEADERS = ("Security group", "Interface", "Traffic", "Blocked by", "Where")


def _on_port(protocol: str, from_port: int, to_port: int, port: int) -> bool:
    if protocol == "all":
        return True
    return protocol in ("tcp", "udp") and from_port <= port <= to_port


def _names(exposure: Exposure) -> set[str]:
    return {
        exposure.eni,
        exposure.attachment.id,
        exposure.attachment.name,
        exposure.vpc,
        exposure.subnet,
        *(step.id for step in exposure.path),
    }


def select(
    report: ExposureReport, port: int | None = None, resource: str | None = None
) -> ExposureReport:
    """The records on ``port`` (TCP/UDP ranges that contain it, and ``all``) and about
    ``resource`` (the interface, what it belongs to, or any component of the path)."""
    exposures: Iterable[Exposure] = report.exposures
    blocked: Iterable[Blocked] = report.blocked
    if port is not None:
        exposures = [e for e in exposures if _on_port(e.protocol, e.from_port, e.to_port, port)]
        blocked = [b for b in blocked if _on_port(b.protocol, b.from_port, b.to_port, port)]
    if resource is not None:
        exposures = [e for e in exposures if resource in _names(e)]
        blocked = [b for b in blocked if resource in (b.eni, b.security_group, b.blocked_by.id)]
    return ExposureReport(tuple(exposures), tuple(blocked))


def traffic(protocol: str, from_port: int, to_port: int) -> str:
    """``tcp/22``, ``tcp/1024-65535``, ``udp/any``, ``icmp``, ``all``."""
    if from_port < 0:
        return protocol
    if (from_port, to_port) == (0, 65535):
        return f"{protocol}/any"
    return f"{protocol}/{iv.port_text(from_port, to_port)}"


def sources_text(exposure: Exposure, limit: int = 3) -> str:
    """The sources, short: "the internet" when they are all of it."""
    family = FAMILY_NUMBER[exposure.family]
    if iv.from_cidrs(exposure.sources, family) == INTERNET[family]:
        return "the internet (any public address)"
    shown = list(exposure.sources[:limit])
    more = len(exposure.sources) - len(shown)
    return ", ".join(shown) + (f" (+{more} more)" if more else "")


def attachment_text(exposure: Exposure) -> str:
    owner = exposure.attachment
    label = f"{owner.type} {owner.id}"
    if owner.name and owner.name != owner.id:
        label += f" ({owner.name})"
    return one_line(label, 80)


def path_text(path: Sequence[Step]) -> str:
    """The components in order, by id (repeated components once)."""
    seen: list[str] = []
    for step in path:
        if step.id and step.id not in seen:
            seen.append(step.id)
    return one_line(" > ".join(seen), 160)


def exposure_row(exposure: Exposure) -> list[str]:
    address = exposure.address
    if exposure.private_address and exposure.private_address != exposure.address:
        address += f" ({exposure.private_address})"
    return [
        exposure.eni,
        attachment_text(exposure),
        address,
        traffic(exposure.protocol, exposure.from_port, exposure.to_port),
        sources_text(exposure),
        path_text(exposure.path),
    ]


def blocked_row(blocked: Blocked) -> list[str]:
    where = blocked.blocked_by
    return [
        blocked.security_group,
        blocked.eni,
        traffic(blocked.protocol, blocked.from_port, blocked.to_port) + f" ({blocked.family})",
        one_line(where.detail, 160),
        f"{where.type} {where.id}",
    ]


def to_json(report: ExposureReport) -> str:
    return json.dumps(report.to_dict(), indent=2) + "\n"


def to_text(report: ExposureReport, approved: Sequence[int] = ()) -> str:
    from tabulate import tabulate

    parts = []
    if report.exposures:
        rows = [exposure_row(e) for e in report.exposures]
        parts.append(
            f"Reachable from the internet: {len(report.exposures)} exposure(s) on "
            f"{len({e.eni for e in report.exposures})} interface(s)\n"
        )
        parts.append(tabulate(rows, headers=list(EXPOSURE_HEADERS), disable_numparse=True))
        parts.append("\n")
    else:
        parts.append("Nothing is reachable from the internet.\n")
    if report.blocked:
        rows = [blocked_row(b) for b in report.blocked]
        parts.append(f"\nOpen rules whose path is cut: {len(report.blocked)}\n")
        parts.append(tabulate(rows, headers=list(BLOCKED_HEADERS), disable_numparse=True))
        parts.append("\n")
    if approved:
        parts.append(f"\nApproved internet-facing ports: {', '.join(map(str, approved))}\n")
    return "".join(parts)


# ---- Mermaid --------------------------------------------------------------------------

# Mermaid's entity codes for the characters that end a quoted label or a Markdown fence.
_MERMAID = {ord('"'): "#quot;", ord("`"): "#96;", ord("<"): "#lt;", ord(">"): "#gt;"}
_MERMAID.update({ord(c): "#" + str(ord(c)) + ";" for c in "{}[]|;#"})


def mermaid_label(text: str) -> str:
    return one_line(text, 120).translate(_MERMAID)


def mermaid(exposure: Exposure) -> str:
    """A left-to-right flowchart: the internet, then each component with what it does."""
    lines = ["flowchart LR"]
    traffic_label = mermaid_label(
        traffic(exposure.protocol, exposure.from_port, exposure.to_port)
        + " from "
        + sources_text(exposure, limit=2)
    )
    lines.append(f'  n0(("internet<br/>{traffic_label}"))')
    previous = "n0"
    for index, step in enumerate(exposure.path, start=1):
        kind = step.type.removeprefix("aws.")
        label = mermaid_label(f"{kind} {step.id}") + "<br/>" + mermaid_label(step.detail)
        lines.append(f'  n{index}["{label}"]')
        lines.append(f"  {previous} --> n{index}")
        previous = f"n{index}"
    owner = mermaid_label(attachment_text(exposure))
    lines.append(f'  n{len(exposure.path) + 1}(["{owner}"])')
    lines.append(f"  {previous} --> n{len(exposure.path) + 1}")
    return "\n".join(lines) + "\n"
