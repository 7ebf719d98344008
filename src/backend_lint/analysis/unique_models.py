"""Which model classes of a module refuse a second record with the same natural name.

A retried POST that creates a record with a name the client chose meets the first record when the model says
that name is unique: the second insert fails (a 409, a 422, a 500) and nothing is duplicated (BE301). What counts,
read from the class body only (no walk of expressions outside it):

- a column or field of a natural name (``name``, ``label``, ``title``, ``username``, ``email``, ``code``,
  ``identifier``) declared ``unique=True`` without a default: SQLAlchemy ``Column(...)``/
  ``mapped_column(...)``, Django ``models.CharField(...)`` and the like;
- a unique constraint naming such a field: Django ``unique_together`` in ``Meta`` or
  ``models.UniqueConstraint(fields=[...])`` in ``Meta.constraints``, SQLAlchemy ``UniqueConstraint("name", ...)``
  in ``__table_args__``.

A name the model computes itself is not the client's key: a method that assigns the field from a call other
than a plain read (``self.name = get_or_increase_name(...)``, which makes each name unique by suffixing it) rules
the class out.

The answer is the class's name as lower-case words (``AnnotationLayer`` -> ``annotation layer``): the rule
matches it against the words of what a handler creates.

The other way to refuse a duplicate is in code: a service or command that checks before it creates
(:func:`checks_unique`: ``if not DAO.validate_uniqueness(name): raise ...``, ``raise Error(f"{name} already
exists")``). A slug's check does not count (a slug is mostly derived, so a retry without one gets a new slug).
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Optional

from backend_lint.analysis.ast_helpers import assigned_values
from backend_lint.analysis.effect_calls import words
from backend_lint.analysis.facts import file_fact
from backend_lint.analysis.imports import dotted_name
from backend_lint.analysis.tree_walk import walk

if TYPE_CHECKING:
    from backend_lint.context import FileContext

NATURAL_NAMES = frozenset({"name", "label", "title", "username", "email", "code", "identifier"})
"""Not ``slug``: most applications derive it from the title when the client sends none."""
_DEFAULTS = frozenset({"default", "server_default", "default_factory", "insert_default"})
_READS = frozenset({"get", "pop", "setdefault"})
_CHECK_CALLS = ("uniqueness", "alreadyexist", "already_exist", "existsvalidationerror", "check_duplicate")
_CHECK_MESSAGES = ("already exist", "duplicate", "already in use", "already used", "already taken",
                   "already been taken", "already registered", "already a member")
"""What a refusal of a second record with the same natural key says (a DRF serializer's ``validate_email``: "...
is already a member of this organisation", ``validate_registration_number``: "This registration number is already
in use")."""
CHECK_WORDS = ("uniqueness", "already", "existsvalidationerror", "duplicate", "by_id")
"""Every word of :data:`_CHECK_CALLS` and :data:`_CHECK_MESSAGES` holds one of these (``already`` alone for a
message split after it: ``"... already " "exists"``; ``by_id`` for a lookup by the id a record is then created
under, :func:`_answers_found_id`): a function whose lines hold none does not :func:`checks_unique`, and the
project summary does not walk it."""
_LOOKUP_WORDS = frozenset({"get", "find", "fetch", "load", "lookup", "query", "dao", "by", "id", "one", "first"})
"""Words of a lookup call that say how it looks, not what it looks for (``dao_get_notification_by_id``)."""


def _true(node: Optional[ast.expr]) -> bool:
    return isinstance(node, ast.Constant) and node.value is True


def _unique_field(statement: ast.stmt) -> Optional[str]:
    """``name = Column(String, unique=True)``: the field's name when it is declared unique without a default."""
    targets, value = assigned_values(statement)
    if len(targets) != 1:
        return None
    target = targets[0]
    if not (isinstance(target, ast.Name) and isinstance(value, ast.Call)):
        return None
    keywords = {keyword.arg: keyword.value for keyword in value.keywords}
    if _true(keywords.get("unique")) and not _DEFAULTS & keywords.keys():
        return target.id
    return None


def _strings(node: ast.AST) -> set[str]:
    """The string constants of a literal (the field names of a constraint)."""
    return {part.value for part in walk(node) if isinstance(part, ast.Constant) and isinstance(part.value, str)}


def _constraint_fields(statement: ast.stmt) -> set[str]:
    """Fields named by ``unique_together``, ``UniqueConstraint(...)`` in ``constraints`` or ``__table_args__``."""
    if not isinstance(statement, ast.Assign):
        return set()
    names = {target.id for target in statement.targets if isinstance(target, ast.Name)}
    if "unique_together" in names:
        return _strings(statement.value)
    if names & {"constraints", "__table_args__"}:
        found: set[str] = set()
        for part in walk(statement.value):
            if isinstance(part, ast.Call) and (dotted_name(part.func) or "").endswith("UniqueConstraint"):
                found |= _strings(part)
        return found
    return set()


def _computed(cls: ast.ClassDef) -> set[str]:
    """Fields a method of the class assigns from a computation: ``self.name = make_unique_name(...)``."""
    found: set[str] = set()
    for method in cls.body:
        if not isinstance(method, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for part in walk(method):
            if not (isinstance(part, ast.Assign) and isinstance(part.value, ast.Call)):
                continue
            called = dotted_name(part.value.func) or ""
            if called.rpartition(".")[2] in _READS:
                continue
            found.update(target.attr for target in part.targets if isinstance(target, ast.Attribute)
                         and isinstance(target.value, ast.Name) and target.value.id == "self")
    return found


def unique_names(cls: ast.ClassDef) -> bool:
    """The class declares a natural name of its records unique, and does not compute that name itself."""
    unique: set[str] = set()
    for statement in cls.body:
        field = _unique_field(statement)
        if field is not None:
            unique.add(field)
        elif isinstance(statement, ast.ClassDef) and statement.name == "Meta":
            for inner in statement.body:
                unique |= _constraint_fields(inner)
        else:
            unique |= _constraint_fields(statement)
    natural = unique & NATURAL_NAMES
    return bool(natural) and bool(natural - _computed(cls))


@file_fact()
def unique_models(ctx: FileContext) -> list[str]:
    """The module's classes whose records have a unique natural name, as lower-case words (sorted)."""
    return sorted(
        " ".join(sorted(words(statement.name))) for statement in ctx.tree.body
        if isinstance(statement, ast.ClassDef) and unique_names(statement)
    )


def names_match(model: str, record: set[str]) -> bool:
    """Every word of the model's name is one of the words of what is created (``annotation layer`` in
    ``{annotation, layer}``)."""
    model_words = set(model.split())
    return bool(model_words) and model_words <= record


def mentions_uniqueness(source: str, lowered: Optional[str] = None) -> bool:
    """The text can hold a uniqueness check (the cheap test before :func:`checks_unique` looks into defs);
    ``lowered``: its lower case, when the caller has it."""
    lowered = source.lower() if lowered is None else lowered
    return any(word in lowered for word in (*_CHECK_CALLS, *_CHECK_MESSAGES, "by_id"))


def _says_check(text: str, words: tuple[str, ...]) -> bool:
    lowered = text.lower()
    return "slug" not in lowered and any(word in lowered for word in words)


def checks_unique(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """The function refuses a duplicate: it calls a uniqueness check (``validate_uniqueness``,
    ``check_duplicate``), builds an ``...ExistsValidationError``/``AlreadyExists`` error, or raises with a
    message saying "already exists" (or "already in use", "already taken", "already a member"...), written in the
    ``raise`` or in a local name it raises
    (ihatemoney's ``ProjectForm.validate_id``: ``message = _('A project ... already exists.')`` then
    ``raise ValidationError(Markup(message))``)."""
    nodes = list(walk(function))  # (read three times: one walk)
    if _answers_found_id(nodes):
        return True
    assigned: dict[str, list[ast.expr]] = {}
    for part in nodes:
        if isinstance(part, ast.Assign):
            for target in part.targets:
                if isinstance(target, ast.Name):
                    assigned.setdefault(target.id, []).append(part.value)
    for part in nodes:
        if isinstance(part, ast.Call) and _says_check(dotted_name(part.func) or "", _CHECK_CALLS):
            return True
        if isinstance(part, ast.Raise) and part.exc is not None:
            raised = [part.exc, *(value for name in walk(part.exc) if isinstance(name, ast.Name)
                                  for value in assigned.get(name.id, ()))]
            if any(isinstance(text, ast.Constant) and isinstance(text.value, str)
                   and _says_check(text.value, _CHECK_MESSAGES) for node in raised for text in walk(node)):
                return True
    return False


def _answers_found_id(nodes: list[ast.AST]) -> bool:
    """The function (``nodes``: every node of it, as :func:`ast.walk` gives them) returns early when a lookup by
    an id finds the record, and otherwise creates the record under that same id: ``if
    get_notification_by_id(post_data["file_id"]): return {...}`` and later
    ``persist_notification(notification_id=post_data["file_id"], ...)`` (Notify's letter sent from two tabs).
    The client chose the id, so a retry finds the first record and answers it: deduplication by the client's
    key. The id must be the looked-up record's own (``notification_id`` for a ``..._notification_by_id``
    lookup, or ``id``), not a foreign key handed to another create."""
    lookups: list[tuple[int, str, set[str]]] = []
    for node in nodes:
        if not (isinstance(node, ast.If) and node.body and isinstance(node.body[-1], ast.Return)):
            continue
        test = node.test
        if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.IsNot):
            test = test.left
        if isinstance(test, ast.Await):
            test = test.value
        if isinstance(test, ast.Call) and test.args and "by_id" in (dotted_name(test.func) or "").lower():
            record = words((dotted_name(test.func) or "").rpartition(".")[2]) - _LOOKUP_WORDS
            lookups.append((node.lineno, ast.dump(test.args[0]), record))
    if not lookups:
        return False
    for node in nodes:
        if not isinstance(node, ast.Call):
            continue
        for keyword in node.keywords:
            if keyword.arg is None or not (keyword.arg == "id" or keyword.arg.endswith("_id")):
                continue
            given = ast.dump(keyword.value)
            if any(node.lineno > line and given == dumped
                   and (keyword.arg == "id" or keyword.arg[:-3] in record) for line, dumped, record in lookups):
                return True
    return False


@file_fact()
def conflict_skipping_lines(ctx: FileContext) -> frozenset[int]:
    """The lines of the file's ``bulk_create(rows, ignore_conflicts=True)`` (or ``update_conflicts=True``) calls:
    the database's unique key refuses a row that is already there, so running one again adds nothing (plane's
    assignment of work items to a module). A set, not a create (BE301)."""
    if "_conflicts" not in ctx.source:
        return frozenset()
    return frozenset(
        node.lineno for node in walk(ctx.tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "bulk_create"
        and any(keyword.arg in ("ignore_conflicts", "update_conflicts") and _true(keyword.value)
                for keyword in node.keywords)
    )
