"""The exposure stages alone at scale: the engine over a synthetic estate (``bench/synth``)
where a quarter of the interfaces have a public address, then the reachability verdicts on
the pack's open-rule findings and exposure drift for 1% of the security groups widened.
One process, wall time and peak RSS (the whole pipeline's timing is ``bench/scale.py``'s
"exposure" column).

``python -m bench.exposure --enis 100000`` prints JSON.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

from bench import synth
from bench.stats import peak_rss_mb
from scanner.snapshot import iter_regions, resources_of


def _public(snap: dict[str, Any], every: int = 4) -> int:
    """Give every ``every``-th interface a public IPv4 address and every ACL an outbound
    entry for replies; how many interfaces."""
    count = 0
    for _account, _region, data in iter_regions(snap):
        # Replies to the clients' ephemeral ports, as most real ACLs let out.
        for acl in resources_of(data).get("aws.network-acl", []):
            acl["Entries"].append(
                {
                    "CidrBlock": "0.0.0.0/0",
                    "Egress": True,
                    "PortRange": {"From": 1024, "To": 65535},
                    "Protocol": "6",
                    "RuleAction": "allow",
                    "RuleNumber": 120,
                }
            )
        for index, eni in enumerate(resources_of(data).get("aws.eni", [])):
            count += 1
            if index % every == 0:
                address = {"PublicIp": f"198.51.{index % 250}.{index // 250 % 250}"}
                eni["Association"] = address
                eni["PrivateIpAddresses"][0]["Association"] = address
    return count


def _open_rule_findings(snap: dict[str, Any]) -> list[Any]:
    """One NW-SG-002-shaped finding per group with a 0.0.0.0/0 permission."""
    from scanner.model import Finding, Location

    found = []
    for account_id, region_id, data in iter_regions(snap):
        for group in resources_of(data).get("aws.security-group", []):
            matched = [
                p
                for p in group.get("IpPermissions", [])
                if any(r.get("CidrIp") == "0.0.0.0/0" for r in p.get("IpRanges", []))
            ]
            if matched:
                found.append(
                    Finding(
                        rule_id="NW-SG-002",
                        kind="policy",
                        severity="critical",
                        title="open",
                        message="open",
                        account=account_id,
                        region=region_id,
                        resource_type="aws.security-group",
                        resource_id=group["GroupId"],
                        arn="",
                        evidence={"MatchedIpPermissions": matched},
                        remediation=(),
                        compliance=(),
                        location=Location("policies/security-groups.yml", 1),
                    )
                )
    return found


def measure(enis: int) -> dict[str, Any]:
    from scanner import gcpolicy
    from scanner.exposure import analyse
    from scanner.exposure.verdicts import judge

    # The command line's collector settings, and the snapshot built as scan loads one
    # (frozen out of the collector's way): without them the stages pay for repeated full
    # collections of a heap they did not build, which the product never does.
    gcpolicy.tune()
    per_block = synth.MIX["aws.eni"]
    resources = round(enis / per_block * synth.BLOCK)
    with gcpolicy.bulk_load():
        snap = synth.snapshot(resources)
        interfaces = _public(snap)
        findings = _open_rule_findings(snap)
    started = time.perf_counter()
    report = analyse(snap)
    analysed = time.perf_counter()
    judged = judge(findings, report, snap)
    done = time.perf_counter()
    return {
        "interfaces": interfaces,
        "resources": synth.count_resources(snap),
        "exposures": len(report.exposures),
        "blocked": len(report.blocked),
        "open_rule_findings": len(findings),
        "lowered": sum(
            1 for a, b in zip(findings, judged, strict=True) if a.severity != b.severity
        ),
        "analyse_s": round(analysed - started, 2),
        "judge_s": round(done - analysed, 2),
        "peak_rss_mb": round(peak_rss_mb()),
    }


DEFAULT_ENIS = 100_000
QUICK_ENIS = 2_000


def run(enis: int, log: Callable[[str], None]) -> dict[str, Any]:
    """``measure`` in a fresh interpreter, so its peak RSS (``VmHWM``) is the stage's own and
    not the benchmark process's."""
    log(f"exposure: {enis:,} interfaces")
    done = subprocess.run(
        [sys.executable, "-m", "bench.exposure", "--enis", str(enis)],
        check=True,
        capture_output=True,
        text=True,
    )
    return dict(json.loads(done.stdout))


def render(data: dict[str, Any]) -> list[str]:
    """The Markdown section of bench/results.md."""
    return [
        "## Exposure at scale",
        "",
        "The exposure engine alone (`python -m bench.exposure`, one process) over a synthetic "
        "estate in which every fourth interface has a public IPv4 address and every network "
        "ACL lets replies out: the whole path of every interface analysed (address, route, "
        "ACL both ways, security groups), then the reachability verdict on each open-rule "
        "finding (a finding per group with a 0.0.0.0/0 permission). Wall seconds of one run; "
        "peak RSS of the process, synthetic estate included.",
        "",
        "| interfaces | resources | exposed | blocked paths | analyse (s) | open-rule findings "
        "| judged (s) | lowered | peak RSS (MB) |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
        # Named fields: subscripting "resources" is how a hand walk of a snapshot reads
        # (tests/unit/core/test_snapshot_view.py), and this is no snapshot.
        (
            "| {interfaces:,} | {resources:,} | {exposures:,} | {blocked:,} | {analyse_s:.2f} "
            "| {open_rule_findings:,} | {judge_s:.2f} | {lowered:,} | {peak_rss_mb:,.0f} |"
        ).format(**data),
        "",
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--enis", type=int, default=DEFAULT_ENIS)
    args = parser.parse_args(argv)
    print(json.dumps(measure(args.enis), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
