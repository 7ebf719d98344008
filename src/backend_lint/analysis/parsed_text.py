"""Values that are pieces the code cut out of a text it holds: tokens of its own tokenizer, not credentials (BE405).

A ``token`` is also a word of a grammar. ``for token in _find_embed_tokens(value)`` (a helper that scans a
configuration string for ``@ag.embed[...]`` references), ``for token in re.findall(r"{{\\w+}}", template)``,
``for token in line.split()``, ``token = match.group(1)`` after ``re.search(..., text)``: each ``token`` is a
substring of a text the code already holds, cut out by splitting or matching it. Logging it writes that piece of
text; it is a credential only when the text it was cut from is one. :func:`parsed_piece` reads that from where
the value comes from:

* a loop variable over, or a local assigned once from (an element ``parts[1]`` or a match's ``.group(...)``
  included, through one more local such as ``tokens = ...; for token in tokens``):
  ``str.split``/``rsplit``/``splitlines``/``partition``, ``shlex.split``, the ``re`` (or ``regex``) functions
  ``findall``/``finditer``/``split``/``search``/``match``/``fullmatch`` or the same methods of a compiled
  pattern, or a tokenizer: a function whose name says it tokenizes or lexes (``tokenize``, ``lex_template``) or
  a function of the file that finds, parses or scans tokens in the text it takes (``_find_embed_tokens(text:
  str)``: its first parameter a ``str`` or named as a text);
* provided the text cut is not itself a secret: not named like one (``api_keys.split(",")`` gives API keys)
  and not a request's headers, cookies or ``Authorization`` value (``auth_header.split()[1]`` is the bearer
  token), directly or through one local.

A function that takes a tokenizer (a parameter named ``tokenizer``, ``tokeniser`` or ``vocab``:
``_tekken_token_to_id(tokenizer, token)``) works on the vocabulary of a language model or a parser: its tokens
are words of that vocabulary, so every value of it is left alone (:func:`with_tokenizer`).

``token.value``, ``token[1]`` and the like are judged by their root name.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Optional, Union

from backend_lint.analysis.bindings import bindings_of
from backend_lint.analysis.facts import reads
from backend_lint.analysis.resolve import called_function
from backend_lint.analysis.secret_names import is_secret_name, name_of, split_identifier
from backend_lint.analysis.values import origin

if TYPE_CHECKING:
    from backend_lint.context import FileContext

_SPLITTERS = frozenset({"split", "rsplit", "splitlines", "partition", "rpartition"})
_MATCHERS = frozenset({"findall", "finditer", "split", "search", "match", "fullmatch"})
_REGEX_MODULES = ("re", "regex")
_MATCH_READERS = frozenset({"group", "groups", "groupdict", "span"})
_WRAPPERS = frozenset({"enumerate", "list", "tuple", "set", "sorted", "reversed", "iter"})
_TOKENIZER_WORDS = frozenset({"tokenize", "tokenise", "tokenizer", "tokeniser", "lex", "lexer"})
_SCANNER_WORDS = frozenset({"find", "parse", "scan", "split", "collect", "iter"})
_TOKEN_WORDS = frozenset({"tokens", "token"})
_REQUEST_PARTS = frozenset({"headers", "cookies", "COOKIES", "META", "authorization", "Authorization"})
_HOPS = 2
_Function = Union[ast.FunctionDef, ast.AsyncFunctionDef]
_TEXT_NAMES = frozenset({"text", "string", "source", "template", "line", "content", "expression", "expr",
                         "body", "value", "s"})


def _root_name(expr: ast.expr) -> Optional[ast.Name]:
    while isinstance(expr, (ast.Attribute, ast.Subscript)):
        expr = expr.value
    return expr if isinstance(expr, ast.Name) else None


@reads(bindings_of, origin, called_function)
def parsed_piece(value: ast.expr, ctx: FileContext) -> bool:
    """Whether ``value`` (or the object it is read from) is a piece cut out of a text that is no secret (see the
    module docstring)."""
    root = _root_name(value)
    function = ctx.scope.function
    if root is None or not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    return with_tokenizer(ctx) or _cut_name(root.id, function, ctx, 0)


_TOKENIZER_PARAMS = frozenset({"tokenizer", "tokeniser", "vocab", "vocabulary", "lexer"})


def with_tokenizer(ctx: FileContext) -> bool:
    """The function being walked takes a tokenizer or a vocabulary as a parameter (see the module docstring)."""
    function = ctx.scope.function
    if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    arguments = function.args
    return any(
        set(split_identifier(arg.arg)) & _TOKENIZER_PARAMS
        for arg in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs)
    )


def _cut_name(name: str, function: _Function, ctx: FileContext, hops: int) -> bool:
    """Every binding of ``name`` in the function (loops over it, assignments) gives a piece of a plain text."""
    bindings = bindings_of(ctx, function)
    if name in bindings.params or name in bindings.augmented or name in bindings.definitions:
        return False
    loops = bindings.loop_targets.get(name, [])
    values = bindings.assigned.get(name, [])
    if not loops and not values:
        return False
    return all(_cuts_text(_unwrapped(loop.iter), function, ctx, hops) for loop in loops) and all(
        value is not None and _cuts_text(_element_source(value), function, ctx, hops) for value in values
    )


def _unwrapped(expr: ast.expr) -> ast.expr:
    """``enumerate(tokens)``, ``list(tokens)``: the iterable itself."""
    while isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name) and expr.func.id in _WRAPPERS \
            and expr.args:
        expr = expr.args[0]
    return expr


def _element_source(expr: ast.expr) -> ast.expr:
    """``parts[1]``, ``match.group(1)``, ``line.split()[-1].strip()``: the value the piece is taken from."""
    while True:
        if isinstance(expr, ast.Subscript):
            expr = expr.value
        elif isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and (
            expr.func.attr in _MATCH_READERS or expr.func.attr in ("strip", "lstrip", "rstrip", "lower", "upper")
        ):
            expr = expr.func.value
        else:
            return expr


def _cuts_text(expr: ast.expr, function: _Function, ctx: FileContext, hops: int) -> bool:
    """``expr`` gives pieces of a text that is no secret (or is a local holding such pieces)."""
    if isinstance(expr, ast.Name):
        return hops < _HOPS and _cut_name(expr.id, function, ctx, hops + 1)
    if not isinstance(expr, ast.Call):
        return False
    func = expr.func
    method = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    qualified = ctx.imports.resolve(func) or ""
    module = qualified.rpartition(".")[0]
    if module in _REGEX_MODULES and method in _MATCHERS:
        return len(expr.args) > 1 and _plain_text(expr.args[1], function, ctx)
    if qualified == "shlex.split":
        return bool(expr.args) and _plain_text(expr.args[0], function, ctx)
    if isinstance(func, ast.Attribute):
        if method in _MATCHERS and (origin(func.value, ctx) or "").startswith(("re.compile()", "regex.compile()")):
            return bool(expr.args) and _plain_text(expr.args[0], function, ctx)
        if method in _SPLITTERS and not qualified.startswith(("os.", "posixpath.", "ntpath.")):
            return _plain_text(func.value, function, ctx)
    if _tokenizer_name(method, expr, ctx):
        text = expr.args[0] if expr.args else None
        return text is None or _plain_text(text, function, ctx)
    return False


def _tokenizer_name(name: str, call: ast.Call, ctx: FileContext) -> bool:
    """``tokenize``, ``lex_template``: a function that cuts text into tokens, by its own name; or
    ``_find_embed_tokens(text: str)``, ``parse_tokens(template)``: a function of this file that finds, parses or
    scans tokens in the text it is given (its first parameter a ``str`` or named as a text), not one that extracts
    tokens from a response."""
    words = set(split_identifier(name))
    if words & _TOKENIZER_WORDS:
        return True
    if not (words & _TOKEN_WORDS and words & _SCANNER_WORDS):
        return False
    found = called_function(call, ctx, ctx.scope)
    if found is None:
        return False
    params = [*found.node.args.posonlyargs, *found.node.args.args]
    if params and params[0].arg in ("self", "cls"):
        params = params[1:]
    if not params:
        return False
    first = params[0]
    annotation = first.annotation
    return (isinstance(annotation, ast.Name) and annotation.id == "str") or first.arg in _TEXT_NAMES


def _plain_text(expr: ast.expr, function: _Function, ctx: FileContext, hops: int = 0) -> bool:
    """The text cut is not a secret itself: not named like one, not a request's headers or cookies."""
    current: ast.expr = expr
    while True:
        if isinstance(current, ast.Call) and isinstance(current.func, ast.Attribute):
            if current.func.attr in ("get", "getlist", "pop") and current.args \
                    and isinstance(current.args[0], ast.Constant) and isinstance(current.args[0].value, str) \
                    and _secret_text_name(current.args[0].value):
                return False
            current = current.func.value
        elif isinstance(current, ast.Subscript):
            named = name_of(current)
            if named is not None and _secret_text_name(named):
                return False
            current = current.value
        elif isinstance(current, ast.Attribute):
            if current.attr in _REQUEST_PARTS or _secret_text_name(current.attr):
                return False
            current = current.value
        else:
            break
    if not isinstance(current, ast.Name):
        return True  # a literal, a call's result: nothing says it is a secret
    if _secret_text_name(current.id) or current.id in _REQUEST_PARTS:
        return False
    if hops:
        return True
    held = bindings_of(ctx, function).single_value(current.id)
    return held is None or _plain_text(held, function, ctx, hops + 1)


def _secret_text_name(name: str) -> bool:
    """``api_keys``, ``auth_header``, ``Authorization``, ``tokens``: a text of secrets or a credential header."""
    words = split_identifier(name)
    if not words:
        return False
    if words[-1] in ("keys", "tokens", "secrets", "passwords", "credentials"):
        words = [*words[:-1], words[-1][:-1]]
    return is_secret_name("_".join(words)) or "authorization" in words or ("auth" in words and "header" in words) \
        or "cookie" in words or "cookies" in words
