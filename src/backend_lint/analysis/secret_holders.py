"""What a value named like a secret holds where a logging call writes it: the secret, or something else (BE405).

A name is only a hint. :func:`credential_value` reads where the value comes from and leaves alone the values that
are no credential whatever they are called: a bare ``token`` whose origin or use shows no credential
(:mod:`.credential_tokens`), an ACME challenge token or a one-time set-up code, a redis-py lock's ownership token,
a lexer's token or a piece cut out of a text that is no secret (:mod:`.lexer_tokens`, :mod:`.parsed_text`), a
segment of the URL path (:mod:`.url_values`), a uuid or a piece of one (a marker the code made), the claims a JWT
decoder returns, a session id other than the request's own (also one the client sends that the code looks up as a
conversation: :func:`_conversation_handle`), the name of a key file the code opens, a message or
setting-name constant, a number, an object whose attributes the function reads (an ORM row, whose ``repr`` is not
the secret) or that it checks is an instance of a class other than a text, a row a lookup returned, and an
abbreviated form (``token[:5] + "..." + token[-5:]``).
"""

from __future__ import annotations

import ast
from typing import Optional

from backend_lint.analysis.ast_helpers import concatenated_parts, own_nodes
from backend_lint.analysis.bindings import bindings_of
from backend_lint.analysis.credential_tokens import bare_token, credential_token
from backend_lint.analysis.imports import dotted_name
from backend_lint.analysis.lazy_regex import lazy_compile
from backend_lint.analysis.lexer_tokens import lexer_token
from backend_lint.analysis.mentions import attributes_read, path_arguments
from backend_lint.analysis.parsed_text import parsed_piece
from backend_lint.analysis.request_reads import read_from_query, read_from_request
from backend_lint.analysis.resolve import lookup
from backend_lint.analysis.scopes import Scope
from backend_lint.analysis.secret_names import name_of, secret_word, split_identifier, unqualified_words
from backend_lint.analysis.tree_walk import walk
from backend_lint.analysis.url_values import from_url_path
from backend_lint.analysis.values import origin
from backend_lint.context import FileContext

_TRANSPARENT_CALLS = frozenset({"str", "repr"})

_SETTING_NAME = lazy_compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+")
"""A string constant that names a setting or an environment variable (``OPT_API_KEY = "LEUVEN_DUTCH_API_KEY"``):
logging it tells the operator which variable to set, not its value."""
_SESSION_METHODS = frozenset({"delete", "add", "merge", "refresh", "expunge"})
_ROW_LOOKUPS = frozenset({"find", "find_one", "get", "first", "one", "one_or_none", "get_or_none", "get_by_id",
                          "filter_by", "get_object_or_404"})
_IDENTIFIER_FACTORIES = ("uuid.uuid1()", "uuid.uuid4()", "uuid.uuid7()", "uuid.UUID()")
_IDENTIFIER_SPELLINGS = frozenset({"hex", "upper", "lower", "replace", "strip", "urn", "int"})
"""Attributes and methods that spell a uuid another way (``uuid4().hex``, ``str(u).replace("-", "")``)."""
_IDENTIFIER_STEPS = 3
_DECODED_CLAIMS = lazy_compile(
    r"(?:^|\.)(?:jwt|jws|jose)\.(?:decode|decode_complete|get_unverified_claims|get_unverified_header)\(\)"
    r"|^flask_jwt_extended\.decode_token\(\)|^jwt\.PyJWT\(\)\.decode\(\)"
)
"""Origins of a decoded JWT's claims (``jwt.decode(...)``, ``jose.jwt.get_unverified_claims(...)``, a project
function returning one): a dict of ``sub``, ``exp``, ``jti``..., not the signed token string."""
_SETUP_WORDS = frozenset({"install", "setup", "bootstrap", "onboarding"})
_CONVERSATION_WORDS = ("conversation", "chat", "dialog")
"""Words of a callee (``API4ConversationService.get_by_id``, ``ChatSession.get``) that name a conversation."""
"""A token named for installing or setting up (``first_install_token``) is a one-time code printed for the operator
to type in: published by design."""


def unwrap(expr: ast.expr) -> ast.expr:
    """``str(x)``/``repr(x)`` and a one-value f-string log ``x`` itself."""
    while True:
        if (
            isinstance(expr, ast.Call)
            and isinstance(expr.func, ast.Name)
            and expr.func.id in _TRANSPARENT_CALLS
            and len(expr.args) == 1
            and not expr.keywords
        ):
            expr = expr.args[0]
        elif isinstance(expr, ast.FormattedValue):
            expr = expr.value
        else:
            return expr


def credential_value(value: ast.expr, name: str, ctx: FileContext) -> bool:
    """Whether a value named like a secret holds one, judged by where it comes from: not an id made by
    ``uuid4()`` (a limiter slot, a correlation handle), not a session id other than the request's own (a chat
    or telemetry session is a conversation handle; a web session cookie is a credential), not a path the same
    function opens (``KEY_FILE``), not a message constant (``TOKEN_EXPIRED = "token has expired"``), not an
    ACME challenge token."""
    raw = unwrap(value)
    if bare_token(name) and not credential_token(raw, ctx):
        return False  # just *token*: a credential only where its origin or use shows one
    if secret_word(name.rstrip("="), {"token"}) == "token" and (
        _acme_module(ctx) or _SETUP_WORDS & set(split_identifier(name))
    ):
        return False
    if _lock_token(raw):
        return False  # ``lock.local.token``: a redis-py lock's ownership token, a handle that authenticates nothing
    if lexer_token(raw, ctx):
        return False  # a lark ``Token``, a ``tokenize`` token: a piece of the parsed text, not a credential
    if parsed_piece(raw, ctx):
        return False  # cut out of a text that is no secret by a split, a regex or a tokenizer: a word of it
    if from_url_path(raw, ctx):
        return False  # a segment of the URL path (a slug, a row's key): in every access log already
    made = origin(raw, ctx) or ""
    if made.startswith(_IDENTIFIER_FACTORIES) or _made_from_identifier(raw, ctx, ctx.scope, 0):
        return False  # a uuid, or a piece or spelling of one (``str(uuid.uuid4())[:8]``): a marker, not a key
    if _DECODED_CLAIMS.search(made):
        return False  # the claims a JWT decoder returns: the payload without its signature grants nothing
    if _names_session_id(name.rstrip("=")) and (not read_from_request(raw, ctx) or read_from_query(raw, ctx)):
        return False  # a conversation's session; one the client names in the URL's query (a browser tab's id)
    if _names_session_id(name.rstrip("=")) and _conversation_handle(raw, ctx):
        return False  # the client's chat session, looked up as a conversation row: a handle, not a credential
    function = ctx.scope.function
    if ast.dump(raw) in path_arguments(ctx, function or ctx.scope.class_ or ctx.tree):
        return False  # the name of a key file the same code opens or checks
    if function is not None and isinstance(raw, ast.Attribute) and isinstance(raw.value, ast.Name) and \
            _object_value(f"{raw.value.id}.{raw.attr}", function, ctx):
        return False  # ``self.token`` whose ``.name`` the function reads: a token record
    if isinstance(raw, ast.Name):
        constant = bindings_of(ctx, ctx.tree).single_value(raw.id)
        if isinstance(constant, ast.Constant) and isinstance(constant.value, str) and (
            " " in constant.value.strip() or _SETTING_NAME.fullmatch(constant.value)
        ):
            return False  # a message (``TOKEN_EXPIRED = "token has expired"``) or the name of a setting
        if isinstance(constant, ast.Constant) and isinstance(constant.value, (int, float)):
            return False  # ``COOKIE_SECRET_BYTES = 32``: a size, not the secret
        if function is not None and (_object_value(raw.id, function, ctx) or _stored_row(raw.id, function)
                                     or _narrowed_to_class(raw.id, function, ctx)):
            return False
        bound = lookup(raw.id, ctx, ctx.scope)
        held = bound[1].single_value(raw.id) if bound is not None else None
        if held is not None and (_masked(held) or _row_lookup(held) or _lock_token(held)):
            return False
    return True


def _made_from_identifier(expr: ast.expr, ctx: FileContext, scope: Scope, steps: int) -> bool:
    """``expr`` is a uuid made by ``uuid4()`` spelled or cut another way: ``str(uuid.uuid4())[:8]``,
    ``uuid4().hex``, ``f"{token} {title}"`` around one, or a local bound only to such values, also as the loop
variable over a list of them (up to
    :data:`_IDENTIFIER_STEPS` steps: ``token``, then ``title_with_token``). A random marker or handle the code
    made itself; it authenticates nothing, whatever its name."""
    if steps > _IDENTIFIER_STEPS:
        return False
    raw = unwrap(expr)
    if isinstance(raw, ast.Subscript) and isinstance(raw.slice, ast.Slice):
        return _made_from_identifier(raw.value, ctx, scope, steps)
    if isinstance(raw, ast.Call) and isinstance(raw.func, ast.Attribute) and raw.func.attr in _IDENTIFIER_SPELLINGS:
        return _made_from_identifier(raw.func.value, ctx, scope, steps)
    if isinstance(raw, ast.Attribute) and raw.attr in _IDENTIFIER_SPELLINGS:
        return _made_from_identifier(raw.value, ctx, scope, steps)
    if isinstance(raw, ast.JoinedStr):
        return any(
            isinstance(part, ast.FormattedValue) and _made_from_identifier(part.value, ctx, scope, steps)
            for part in raw.values
        )
    if isinstance(raw, ast.Name):
        bound = lookup(raw.id, ctx, scope)
        if bound is None:
            return False
        where, bindings = bound
        if raw.id in bindings.params or raw.id in bindings.definitions or raw.id in bindings.augmented:
            return False
        values: list[ast.expr] = []
        for held in bindings.assigned.get(raw.id, []):
            if held is None:
                return False
            values.append(held)
        for loop in bindings.loop_targets.get(raw.id, []):
            # ``for token in tokens`` over ``tokens = [str(uuid4())[:8] for _ in range(n)]``
            if not (isinstance(loop.target, ast.Name) and isinstance(loop.iter, ast.Name)):
                return False
            items = bindings.single_value(loop.iter.id)
            if not isinstance(items, (ast.ListComp, ast.GeneratorExp)):
                return False
            values.append(items.elt)
        return bool(values) and all(
            value is not raw and _made_from_identifier(value, ctx, where, steps + 1) for value in values
        )
    return (origin(raw, ctx, scope) or "").startswith(_IDENTIFIER_FACTORIES)


def _lock_token(expr: ast.expr) -> bool:
    """``lock.local.token`` (``redis_lock.local.token``): redis-py's ``Lock`` keeps the random value that marks
    its owner in ``self.local.token``; it only lets the holder release or extend the lock."""
    return (
        isinstance(expr, ast.Attribute) and expr.attr == "token"
        and isinstance(expr.value, ast.Attribute) and expr.value.attr == "local"
        and isinstance(expr.value.value, (ast.Name, ast.Attribute))
        and "lock" in split_identifier(name_of(expr.value.value) or "")
    )


def _stored_row(name: str, function: ast.AST) -> bool:
    """The function hands ``name`` to a database session (``db.session.delete(token)``, ``session.add(token)``):
    it holds an ORM row, whose ``repr`` is not the secret (see :func:`_object_value`)."""
    for node in own_nodes(function):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _SESSION_METHODS \
                and len(node.args) == 1 and isinstance(node.args[0], ast.Name) and node.args[0].id == name:
            receiver = dotted_name(node.func.value) or ""
            if receiver.rpartition(".")[2] in ("db", "session", "dbsession", "db_session"):
                return True
    return False


def _row_lookup(value: Optional[ast.expr]) -> bool:
    """``orm.APIToken.find(db, token)``, ``Token.objects.get(key=...)``: a lookup on a model class returns a
    row (an object), not the secret string."""
    if not (isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute)
            and value.func.attr in _ROW_LOOKUPS):
        return False
    written = dotted_name(value.func.value) or ""
    return any(part[:1].isupper() and not part.isupper() for part in written.split("."))


def _object_value(name: str, function: ast.AST, ctx: FileContext) -> bool:
    """The function reads attributes of ``name`` that no string has (``token.expires_at``, ``orm_token.user``):
    it holds an object (an ORM row, a token model), or a sequence of them when the attributes are read of an
    element (``secrets[0].encrypted_keys``), and logging it writes its ``repr``, which such classes
    keep to a prefix or an audit id; the rule cannot see the class, so it does not guess."""
    read = attributes_read(ctx, function)
    return bool((read.get(name, frozenset()) | read.get(f"{name}[]", frozenset())) - _STRING_METHODS)


_STRING_CLASSES = frozenset({"str", "bytes", "bytearray", "builtins.str", "builtins.bytes", "builtins.bytearray"})


def _narrowed_to_class(name: str, function: ast.AST, ctx: FileContext) -> bool:
    """The function leaves unless ``name`` is an instance of a class that is not a text (``if not
    isinstance(token, JWTToken): return False``): it holds an object, as :func:`_object_value` reads from the
    attributes used, and logging it writes the class's ``repr``. nav's DRF permission logs ``request.auth``
    after checking it is drf-oidc-auth's ``JWTToken``, a dict of the decoded claims (seed 135)."""
    for node in own_nodes(function):
        if not (isinstance(node, ast.If) and node.body and isinstance(node.body[-1], (ast.Return, ast.Raise))):
            continue
        for test in walk(node.test):
            if not (isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not)
                    and isinstance(test.operand, ast.Call) and isinstance(test.operand.func, ast.Name)
                    and test.operand.func.id == "isinstance" and len(test.operand.args) == 2):
                continue
            checked, classes = test.operand.args
            kinds = classes.elts if isinstance(classes, ast.Tuple) else [classes]
            written = [ctx.imports.resolve(kind) or dotted_name(kind) for kind in kinds]
            if isinstance(checked, ast.Name) and checked.id == name and written \
                    and all(kind is not None and kind not in _STRING_CLASSES for kind in written):
                return True
    return False


def _masked(value: Optional[ast.expr]) -> bool:
    """``token[:5] + "..." + token[-5:]`` (or the same as an f-string): slices of the secret and literal text
    only, an abbreviated form."""
    if not (isinstance(value, ast.JoinedStr) or (isinstance(value, ast.BinOp) and isinstance(value.op, ast.Add))):
        return False
    leaves = concatenated_parts(value)
    sliced = [leaf for leaf in leaves if isinstance(leaf, ast.Subscript) and isinstance(leaf.slice, ast.Slice)]
    return bool(sliced) and all(isinstance(leaf, ast.Constant) or leaf in sliced for leaf in leaves)


_STRING_METHODS = frozenset(name for name in dir(str) if not name.startswith("_")) | frozenset(dir(bytes))


def _acme_module(ctx: FileContext) -> bool:
    """A module of an ACME client (``plugins/lemur_acme/dyn.py``), where a ``token`` is a challenge token that the
    protocol publishes (in the challenge URL, and in DNS for DNS-01), not a credential."""
    return any("acme" in split_identifier(part) for part in ctx.role_path.split("/"))


def _names_session_id(name: str) -> bool:
    words = unqualified_words(name)  # session_id_str: the id as text
    return words[-2:] == ["session", "id"] or (bool(words) and words[-1] == "sessionid")


def _conversation_handle(raw: ast.expr, ctx: FileContext) -> bool:
    """The same value (the same expression, ``req.get("session_id")``, or the same local) is handed, in the
    function that logs it or a function nested in it, to a call whose callee names a conversation
    (``API4ConversationService.get_by_id(req.get("session_id"))``, RAGFlow's chat bots): the code itself shows the
    id names a conversation, a row the application keeps, not the web session that authenticates a browser."""
    function = ctx.scope.function
    if function is None:
        return False
    text = ast.dump(raw)
    for node in walk(function):
        if isinstance(node, ast.Call) and any(
            ast.dump(argument) == text for argument in (*node.args, *(kw.value for kw in node.keywords))
        ):
            callee = (dotted_name(node.func) or "").lower()
            if any(word in callee for word in _CONVERSATION_WORDS):
                return True
    return False
