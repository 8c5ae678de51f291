"""Drift: every difference between the live network and the reviewed baseline."""
