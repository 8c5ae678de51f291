"""AWS Security Hub: findings as ASFF (pure, ``asff``) and their import (the edge, ``importer``)."""

from __future__ import annotations

from scanner.securityhub.asff import ASFF_TYPES, SCHEMA_VERSION, batches, product_arn, to_asff

__all__ = ["ASFF_TYPES", "SCHEMA_VERSION", "batches", "product_arn", "to_asff"]
