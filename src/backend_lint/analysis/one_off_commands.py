"""Django management commands that say they are run once or only to make test data (BE402).

Judged on applications the rules had never seen, a management command's eager log messages were closed as "not a
bug" when the command said of itself that it is no job of the service: a data fix written for one ticket
(getgov's ``disclose_security_emails``: "Created for Issue#1535"; pulpcore's ``datarepair-2327``: "Repairs issue
#2327"), a one-off modification (datahub: "Command to do a one-off modification of investment projects"), or a
generator of local test data (the FAC's ``generate_resubmissions``: "Django management command for generating
resubmission test data", which refuses to run in production). Its log lines are read once at the operator's
terminal, where neither a disabled level's cost nor an aggregator's grouping arises. Commands that say nothing of
the kind stay checked: a periodic clean-up's or a reload's lines are aggregated like the service's (judged TRUE).
"""

from __future__ import annotations

import ast
import re
from typing import TYPE_CHECKING

from backend_lint.analysis.dev_seeds import help_values, literal_text, management_commands
from backend_lint.analysis.facts import file_fact
from backend_lint.analysis.lazy_regex import lazy_compile

if TYPE_CHECKING:
    from backend_lint.context import FileContext

_ONE_OFF = lazy_compile(r"\bone[- ](?:off|time)\b|\bissue\s*#\s*\d+|\bdata[- ]?fix\b", re.IGNORECASE)
"""What a command run once says of itself in the first paragraph of its module docstring, class docstring or
``help`` (a later paragraph may speak of something else: edaserver's scheduler lists its "one-time tasks")."""
_TEST_DATA = lazy_compile(r"\btest(?:s|ing)?\b", re.IGNORECASE)
"""What a generator of test data says in the first line of those texts."""


@file_fact()
def one_off_command(ctx: FileContext) -> bool:
    """The module defines a Django management command (a class on ``BaseCommand``) whose module docstring, class
    docstring or ``help`` says in its first paragraph that it is run once (one-off, one-time, a data fix, for issue
    #N) or, in its first line, that it is for testing ("generating resubmission test data"): the whole module is
    that command's code."""
    if "Command" not in ctx.source:
        return False
    commands = management_commands(ctx)
    if not commands:
        return False
    texts = [ast.get_docstring(ctx.tree) or ""]
    for command in commands:
        texts.append(ast.get_docstring(command) or "")
        texts.extend(literal_text(value) for value in help_values(command))
    return any(
        _ONE_OFF.search(text.strip().partition("\n\n")[0]) or _TEST_DATA.search(text.strip().partition("\n")[0])
        for text in texts
    )
