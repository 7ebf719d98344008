"""BE508 insecure-token-randomness: a token, password, key, OTP or CSRF value made with the ``random`` module.

``random`` is a Mersenne Twister: fast, reproducible, and predictable. After 624 observed outputs an attacker
can compute every past and future value, so reset tokens, invite codes and session ids made with it can be
guessed. ``secrets`` draws from the operating system's CSPRNG. The purpose is read from the name the value is
assigned to, passed as, stored under or returned from (its function's name), and for a local named for no purpose
(``code``) from where the function puts it (``session["confirm_code"] = code``, ``Invite(code=code)``: a model's
field named by its class and field together), with the word lists of
:mod:`backend_lint.analysis.secret_names` plus ``otp``, ``csrf`` and qualified ``code``/
``session_id``. A nonce is not a secret (it travels in clear and needs only to be unique: OAuth 1.0a's
``oauth_nonce``, a third party's request-signing nonce), so a name that says only ``nonce`` is left alone; a
CSRF nonce is reported. Nor is a salt (stored beside its hash or sent in clear, it needs only to differ). An
index below a count the code holds, bound whole to a name (``rand_token = random.randint(0, app["n_tokens"] -
1)``: a shard of a counter table), picks one of that many existing rows, not a secret. Retry
jitter, sampling, shuffling, ``random.seed``, a random *length* (``range(...)``,
``k=``), test modules and benchmark harnesses (a ``benchmarks/`` folder: run by developers, deployed nowhere;
a token there is a per-trial nonce that authenticates nothing) are left alone, and so is a draw the function's
name alone calls a secret when its local is read only as a URL's query parameter under a key that names no secret
(``?cachebust={random_qs}`` in a ``csrf_token`` property that fetches the token). A value made only under a switch
that turns sign-in off (``if os.environ.get("NO_LOGIN"):``, Flask-Login's ``LOGIN_DISABLED``) is left alone: in
that mode everyone is handed the same account, which the value cannot protect.

The fix is exact where ``secrets`` has the same function: ``random.choice(seq)`` -> ``secrets.choice(seq)``,
``random.getrandbits(k)`` -> ``secrets.randbits(k)``, ``random.randrange(n)`` -> ``secrets.randbelow(n)``,
``random.randint(a, b)`` with literals -> ``secrets.randbelow(b - a + 1) + a``, and
``"".join(random.choices(alphabet, k=n))`` -> ``"".join(secrets.choice(alphabet) for _ in range(n))``.
Anything else is reported without a fix.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from backend_lint.analysis.ast_helpers import own_nodes, under_if
from backend_lint.analysis.lazy_regex import lazy_compile
from backend_lint.analysis.module_roles import benchmark_code
from backend_lint.analysis.project.conditions import test_support
from backend_lint.analysis.resolve import lookup
from backend_lint.analysis.secret_names import SECRET_WORDS, name_of, secret_word, split_identifier
from backend_lint.analysis.values import origin
from backend_lint.context import FileContext
from backend_lint.finding import Applicability, Finding
from backend_lint.noqa import reviewed_by_peer
from backend_lint.rule import Rule, visits

if TYPE_CHECKING:
    import libcst as cst

    from backend_lint.fixing.context import FixContext

_BARE_CONTEXTS = (ast.Assign, ast.AnnAssign, ast.Return, ast.keyword, ast.FormattedValue, ast.List, ast.Tuple,
                  ast.Dict, ast.Call)
"""Parents where ``a + b`` needs no parentheses (for ``ast.Call``: as an argument, the only way to be inside)."""
_FUNCTIONS = frozenset({"choice", "choices", "randint", "random", "getrandbits", "sample", "randrange", "uniform"})
_PURPOSE_WORDS = SECRET_WORDS | {"otp", "totp", "hotp", "csrf", "pin"}
"""Not ``nonce``: a nonce is sent in clear and needs to be unique, not secret (OAuth 1.0a's ``oauth_nonce``, a
third party's request-signing nonce, a per-trial nonce); only a CSRF nonce is a secret the application checks. Not
``salt`` either: a salt is stored beside its hash or sent in clear and needs only to differ per use (openreplay's
"salt" is the random part of a TURN username the client sees, the credential an HMAC of it; a Cisco Type 7 "salt"
is written into the output); judged on real code no salt made with ``random`` was a secret."""
_CODE_MODIFIERS = frozenset(
    {"verification", "verify", "confirm", "confirmation", "reset", "otp", "auth", "activation", "invite",
     "invitation", "sms", "login", "mfa", "recovery", "access", "security", "one", "magic"}
)
_NOT_SECRET_WORK = frozenset(
    {"boundary", "jitter", "backoff", "delay", "sleep", "retry", "color", "colour", "shuffle", "mock", "fake",
     "dummy", "demo", "noise", "seed", "sample", "sampling", "example", "fixture", "fixtures"}
)
"""Words in a function's name that say its randomness is not a secret (``_make_boundary``, ``fake_token``)."""
_PICKING = (["pick"], ["choose"], ["select"])
"""First words of a function that picks among existing values rather than making one."""
_COLLECTIONS = frozenset({"vocab", "vocabulary", "candidates", "words", "items", "servers", "hosts", "nodes"})
_CONTAINERS = frozenset({"set", "sets", "list", "pool", "options", "entries"})
"""Last words of a name for a collection of things (``credentials_set``): one item drawn from it is one of
them, unless the draw repeats to spell a value out of it (``"".join(choice(char_list) for _ in range(n))``)."""
_REPEATING = (ast.For, ast.AsyncFor, ast.While, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
_SCALARS = frozenset(
    {"length", "len", "size", "count", "n", "num", "delay", "timeout", "sleep", "wait", "index", "idx", "i",
     "jitter", "retries", "attempts", "position", "offset", "ttl", "expiry", "expires", "width", "rounds"}
)


def _purpose(name: str | None) -> str | None:
    """The secret a name says a value is for (``token`` for ``reset_token``), else ``None``."""
    if not name:
        return None
    word = secret_word(name, _PURPOSE_WORDS)
    if word is not None:
        return word
    words = split_identifier(name)
    if "csrf" in words:
        return "csrf"  # ``csrf_nonce``: the value the application compares with the form's
    while words and words[-1] in ("str", "string", "value", "hex"):
        words.pop()
    if len(words) >= 2 and words[-1] == "code" and words[-2] in _CODE_MODIFIERS:
        return f"{words[-2]} code"
    if len(words) >= 2 and words[-2] == "session" and words[-1] in ("id", "key"):
        return "session id"
    return None


def _scalar(name: str | None) -> bool:
    words = split_identifier(name or "")
    return bool(words) and words[-1] in _SCALARS


def _picks_existing(node: ast.Call, function: str, purpose: str, ctx: FileContext) -> bool:
    """``random.choice(tokens)`` / ``random.sample(vocab, 5)``: picking existing items, not making a secret; and
    one draw from a named collection (``random.choice(credentials_set)``: TaskingAI spreads calls over the
    credential sets it was configured with, judged FALSE in seed 122)."""
    if function not in ("choice", "choices", "sample") or not node.args:
        return False
    population = node.args[0]
    if isinstance(population, ast.Call) and population.args and name_of(population.func) in ("list", "tuple", "sorted"):
        population = population.args[0]
    words = split_identifier(name_of(population) or "")
    if not words:
        return False
    if words[-1] in _COLLECTIONS or words[-1] == purpose.rsplit(maxsplit=1)[-1] + "s":
        return True
    return function == "choice" and words[-1] in _CONTAINERS and not _repeats(node, ctx)


def _repeats(node: ast.AST, ctx: FileContext) -> bool:
    """The draw sits in a loop or a comprehension of its function: drawn again and again, it can spell a value."""
    current = ctx.parent_of(node)
    while current is not None and not isinstance(current, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
        if isinstance(current, _REPEATING):
            return True
        current = ctx.parent_of(current)
    return False


def _context(node: ast.Call, ctx: FileContext) -> tuple[str | None, bool]:
    """(name the value is bound to, whether it only sizes something): from the call up to its statement."""
    child: ast.AST = node
    current = ctx.parent_of(node)
    while current is not None:
        if isinstance(current, ast.Call):
            if isinstance(current.func, ast.Name) and current.func.id == "range":
                return None, True
        elif isinstance(current, ast.keyword):
            if current.arg == "k" or current.arg is None:
                return None, current.arg == "k"
            return current.arg, False
        elif isinstance(current, ast.Dict):
            index = next((i for i, value in enumerate(current.values) if value is child), None)
            key = current.keys[index] if index is not None else None
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                return key.value, False
        elif isinstance(current, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = current.targets if isinstance(current, ast.Assign) else [current.target]
            names = [name_of(t) for t in targets]
            return next((n for n in names if _purpose(n)), names[0] if names else None), False
        elif isinstance(current, ast.stmt):
            return None, False
        child, current = current, ctx.parent_of(current)
    return None, False


_QUERY_KEY = lazy_compile(r"[?&]([A-Za-z_][\w.-]*)=$")
"""The end of a URL's text just before a query parameter's value: ``...?cachebust=``, captures the key."""


def _query_parameter_only(name: str, ctx: FileContext) -> bool:
    """Every read of the local ``name`` in its function is the value of a URL's query parameter, written into an
    f-string after ``?key=``/``&key=``, under a key that names no secret (``?cachebust={random_qs}``: a value that
    defeats a cache on the way to fetching the token, sent in clear; course-discovery's CSRF token comes from the
    server's answer). The function's name (``csrf_token``) says what it returns, not what this draw is for. A value
    also read anywhere else, or under a secret's key (``?token=``), is left to the function's purpose."""
    function = ctx.scope.function
    if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    reads: list[ast.Name] = []
    in_query: set[int] = set()
    for node in ast.walk(function):
        if isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Load):
            reads.append(node)
        elif isinstance(node, ast.JoinedStr):
            for before, part in zip(node.values, node.values[1:]):
                if isinstance(part, ast.FormattedValue) and isinstance(part.value, ast.Name) \
                        and isinstance(before, ast.Constant) and isinstance(before.value, str):
                    key = _QUERY_KEY.search(before.value)
                    if key is not None and _purpose(key.group(1)) is None:
                        in_query.add(id(part.value))
    return bool(reads) and all(id(read) in in_query for read in reads)


def _destination_purpose(name: str, ctx: FileContext) -> str | None:
    """The secret a local named for no purpose (``code``) is kept as, read from where its function puts it: a key
    or attribute that names one (``session["confirm_code"] = code``, ``user.reset_token = code``), a keyword that
    does (``send(otp=code)``), or a model's field whose class and field together do (``Invite(code=code)``,
    ``Invite.objects.create(code=code)``: an invite code). Only the local itself counts, not a value made from it
    (a coupon's ``Coupon(code=code)`` names no secret)."""
    function = ctx.scope.function
    if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return None
    for node in own_nodes(function):
        if isinstance(node, ast.Assign) and _is_local(node.value, name):
            for target in node.targets:
                purpose = _purpose(name_of(target)) if isinstance(target, (ast.Subscript, ast.Attribute)) else None
                if purpose is not None:
                    return purpose
        elif isinstance(node, ast.Call):
            owner = _model_name(node.func)
            for keyword in node.keywords:
                if keyword.arg is not None and _is_local(keyword.value, name):
                    purpose = _purpose(keyword.arg) or (_purpose(f"{owner}_{keyword.arg}") if owner else None)
                    if purpose is not None:
                        return purpose
    return None


def _is_local(expr: ast.expr, name: str) -> bool:
    return isinstance(expr, ast.Name) and expr.id == name


def _model_name(func: ast.expr) -> str | None:
    """``Invite`` for ``Invite(...)`` and ``Invite.objects.create(...)``: the class a call makes a record of."""
    while isinstance(func, ast.Attribute):
        func = func.value
    return func.id if isinstance(func, ast.Name) and func.id[:1].isupper() else None


def _fix_kind(node: ast.Call, function: str, ctx: FileContext) -> str | None:
    """Which exact ``secrets`` rewrite applies to this call, if any."""
    simple = not node.keywords and not any(isinstance(arg, ast.Starred) for arg in node.args)
    if function == "choice" and simple and len(node.args) == 1:
        return "choice"
    if function == "getrandbits" and simple and len(node.args) == 1:
        return "randbits"
    if function == "randrange" and simple and len(node.args) == 1:
        return "randbelow"
    if function == "randint" and simple and len(node.args) == 2:
        low, high = (_literal(arg) for arg in node.args)
        if isinstance(low, int) and isinstance(high, int) and high >= low:
            offset = "" if low == 0 else f" + {low}" if low > 0 else f" - {-low}"
            wrap = offset and not isinstance(ctx.parent_of(node), _BARE_CONTEXTS)
            call = f"randbelow({high - low + 1}){offset}"
            return f"({call})" if wrap else call
    if function == "choices" and len(node.args) == 1 and [k.arg for k in node.keywords] == ["k"]:
        parent = ctx.parent_of(node)
        if (
            isinstance(parent, ast.Call)
            and isinstance(parent.func, ast.Attribute)
            and parent.func.attr == "join"
            and parent.args == [node]
            and not parent.keywords
            and _plain(node.args[0])
            and _plain(node.keywords[0].value)
        ):
            return "join"
    return None


def _literal(expr: ast.expr) -> int | None:
    """An integer literal (``-5`` too), else ``None``."""
    if isinstance(expr, ast.UnaryOp) and isinstance(expr.op, ast.USub):
        inner = _literal(expr.operand)
        return -inner if inner is not None else None
    return expr.value if isinstance(expr, ast.Constant) and type(expr.value) is int else None


def _plain(expr: ast.expr) -> bool:
    """Names, attributes, constants and operators only: no calls, and no ``_`` the generator would shadow."""
    for part in ast.walk(expr):
        if isinstance(part, (ast.Call, ast.Await, ast.Yield, ast.YieldFrom, ast.NamedExpr, ast.Lambda)):
            return False
        if isinstance(part, ast.Name) and part.id == "_":
            return False
    return True
_RUFF_CODES = frozenset({"S311"})
_BANDIT_CODES = frozenset({"B311"})
"""ruff's and bandit's code for ``random`` used where security matters."""


_FEW_OUTCOMES = 100
"""A draw with at most this many outcomes cannot be meant to resist guessing: a bucket, not a secret."""


def _few_outcomes(node: ast.Call, function: str, ctx: FileContext) -> bool:
    """``choice(range(10))``, ``randint(1, 5)``, ``randrange(20)`` bound whole to the name (not one digit of a code
    joined with others): the value has so few possible values (at most :data:`_FEW_OUTCOMES`) that anyone guesses it
    in a few tries. No secret is made that way; such a value picks one of a few buckets (ten fake sessions of
    generated demo telemetry)."""
    if not isinstance(ctx.parent_of(node), (ast.Assign, ast.AnnAssign, ast.keyword, ast.Dict, ast.Return)):
        return False
    bounds: list[int | None] = []
    if function == "choice" and len(node.args) == 1 and isinstance(node.args[0], ast.Call) \
            and isinstance(node.args[0].func, ast.Name) and node.args[0].func.id == "range" \
            and not node.args[0].keywords:
        bounds = [_literal(argument) for argument in node.args[0].args]
    elif function == "randrange" and not node.keywords:
        bounds = [_literal(argument) for argument in node.args]
    elif function == "randint" and len(node.args) == 2 and not node.keywords:
        low, high = (_literal(argument) for argument in node.args)
        bounds = [low, high + 1 if high is not None else None]
    if not bounds or len(bounds) > 3 or any(bound is None for bound in bounds):
        return False
    numbers = [bound for bound in bounds if bound is not None]
    start, stop = (0, numbers[0]) if len(numbers) == 1 else (numbers[0], numbers[1])
    step = numbers[2] if len(numbers) == 3 else 1
    return step != 0 and 0 < len(range(start, stop, step)) <= _FEW_OUTCOMES


_COUNT_WORDS = frozenset({"n", "num", "number", "count", "total"})
"""First words of a name for how many things there are (``n_tokens``, ``num_shards``)."""


def _counted(expr: ast.expr) -> bool:
    """``app["n_tokens"]``, ``num_shards``, ``len(servers)``, ``shard_count``: a count of things the code holds."""
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name) and expr.func.id == "len":
        return True
    words = split_identifier(name_of(expr) or "")
    return bool(words) and (words[0] in _COUNT_WORDS or words[-1] in ("count", "total"))


def _index_below_count(node: ast.Call, function: str, ctx: FileContext) -> bool:
    """``rand_token = random.randint(0, app["n_tokens"] - 1)``, ``randrange(num_shards)``: an index below a count
    the code holds, bound whole to a name. It picks one of that many rows or slots that already exist (hail's shard
    of a counter table, written into the row it picks, judged FALSE in seed 128), as a draw from a collection
    does. A secret's range is a number of digits written as one (``randint(100000, 999999)``, ``10 ** digits``),
    never how many things there are."""
    if not isinstance(ctx.parent_of(node), (ast.Assign, ast.AnnAssign)) or node.keywords:
        return False
    if function == "randrange" and len(node.args) == 1:
        return _counted(node.args[0])
    if function != "randint" or len(node.args) != 2 or _literal(node.args[0]) != 0:
        return False
    high = node.args[1]
    return isinstance(high, ast.BinOp) and isinstance(high.op, ast.Sub) and _literal(high.right) == 1 \
        and _counted(high.left)


def _literal_pick(node: ast.Call, function: str, ctx: FileContext) -> bool:
    """``random.choice([b"rA", b"aZ", b"hH"])``: one draw, made once, of a few items written out in the code. It
    picks one of them (Sefaria's API-key maker picks the two base64 ``altchars`` that way, judged FALSE in seed 124:
    the key's randomness comes from elsewhere); no secret is made of it. Drawn again and again, or joined with
    other draws (``choice(["a", "b"]) + choice(...)``), the picks spell a value out, and stay flagged."""
    if function != "choice" or len(node.args) != 1 or node.keywords:
        return False
    items = node.args[0]
    if not isinstance(items, (ast.List, ast.Tuple, ast.Set)) or not 0 < len(items.elts) <= _FEW_OUTCOMES:
        return False
    if not all(isinstance(item, ast.Constant) for item in items.elts):
        return False
    return not isinstance(ctx.parent_of(node), (ast.BinOp, ast.FormattedValue)) and not _repeats(node, ctx)


_AUTH_OFF = frozenset({
    ("no", "login"), ("no", "auth"), ("no", "authentication"), ("login", "disabled"), ("auth", "disabled"),
    ("authentication", "disabled"), ("disable", "login"), ("disable", "auth"), ("disable", "authentication"),
    ("skip", "auth"), ("skip", "login"), ("bypass", "auth"), ("bypass", "login"),
})
"""Pairs of words that name a switch turning sign-in off: OpenCRE's ``NO_LOGIN``, Flask-Login's ``LOGIN_DISABLED``."""
_TRUE_TEXT = frozenset({"1", "true", "yes", "on"})


def _authentication_off(test: ast.expr) -> bool:
    """An ``if`` test that holds when a switch turning sign-in off is on: ``os.environ.get("NO_LOGIN")``,
    ``app.config["LOGIN_DISABLED"]``, ``settings.NO_AUTH == "1"``, one operand of an ``and``. In that mode the
    application hands everyone the same account (OpenCRE's fake "dev user"), so a session key or token made only
    there protects nothing a visitor is not given by just arriving. A negated test (``if not NO_LOGIN:``) is the
    normal mode."""
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And):
        return any(_authentication_off(value) for value in test.values)
    if isinstance(test, ast.Compare):
        if len(test.ops) != 1 or not isinstance(test.ops[0], ast.Eq):
            return False
        other = test.comparators[0]
        if not (isinstance(other, ast.Constant) and str(other.value).lower() in _TRUE_TEXT):
            return False
        test = test.left
    for node in ast.walk(test):
        if isinstance(node, (ast.UnaryOp, ast.Compare)):
            return False
        word = node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else \
            node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else None
        if word and _names_auth_off(split_identifier(word)):
            return True
    return False


def _names_auth_off(words: list[str]) -> bool:
    return any((first, second) in _AUTH_OFF for first, second in zip(words, words[1:]))


def _seeded(func: ast.expr, ctx: FileContext) -> bool:
    """``legacy = random.Random(secret_key)`` then ``legacy.getrandbits(8)``: a generator seeded on purpose
    reproduces the same values every run (an old key rebuilt to decrypt old data), which ``secrets`` cannot."""
    if not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)):
        return False
    found = lookup(func.value.id, ctx, ctx.scope)
    made = found[1].single_value(func.value.id) if found is not None else None
    return isinstance(made, ast.Call) and bool(made.args) and origin(made.func, ctx) == "random.Random"


class InsecureTokenRandomness(Rule):
    code = "BE508"
    name = "insecure-token-randomness"
    message = "`{construct}` makes a secret value ({purpose}); use the `secrets` module"
    fix_title = "Use `secrets` instead of `random`"
    fix_kind = Applicability.SAFE
    fix_node = "Call"
    triggers = ("random",)
    needs = (origin, lookup, benchmark_code)
    module_facts = (test_support,)

    @visits(ast.Call)
    def check_call(self, node: ast.Call, ctx: FileContext) -> None:
        func = node.func
        if not isinstance(func, (ast.Attribute, ast.Name)) or ctx.is_test_file or benchmark_code(ctx):
            return  # a benchmark harness: its per-trial tokens authenticate nothing
        callee = origin(func, ctx)
        if callee is None:
            return
        module, _, function = callee.rpartition(".")
        if module not in ("random", "random.Random()") or function not in _FUNCTIONS:
            return
        bound, sizes = _context(node, ctx)
        enclosing = getattr(ctx.scope.function, "name", "")
        if sizes or set(split_identifier(enclosing)) & _NOT_SECRET_WORK:
            return
        purpose = _purpose(bound)
        if purpose is None and bound is not None and bound.isidentifier() and not _scalar(bound):
            purpose = _destination_purpose(bound, ctx)
        if purpose is None and not _scalar(bound) and split_identifier(enclosing)[:1] not in _PICKING:
            purpose = _purpose(enclosing)
            if purpose is not None and bound is not None and _query_parameter_only(bound, ctx):
                return  # ``?cachebust={random_qs}`` on the way to fetching the token: not the token itself
        if purpose is None:
            return
        if _picks_existing(node, function, purpose, ctx) or _seeded(func, ctx) or _few_outcomes(node, function, ctx):
            return
        if _literal_pick(node, function, ctx) or _index_below_count(node, function, ctx):
            return  # one of a few written-out items, or an index among as many rows as the code counts
        if under_if(node, ctx.parent_of, _authentication_off):
            return  # made only in a mode that signs nobody in (``NO_LOGIN``): it guards what anyone is given anyway
        if reviewed_by_peer(ctx.lines, node.lineno, node.end_lineno or node.lineno, _RUFF_CODES, _BANDIT_CODES):
            return  # a noqa for S311 or a nosec for B311 there: reviewed under ruff or bandit already
        kind = _fix_kind(node, function, ctx) if module == "random" else None
        self.report(
            ctx, node,
            applicability=Applicability.SAFE if kind else Applicability.NONE,
            fix_data=kind,
            construct=f"{module}.{function}",
            purpose=purpose,
        )

    def fix(self, finding: Finding, node: cst.CSTNode, fixer: FixContext) -> cst.CSTNode | None:
        import libcst  # noqa: PLC0415 - fix path only

        if not isinstance(node, libcst.Call) or finding.fix_data is None:
            return None
        kind = finding.fix_data
        secrets = fixer.import_module("secrets")
        if kind in ("choice", "randbits", "randbelow"):
            return node.with_changes(func=libcst.parse_expression(f"{secrets}.{kind}"))
        if fixer.has_comments(node):
            return None
        if kind.startswith(("randbelow(", "(randbelow(")):
            return libcst.parse_expression(kind.replace("randbelow(", f"{secrets}.randbelow(", 1))
        alphabet = fixer.code_for(node.args[0].value)
        count = fixer.code_for(node.args[1].value)
        generator = libcst.parse_expression(f"({secrets}.choice({alphabet}) for _ in range({count}))")
        return generator.with_changes(lpar=[], rpar=[])
