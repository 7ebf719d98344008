"""What a module's functions do that a caller in another module inherits: the effects of its def summaries.

A handler that calls ``send_welcome(user)`` from ``app/notifications.py`` sends e-mail as surely as one that calls
``send_mail`` itself, but its file cannot say so. Each module therefore records, per module-level function and
method, the effects of the function's OWN body (one level: what its callees do is not added) under the names
of :data:`.summary.DEF_EFFECTS`; the project model answers :func:`.conditions.does` from them.

Two sources, both already used in the file by the rules:

- slow work (:func:`backend_lint.analysis.slow_work.slow_work_in`): e-mail, SMS, PDF rendering. Sleeps are not
  recorded: in a helper they are a poll's or a backoff's wait more often than work a handler should hand off;
- harmful effects (:func:`backend_lint.analysis.effects.own_effects`): creates, enqueues, sends (messages and
  outbound POSTs), pays.

Cost: nothing is walked in tests, test support, migrations and examples (no handler calls them); slow work is
looked for only in functions whose lines mention one of its trigger words, and harmful effects only in those
whose lines mention a name the effects summary looks for (``create``, ``send``, ``delay``...), as the file's
text shows.
"""

from __future__ import annotations

import ast
import re
from bisect import bisect_left, bisect_right
from typing import TYPE_CHECKING

from backend_lint.analysis.effects import HARMFUL, own_effects
from backend_lint.analysis.slow_work import SLEEPS, slow_work_in

if TYPE_CHECKING:
    from backend_lint.context import FileContext

SLOW_EFFECTS = {"sends e-mail": "sends-mail", "sends an SMS": "sends-sms", "renders a PDF": "renders-pdf"}
"""What :func:`slow_work_in` says -> the effect recorded (sleeps are left out, see above)."""
EFFECT_TEXT = {effect: text for text, effect in SLOW_EFFECTS.items()}
"""The effect -> how a message says it (``sends-mail`` -> ``sends e-mail``)."""
_SLOW_WORDS = re.compile("mail|twilio|weasyprint|pdfkit")
_HARMFUL_WORDS = re.compile(
    "create|insert|add\\(|add_all|save\\(|send|delay\\(|apply_async|enqueue|add_task|async_task|kiq\\(|schedule_task"
    "|post\\(|pay|charge|capture|refund|transact|open_channel|withdraw|purchase|stripe|braintree|adyen|square|mollie"
    "|razorpay|gocardless|coinbase"
)
"""Text without which :func:`own_effects` finds no harmful effect in a function (the call names and SQL it
looks for, lower case): a function whose lines hold none is not walked."""
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
_NEWLINE = re.compile(r"\r\n|\r|\n")


class EffectReader:
    """Reads the effects of one file's functions; built once per summary."""

    def __init__(self, ctx: FileContext, skip: bool) -> None:
        self.ctx = ctx
        self.skip = skip
        lowered = "" if skip else ctx.source.lower()
        breaks = [found.end() for found in _NEWLINE.finditer(lowered)]
        self.slow_lines = _word_lines(lowered, breaks, _SLOW_WORDS)
        self.harmful_lines = _word_lines(lowered, breaks, _HARMFUL_WORDS)

    def effects(self, node: ast.AST) -> list[str]:
        """The effects of the function ``node``'s own body (empty for classes and in skipped files)."""
        if self.skip or not isinstance(node, _FUNCTIONS):
            return []
        found: set[str] = set()
        if _spans_a_line(node, self.harmful_lines):
            found.update(effect.kind for effect in own_effects(self.ctx, node).effects if effect.kind in HARMFUL)
        if _spans_a_line(node, self.slow_lines):
            kind = slow_work_in(self.ctx, node)
            if kind is not None and kind != SLEEPS and kind in SLOW_EFFECTS:
                found.add(SLOW_EFFECTS[kind])
        return sorted(found)


def _word_lines(lowered: str, breaks: list[int], words: re.Pattern[str]) -> list[int]:
    """The lines (1-based, ascending, numbered as ``ast`` numbers them) on which ``words`` match the lower-cased
    source; ``breaks`` are the offsets just past each line break."""
    return sorted({bisect_right(breaks, found.start()) + 1 for found in words.finditer(lowered)})


def _spans_a_line(node: ast.AST, lines: list[int]) -> bool:
    first = getattr(node, "lineno", 0)
    last = getattr(node, "end_lineno", None) or first
    at = bisect_left(lines, first)
    return at < len(lines) and lines[at] <= last
