"""The real Custodian CLI with netwarden's filters registered: ``python -m
scanner.policy.custodian validate policies/*.yml`` (or ``run``).

c7n 0.9.53 loads no third-party plugins (its registries have no entry-point loading), so a
policy using ``open-ingress`` and friends needs this wrapper to run under Custodian.
"""

from __future__ import annotations

import sys


def main() -> None:
    """Register netwarden's filters, then hand over to ``c7n.cli.main``."""
    import c7n.cli

    import scanner.policy.filters  # noqa: F401

    sys.exit(c7n.cli.main())


if __name__ == "__main__":
    main()
