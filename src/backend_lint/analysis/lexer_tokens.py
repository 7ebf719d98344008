"""Values that are tokens of a lexer or parser library: pieces of the text being parsed, not credentials (BE405).

A ``token`` in ``def STRING_LITERAL(self, token: Token)`` of a lark ``Transformer``, in ``for tok in
tokenize.generate_tokens(readline)`` or in ``for ttype, value in lexer.get_tokens(text)`` is a terminal of a
grammar: a word, a string literal, an operator of the input. Logging ``token.value`` writes the parsed text,
which the code already holds in full. :func:`lexer_token` reads that from where the value comes from, never from
its name:

* a parameter annotated with a class of a lexer or parser library (``Token`` imported from lark,
  ``tokenize.TokenInfo``, ``sqlparse.sql.Token``, ``pyparsing.ParseResults``...), ``Optional[...]``/a string
  annotation included;
* a parameter of a method of a class that subclasses one of those libraries' classes (a lark ``Transformer``,
  ``Visitor`` or ``Interpreter``, a pyparsing/ply lexer class): the library calls it with parsed pieces;
* a loop variable over, or a local assigned once from, a call into one of those libraries
  (``tokenize.generate_tokens(...)``, ``sqlparse.parse(sql)[0].flatten()``, ``lexer.token()`` of a ply lexer).

``token.value``, ``token.type``, ``token[1]`` and the like are judged by their root name.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Optional

from backend_lint.analysis.ast_helpers import unquoted
from backend_lint.analysis.bindings import bindings_of
from backend_lint.analysis.facts import reads
from backend_lint.analysis.values import origin

if TYPE_CHECKING:
    from backend_lint.context import FileContext

LEXER_LIBRARIES = frozenset(
    {"lark", "tokenize", "pygments", "sqlparse", "ply", "pyparsing", "parso", "lib2to3", "jinja2.lexer",
     "pycparser", "esprima", "sly"}
)
"""Modules whose tokens are pieces of parsed text (lark, the standard ``tokenize``, pygments, sqlparse, ply...)."""


def from_lexer_library(qualified: Optional[str]) -> bool:
    """``lark.Token``, ``tokenize.generate_tokens``, ``jinja2.lexer.Token``: a name of one of those libraries."""
    if not qualified:
        return False
    return any(qualified == library or qualified.startswith(library + ".") for library in LEXER_LIBRARIES)


def _root_name(expr: ast.expr) -> Optional[ast.Name]:
    """``token`` of ``token.value``, ``token[1]``, ``token.value.strip()``'s receiver chain."""
    while isinstance(expr, (ast.Attribute, ast.Subscript)):
        expr = expr.value
    return expr if isinstance(expr, ast.Name) else None


def _annotation_type(annotation: Optional[ast.expr]) -> Optional[ast.expr]:
    """``Optional[Token]``, ``Token | None``, ``"Token"``, ``list[Token]``: the class named, best effort."""
    while True:
        if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
            parsed = unquoted(annotation)
            if not isinstance(parsed, ast.expr):
                return None
            annotation = parsed
        elif isinstance(annotation, ast.Subscript):
            inner = annotation.slice
            annotation = inner.elts[0] if isinstance(inner, ast.Tuple) and inner.elts else inner
        elif isinstance(annotation, ast.BinOp) and isinstance(annotation.op, ast.BitOr):
            left = annotation.left
            annotation = annotation.right if isinstance(left, ast.Constant) and left.value is None else left
        else:
            return annotation


@reads(bindings_of, origin)
def lexer_token(value: ast.expr, ctx: FileContext) -> bool:
    """Whether ``value`` (or the object it is read from) is a token of a lexer or parser library (see the module
    docstring)."""
    root = _root_name(value)
    function = ctx.scope.function
    if root is None or not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    bindings = bindings_of(ctx, function)
    param = bindings.params.get(root.id)
    if param is not None:
        annotation = _annotation_type(param.annotation)
        if annotation is not None and from_lexer_library(ctx.imports.resolve(annotation)):
            return True
        cls = ctx.scope.method_class
        return cls is not None and any(from_lexer_library(ctx.imports.resolve(base)) for base in cls.bases)
    loops = bindings.loop_targets.get(root.id)
    if loops:
        return all(from_lexer_library(origin(loop.iter, ctx) or ctx.imports.resolve(loop.iter)) for loop in loops)
    held = bindings.single_value(root.id)
    return held is not None and from_lexer_library(origin(held, ctx))
