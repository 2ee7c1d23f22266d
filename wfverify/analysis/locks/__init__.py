"""Locks: per-holder facts, a lock-order pre-filter, and the exact Z3 deadlock check."""
