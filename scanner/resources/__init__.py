"""The resource catalog: every type netwarden collects, and everything it knows about each.

One module per family declares its types (``TYPES``) with every facet (``base.ResourceType``);
``catalog`` lists them in the order collection runs them. Adding a type is one entry in one
family module plus its sample in the tests (README: "Adding a resource type");
tests/unit/resources checks that it declares every facet.
"""

from __future__ import annotations

from scanner.resources.arns import arn_for
from scanner.resources.base import FACETS, ResourceType
from scanner.resources.catalog import CATALOG, FAMILIES, get, types, with_exposure_role

__all__ = [
    "CATALOG",
    "FACETS",
    "FAMILIES",
    "ResourceType",
    "arn_for",
    "get",
    "types",
    "with_exposure_role",
]
