"""Comments written for a reader, not for a tool: where the author states a decision next to the code.

A comment at the end of a line (a ``#`` outside quotes) is for a reader unless it is a tool pragma (``# noqa``,
``# type: ignore``, ``# pragma: no cover``...) or only names lint codes (``# E722``, ``# BE205:5``). BE205 reads
such a comment in a handler as an explained swallow (:mod:`.fallbacks`); BE202 reads one on the line of an
explicit ``None`` timeout as the reason the author switched it off
(:func:`explains_setting`), when it speaks of the wait and is not a note of work left to do (``# TODO: add a
timeout``).
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from backend_lint.analysis.lazy_regex import lazy_compile

if TYPE_CHECKING:
    from backend_lint.context import FileContext

PRAGMAS = ("pragma", "type:", "noqa", "pylint", "nosec", "fmt:", "mypy", "pyright", "coverage")
"""Comments addressed to a tool, not to a reader: they explain nothing."""
_CODES_ONLY = lazy_compile(r"^[A-Z]+\d+(?::\d+)?(?:\s*,\s*[A-Z]+\d+(?::\d+)?)*$")
"""A comment that only names lint codes (``# E722``, ``# BE205:5``)."""
_NEXT_COMMENT = lazy_compile(r"\s+#\s*")
"""Where a second comment starts on the same line."""
_WORK_LEFT = ("todo", "fixme", "xxx", "hack", "bug", "tbd")
"""A comment opening with one of these is work left to do, not a decision (``# TODO: set a timeout``)."""
_REASON_WORDS = 3
"""A reason takes a few words: ``# no timeout`` only restates the code; ``# No timeout for a streaming
operation.`` and ``# NOTE: setting a timeout here can lead to issues with long running commands`` say why."""


def reader_comment(line: str) -> str:
    """The text of the comment ending ``line`` (a ``#`` outside quotes) when it is for a reader, else ``""``;
    without the pragmas and codes that follow it (``# long poll  # noqa: BE202``)."""
    position = line.find("#")
    while position != -1:
        before = line[:position]
        if before.count('"') % 2 == 0 and before.count("'") % 2 == 0:
            parts = _NEXT_COMMENT.split(line[position + 1 :].strip())
            while parts and _for_tool(parts[-1]):
                parts.pop()  # a pragma or lint codes after the reader's words
            return " # ".join(parts)
        position = line.find("#", position + 1)
    return ""


def explains_setting(node: ast.AST, ctx: FileContext, about: tuple[str, ...]) -> bool:
    """A comment for a reader at the end of the last line of the setting ``node`` (a keyword argument, a value)
    gives its reason: a few words (:data:`_REASON_WORDS`) naming the subject (one of the lower-case words
    ``about``: a comment about something else on the line says nothing of it), not a note of work left to do. A
    comment line above is not read: it may speak of the whole call or of the lines below."""
    last: int = getattr(node, "end_lineno", None) or getattr(node, "lineno", 0) or 0
    if not 1 <= last <= len(ctx.lines):
        return False
    text = reader_comment(ctx.lines[last - 1])
    return _gives_reason(text) and any(word in text.lower() for word in about)


def _for_tool(text: str) -> bool:
    return not text or text.lower().startswith(PRAGMAS) or bool(_CODES_ONLY.match(text))


def _gives_reason(text: str) -> bool:
    words = text.replace(":", " ").split()
    return len(words) >= _REASON_WORDS and words[0].lower().strip(".!-") not in _WORK_LEFT
