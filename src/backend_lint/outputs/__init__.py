"""Report formats: each module renders a finished run. ``FORMATS`` maps ``--output-format`` names to them.

A format's module is imported when the report is written (:func:`renderer`): a run imports the one it
writes, not the XML library of JUnit or the rule pages SARIF embeds.
"""

from __future__ import annotations

import importlib
from typing import Callable, TextIO

from backend_lint.outputs.report import Report

Renderer = Callable[[Report, TextIO], None]

FORMATS: dict[str, str] = {
    "concise": "concise",
    "full": "full",
    "json": "json_format",
    "github": "github",
    "sarif": "sarif",
    "gitlab": "gitlab",
    "junit": "junit",
}
"""``--output-format`` name -> the module of :mod:`backend_lint.outputs` whose ``render`` writes it."""


def renderer(name: str) -> Renderer:
    """The ``render`` function of the format ``name`` (one of :data:`FORMATS`)."""
    render: Renderer = importlib.import_module(f"{__name__}.{FORMATS[name]}").render
    return render
