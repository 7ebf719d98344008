"""``--output-format junit``: JUnit XML, the test-report format every CI system renders.

One ``<testsuite>`` per file with findings (named by the path), one failed ``<testcase>`` per finding (named
by code and position, ``classname`` the dotted module path and ``file`` the path, so CI groups them by file),
the finding as ``<failure>``.
A file that could not be checked is a testcase with an ``<error>``. A clean run is one passing testcase, so
the CI's test tab shows that backend-lint ran instead of an empty, ambiguous report. Counts on the
``<testsuites>`` and ``<testsuite>`` elements add up, as the JUnit schema and CI parsers expect.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import PurePath
from typing import TextIO

from backend_lint.analysis.lazy_regex import lazy_compile
from backend_lint.finding import FileError, Finding
from backend_lint.outputs.report import Report

SUITES_NAME = "backend-lint"
# Characters XML 1.0 cannot carry at all, not even escaped; ElementTree would write them and break the file.
_NOT_XML = lazy_compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _classname(path: str) -> str:
    """``app/api/orders.py`` -> ``app.api.orders``: CI report viewers split class names at dots into
    package and class, so a path's own dot (``.py``) would make ``py`` the class of every finding."""
    stem = path[: -len(PurePath(path).suffix)] if PurePath(path).suffix in (".py", ".pyi") else path
    return _xml(stem.replace("\\", "/").replace("/", ".").strip("."))


def _case_for_finding(suite: ET.Element, finding: Finding) -> None:
    case = ET.SubElement(
        suite,
        "testcase",
        name=f"{finding.code} {finding.name} at {finding.line}:{finding.col}",
        classname=_classname(finding.path),
        file=_xml(finding.path),
        line=str(finding.line),
    )
    failure = ET.SubElement(case, "failure", message=_xml(finding.message), type=finding.code)
    failure.text = _xml(f"{finding.path}:{finding.line}:{finding.col}: {finding.code} {finding.message}")


def _case_for_error(suite: ET.Element, error: FileError) -> None:
    case = ET.SubElement(suite, "testcase", name="file could not be checked", classname=_classname(error.path),
                         file=_xml(error.path))
    failed = ET.SubElement(case, "error", message=_xml(error.reason), type=error.code or "file-error")
    failed.text = _xml(str(error))


def build(report: Report) -> ET.Element:
    by_path: dict[str, tuple[list[Finding], list[FileError]]] = defaultdict(lambda: ([], []))
    for finding in report.findings:
        by_path[finding.path][0].append(finding)
    for error in report.errors:
        by_path[error.path][1].append(error)
    root = ET.Element("testsuites", name=SUITES_NAME)
    for path in sorted(by_path):
        findings, errors = by_path[path]
        suite = ET.SubElement(root, "testsuite", name=_xml(path), tests=str(len(findings) + len(errors)),
                              failures=str(len(findings)), errors=str(len(errors)), skipped="0")
        for finding in findings:
            _case_for_finding(suite, finding)
        for error in errors:
            _case_for_error(suite, error)
    if not by_path:
        suite = ET.SubElement(root, "testsuite", name=SUITES_NAME, tests="1", failures="0", errors="0",
                              skipped="0")
        ET.SubElement(suite, "testcase", name="no findings", classname=SUITES_NAME)
    root.set("tests", str(sum(int(suite.get("tests", "0")) for suite in root)))
    root.set("failures", str(len(report.findings)))
    root.set("errors", str(len(report.errors)))
    return root


def render(report: Report, out: TextIO) -> None:
    tree = build(report)
    ET.indent(tree)
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    out.write(ET.tostring(tree, encoding="unicode"))
    out.write("\n")
