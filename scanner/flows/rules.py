"""The flow detections' rules: ids, severities, what they mean, how to fix, and thresholds.

They are rules of the pack like the policies (SARIF rules, report sections, waivers name
them), but they judge observed traffic, not configuration, so they run only with
``scan --flow-logs``. Kept light to import: the waivers file is checked against these ids
before any flow log is read.
"""

from __future__ import annotations

from dataclasses import dataclass

from scanner.report.run import RuleInfo

SSH_RDP = "NW-FLOW-001"
DATABASE = "NW-FLOW-002"
EGRESS = "NW-FLOW-003"
SCAN = "NW-FLOW-004"
REJECT_SPIKE = "NW-FLOW-005"
SKIPDATA = "NW-FLOW-006"

# MySQL/Aurora, PostgreSQL/Redshift, SQL Server, Oracle, MongoDB, Redis, Memcached,
# Elasticsearch/OpenSearch, Cassandra, CouchDB, Neo4j.
DATABASE_PORTS = (1433, 1521, 2483, 2484, 3306, 5432, 5439, 6379, 7474, 9042, 9200, 9300,
                  11211, 27017, 27018, 5984)  # fmt: skip
ADMIN_PORTS = (22, 3389)


@dataclass(frozen=True)
class Settings:
    """The detections' thresholds (the playbook's NAT alarm: 5,000,000 bytes in 15 minutes)."""

    egress_bytes: int = 5_000_000
    egress_seconds: int = 900
    # A scan: one internet source reaching this many distinct ports, or hosts, in one period.
    scan_ports: int = 20
    scan_hosts: int = 20
    scan_seconds: int = 900
    # A spike: at least this many rejected flows on an interface in one period, and this
    # many times its mean over the other periods of the window.
    spike_rejects: int = 100
    spike_factor: float = 10.0
    spike_seconds: int = 900


_FLOWS_REF = "https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-records-examples.html"
_PLAYBOOK = "https://github.com/aws-samples/aws-incident-response-playbooks"
_COMPLIANCE = ("NIST-800-53-SI-4", "NIST-800-53-IR-4")

RULES: tuple[RuleInfo, ...] = (
    RuleInfo(
        id=SSH_RDP,
        name="AcceptedSshOrRdpFromInternet",
        title="Accepted SSH or RDP connections from the internet",
        severity="critical",
        description=(
            "The flow logs show accepted TCP flows from internet addresses to port 22 (SSH) or "
            "3389 (RDP) of a network interface: remote administration was reached, not only "
            "allowed."
        ),
        risk=(
            "Someone on the internet completed connections to a login service; brute force or "
            "a stolen key gives an interactive foothold in the VPC."
        ),
        remediation_text=(
            "Remove the security-group rules that open the port to the internet (use SSM "
            "Session Manager or a VPN), then check the instance's logins for the sources listed."
        ),
        references=(_FLOWS_REF, _PLAYBOOK),
        compliance=("CIS-AWS-5.2", *_COMPLIANCE),
    ),
    RuleInfo(
        id=DATABASE,
        name="AcceptedDatabaseTrafficFromInternet",
        title="Accepted database connections from the internet",
        severity="critical",
        description=(
            "The flow logs show accepted flows from internet addresses to a database port "
            f"({', '.join(str(p) for p in DATABASE_PORTS)}) of a network interface."
        ),
        risk="A database answered the internet: its data may have been read or changed.",
        remediation_text=(
            "Close the port to the internet (security groups, NACL), keep the database in "
            "private subnets, and review its access logs for the sources listed."
        ),
        references=(_FLOWS_REF, _PLAYBOOK),
        compliance=_COMPLIANCE,
    ),
    RuleInfo(
        id=EGRESS,
        name="LargeEgressToOneExternalAddress",
        title="Large transfer out to one internet address",
        severity="high",
        description=(
            "An interface sent more than the threshold (default 5,000,000 bytes) to one "
            "internet address within 15 minutes, as the playbook's NAT gateway alarm measures."
        ),
        risk="Data exfiltration: a compromised host copying data out.",
        remediation_text=(
            "Find what runs on the interface and whether the destination is expected; if not, "
            "isolate the instance (a quarantine security group) and keep its disk for forensics."
        ),
        references=(_FLOWS_REF, _PLAYBOOK),
        compliance=_COMPLIANCE,
    ),
    RuleInfo(
        id=SCAN,
        name="PortOrHostScanFromOneSource",
        title="One internet source probing many ports or hosts",
        severity="medium",
        description=(
            "One internet address reached many distinct ports, or many distinct addresses, in "
            "the VPC within 15 minutes (default 20 of either): a scan."
        ),
        risk="Reconnaissance; what it found open is where an attack comes next.",
        remediation_text=(
            "Check which of the probed ports were accepted; deny the source in the subnet's "
            "network ACL if the probing continues."
        ),
        references=(_FLOWS_REF,),
        compliance=_COMPLIANCE,
    ),
    RuleInfo(
        id=REJECT_SPIKE,
        name="SpikeOfRejectedConnections",
        title="A spike of rejected connections",
        severity="medium",
        description=(
            "An interface had at least 100 rejected flows in 15 minutes, ten times or more its "
            "mean over the rest of the window (the defaults)."
        ),
        risk="An attack or a scan hitting the interface, or a broken client or rule.",
        remediation_text=(
            "Look at the rejected flows of the period (netwarden flows --query RejectedTraffic "
            "--since ... --until ...) for their sources and ports."
        ),
        references=(_FLOWS_REF,),
        compliance=_COMPLIANCE,
    ),
    RuleInfo(
        id=SKIPDATA,
        name="FlowLogRecordsLost",
        title="Flow log records were lost (SKIPDATA)",
        severity="medium",
        description=(
            "AWS wrote SKIPDATA records for an interface: it could not capture some flows in "
            "those intervals (an internal capacity constraint or error)."
        ),
        risk="Traffic evidence and every detection may miss flows: a coverage gap.",
        remediation_text=(
            "Check the flow log's status and delivery errors; treat the interval as unobserved."
        ),
        references=("https://docs.aws.amazon.com/vpc/latest/userguide/flow-log-records.html",),
        compliance=("NIST-800-53-AU-12",),
    ),
)

IDS: tuple[str, ...] = tuple(rule.id for rule in RULES)
BY_ID: dict[str, RuleInfo] = {rule.id: rule for rule in RULES}
