"""Report formats: each module renders a finished run. ``FORMATS`` maps ``--output-format`` names to them."""

from __future__ import annotations

from typing import Callable, TextIO

from backend_lint.outputs import concise, full, github, gitlab, json_format, junit, sarif
from backend_lint.outputs.report import Report

Renderer = Callable[[Report, TextIO], None]

FORMATS: dict[str, Renderer] = {
    "concise": concise.render,
    "full": full.render,
    "json": json_format.render,
    "github": github.render,
    "sarif": sarif.render,
    "gitlab": gitlab.render,
    "junit": junit.render,
}
