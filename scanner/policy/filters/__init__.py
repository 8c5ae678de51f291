"""netwarden's own Custodian filters, registered on Custodian's filter registries on import.

Each filter asks AWS the way Custodian's filters do (through the policy's session), so it
works under ``custodian run`` against AWS and, offline, against the snapshot session.
Import this package explicitly (the loader and the evaluator do); ``register`` is the hook
for plugin loaders and for ``python -m scanner.policy.custodian``.
"""

from __future__ import annotations

from scanner.policy.filters import alerting, exposure, nacl, network, sg  # noqa: F401

FILTERS = {
    "aws.account": ("change-alerts",),
    "aws.eni": ("internet-exposed",),
    "aws.network-acl": ("open-ingress",),
    "aws.security-group": ("wide-cidr-ingress", "public-cidr-ingress", "unreferenced"),
    "aws.subnet": ("internet-gateway-route",),
    "aws.route-table": ("broad-peering-route",),
    "aws.internet-gateway": ("vpc",),
    "aws.nat-gateway": ("missing-alarms",),
    "aws.peering-connection": ("untrusted-peer",),
}


def register() -> None:
    """Nothing to do beyond importing this package; kept as a stable entry-point target."""
