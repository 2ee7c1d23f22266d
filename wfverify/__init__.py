"""wfverify: static analysis and proofs for workflow definitions."""

__version__ = "0.1.0"
