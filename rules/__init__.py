"""wfverify's first-party rule pack, installed as ``wfverify_rules``.

One module per rule, named ``wf<code>_<name>.py``. The pack registers through
the ``wfverify.rules`` entry point group exactly as a third-party pack does;
the registry imports every module here and collects the rules defined in it.
Adding a rule is adding a module: nothing else changes.

Code ranges: WF0xx loading and schema, WF1xx structure and paths, WF2xx
reachability and termination, WF3xx choices, WF4xx errors, retries and
timeouts, WF5xx sagas, WF6xx locks, WF9xx about wfverify itself.
"""
