"""Why a policy is not evaluated natively."""

from __future__ import annotations


class Unsupported(Exception):
    """The filter tree uses something the native engine does not implement; Custodian's own
    classes evaluate that policy instead (the message says what, for ``--explain`` and logs)."""
