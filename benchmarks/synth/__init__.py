"""Synthetic benchmark data generators with exact ground truth (dev/benchmark use only)."""
