"""The command line: argument parsing, configuration discovery, output and exit codes."""

from wfverify.cli.main import entry, main

__all__ = ["entry", "main"]
