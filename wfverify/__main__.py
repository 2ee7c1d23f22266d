from wfverify.cli import entry

entry()
