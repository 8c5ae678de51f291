"""The baseline: the committed, reviewed known-good network state."""
