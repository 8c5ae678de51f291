"""Collection: the edge that reads AWS. Declarative collectors plus a fan-out runner."""
