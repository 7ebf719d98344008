"""The rule pages (``rules/BE401.md``): read for ``backend-lint rule``, SARIF help texts, docs and tests.

In a wheel the pages ship as ``backend_lint/catalog_pages``; in a source checkout (editable install) they are
read from the repository's top-level ``rules/`` folder, so there is one copy of each page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Optional
from urllib.parse import urljoin

from backend_lint.analysis.lazy_regex import lazy_compile

SECTIONS = ("What it does", "Why it matters", "Example", "Use instead", "Fix", "Options", "Limitations",
            "References")
_CODE_BLOCK = lazy_compile(r"^```(?P<lang>[\w-]*)[^\n]*\n(?P<body>.*?)^```\s*$", re.MULTILINE | re.DOTALL)
META_CODES = frozenset({"BE000"})  # codes with a page but no rule class (BE000: --report-unused-noqa)
DOCS_URL = "https://github.com/backend-lint/backend-lint/blob/main/rules/{code}.md"
_RELATIVE_LINK = lazy_compile(r"\]\((?![a-z][a-z0-9+.-]*:|#)(?P<target>[^)\s]+)\)")


def pages_dir() -> Path:
    packaged = Path(__file__).parent / "catalog_pages"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "rules"


@dataclass
class Page:
    """A parsed rule page: its title line and its ``##`` sections in order."""

    code: str
    title: str
    text: str
    sections: dict[str, str] = field(default_factory=dict)

    def code_blocks(self, section: str, language: str = "python") -> list[str]:
        return [
            match["body"] for match in _CODE_BLOCK.finditer(self.sections.get(section, ""))
            if match["lang"] == language
        ]

    @property
    def summary(self) -> str:
        """The first paragraph of "What it does", on one line."""
        body = self.sections.get("What it does", "").strip()
        return " ".join(body.split("\n\n")[0].split())

    @property
    def headline(self) -> str:
        """The summary's first clause: up to the first ``: `` or ``. `` (lists and details follow)."""
        summary = self.summary
        cut = min((index for index in (summary.find(": "), summary.find(". ")) if index >= 0), default=len(summary))
        return summary[:cut].rstrip(".:")


def parse_page(code: str, text: str) -> Page:
    lines = text.splitlines()
    title = lines[0].lstrip("# ").strip() if lines else code
    page = Page(code, title, text)
    current: Optional[str] = None
    buffer: list[str] = []
    in_code = False
    for line in lines[1:]:
        if line.startswith("```"):
            in_code = not in_code
        if not in_code and line.startswith("## "):
            if current is not None:
                page.sections[current] = "\n".join(buffer).strip() + "\n"
            current, buffer = line[3:].strip(), []
        else:
            buffer.append(line)
    if current is not None:
        page.sections[current] = "\n".join(buffer).strip() + "\n"
    return page


@cache
def load_page(code: str) -> Optional[Page]:
    path = pages_dir() / f"{code.upper()}.md"
    try:
        return parse_page(code.upper(), path.read_text(encoding="utf-8"))
    except OSError:
        return None


def docs_url(code: str) -> str:
    return DOCS_URL.format(code=code)


def with_absolute_links(code: str, markdown: str) -> str:
    """``markdown`` of ``code``'s page with its relative links (``../docs/guidelines.md#...``) made absolute.

    The links are relative so that they work in a checkout and on the repository's web pages; text that leaves
    both (a SARIF file shown by code scanning, an editor's hover) needs them resolved against the page's URL.
    """
    base = docs_url(code)
    return _RELATIVE_LINK.sub(lambda match: f"]({urljoin(base, match['target'])})", markdown)
