"""JUnit XML: one test suite per file, one failing test case per finding, one passing case for a clean file.

CI systems that read test reports (GitLab, Jenkins, Azure Pipelines) then list
findings next to test failures. Only errors and warnings fail a case; an
``info`` finding is a passing case with its message in ``system-out``.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import IO, Any

from wfverify.core.findings import Severity
from wfverify.core.results import FileResult, Report


def _suite(result: FileResult) -> ET.Element:
    failures = sum(1 for f in result.findings if f.severity != Severity.INFO)
    suite = ET.Element(
        "testsuite",
        name=result.path,
        tests=str(max(1, len(result.findings))),
        failures=str(failures),
        errors="0",
        skipped="0",
        time=f"{result.seconds:.3f}",
    )
    if not result.findings:
        ET.SubElement(suite, "testcase", name="wfverify", classname=result.path, time=f"{result.seconds:.3f}")
    for f in result.findings:
        case = ET.SubElement(
            suite, "testcase", name=f"{f.rule} [{f.code}] at {f.line or 1}:{f.column or 1}", classname=f.path
        )
        text = f"{f.path}:{f.line or 1}:{f.column or 1}: {f.severity.value} {f.rule} [{f.code}] {f.message}"
        if f.severity == Severity.INFO:
            ET.SubElement(case, "system-out").text = text
        else:
            failure = ET.SubElement(case, "failure", message=f.message, type=f"{f.severity.value}:{f.rule}")
            failure.text = text
    return suite


def render(report: Report, registry: Any, stream: IO[str], options: dict[str, Any]) -> None:
    root = ET.Element("testsuites", name="wfverify")
    suites = [_suite(r) for r in report.files]
    root.set("tests", str(sum(int(s.get("tests", "0")) for s in suites)))
    root.set("failures", str(sum(int(s.get("failures", "0")) for s in suites)))
    root.extend(suites)
    ET.indent(root)
    stream.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    stream.write(ET.tostring(root, encoding="unicode"))
    stream.write("\n")
