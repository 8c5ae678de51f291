"""Account ids and region names as AWS spells them.

Both come from input that netwarden does not control (a snapshot, an accounts file, a flag)
and both become parts of file paths (``baselines/<account>/<region>.yaml``) and API
parameters (a client's region, hence its endpoint's host name). Anything else, such as
``../../x`` or a name with ``é`` or a ``/`` in it, is refused before it is used.
"""

from __future__ import annotations

import re

# [0-9], not \d: \d also matches other scripts' digits.
ACCOUNT_ID = re.compile(r"[0-9]{12}")
# Every partition's regions: us-east-1, us-gov-west-1, cn-north-1, eu-isoe-west-1, ...
REGION_NAME = re.compile(r"[a-z]{2}(-[a-z]+){1,3}-[0-9]{1,2}")


def is_account_id(value: object) -> bool:
    return isinstance(value, str) and ACCOUNT_ID.fullmatch(value) is not None


def is_region_name(value: object) -> bool:
    return isinstance(value, str) and REGION_NAME.fullmatch(value) is not None


def account_problem(value: object) -> str | None:
    """Why ``value`` is not an AWS account id (None when it is one)."""
    if is_account_id(value):
        return None
    return f"{value!r} is not an AWS account id (12 digits)"


def region_problem(value: object) -> str | None:
    """Why ``value`` is not an AWS region name (None when it is one)."""
    if is_region_name(value):
        return None
    return f"{value!r} is not an AWS region name (such as eu-west-1)"
