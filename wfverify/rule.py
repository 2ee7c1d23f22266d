"""Public name kept for third-party rule packs: ``from wfverify.rule import rule``.

The rule contract lives in :mod:`wfverify.core.rule`; this module re-exports it
unchanged so packs written against wfverify 0.1 keep working.
"""

from wfverify.core.rule import *  # noqa: F403
from wfverify.core.rule import __all__  # noqa: F401
