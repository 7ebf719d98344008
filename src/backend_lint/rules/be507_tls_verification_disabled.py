"""BE507 tls-verification-disabled: TLS certificate checks switched off, so any network hop can read and forge.

Without certificate verification, HTTPS still encrypts but to whoever answers: a proxy, a compromised Wi-Fi
or a poisoned DNS entry sees tokens and passwords and can change responses. Flagged, with literal values:
``verify=False`` on requests/httpx calls, sessions and clients and boto3 clients (``session.verify = False``
too); aiohttp ``ssl=False``/``verify_ssl=False``; urllib3 ``cert_reqs="CERT_NONE"``;
``ssl._create_unverified_context`` (called or installed as the default); ``ssl.CERT_NONE`` assigned or passed;
``check_hostname = False`` on a context; a verification switch as a dict of client options
(``{"verify_certs": False}``) in a module that uses Elasticsearch, OpenSearch or aiohttp. A flag read from
configuration (``verify=settings.VERIFY_TLS``) and comparisons with ``ssl.CERT_NONE`` are left alone, as is a
``CERT_NONE``/``check_hostname = False`` on a context the same function connects to a peer by a bare IP address
(``wrap_socket(sock, server_hostname=ip)``: a peer-to-peer link with self-signed certificates and no name to verify;
:func:`~backend_lint.analysis.unverified_use.reached_by_ip`), and a baseline that the same function turns back on
for the same context under a condition (an sslmode mapping: ``verify-ca``/``verify-full`` verify, ``require`` does
not), and so are test modules and a developer's script run by hand (a program under ``script-paths``, or there the
main guard of a module and the functions only it reaches, unless another module imports them) that names no fixed
public ``https://`` host: every server it talks to is one its operator names on the command line, often a
development instance with a self-signed certificate (:mod:`backend_lint.analysis.hand_run_scripts`). Nothing is
reported in a project whose README opens by calling it a vulnerability or security scanner (through the project
model): it connects to hosts it does not own to test them, broken TLS included (artemis).
"""

from __future__ import annotations

import ast
from typing import Any

from backend_lint.analysis.bindings import bindings_of
from backend_lint.analysis.hand_run_scripts import SCRIPT_PATHS, hand_run_script, names_fixed_https_host, run_by_hand
from backend_lint.analysis.loopback import is_loopback_literal, loopback_url
from backend_lint.analysis.mentions import call_conditions, mentioned_names, names_trusted_ca
from backend_lint.analysis.project.app_conditions import security_scanner
from backend_lint.analysis.project.conditions import ProjectFact, loopback_constant, test_support, unreferenced
from backend_lint.analysis.project.imported import imported_value
from backend_lint.analysis.resolve import lookup
from backend_lint.analysis.scopes import CLASS, FUNCTION
from backend_lint.analysis.secret_names import name_of, split_identifier
from backend_lint.analysis.unverified_use import (
    discarded_request,
    falls_back_to_http,
    marked_fallback,
    plain_http_request,
    probe_context,
    reached_by_ip,
    requested_by_ip,
)
from backend_lint.analysis.values import origin
from backend_lint.context import FileContext
from backend_lint.finding import Finding
from backend_lint.rule import Option, Rule, visits

_VERIFY_LIBRARIES = ("requests.", "httpx.", "boto3.", "botocore.")
_AIOHTTP = "aiohttp."
_HTTP_METHODS = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "request", "send", "stream"})
_OPT_IN_WORDS = frozenset(
    {"insecure", "unverified", "skip", "noverify", "verify", "verification", "unsafe", "disable", "disabled",
     "cert", "certs", "certificate", "certificates", "selfsigned", "reqs", "hostname", "validation", "validate"}
)
"""Words of a verification setting (``EmailSettings.accept_self_signed_certificate``: ``certificate`` as well as
``cert``)."""
_NAMED_INSECURE = frozenset({"insecure", "unverified", "noverify", "unsafe"})
"""Words of a class, function or variable name that make it the opt-in itself (``_insecure_transport``,
``NoVerificationEmailBackend`` through ``no`` + ``verif...``)."""
_SERVER_SIDE = frozenset({"ssl.PROTOCOL_TLS_SERVER", "ssl.Purpose.CLIENT_AUTH"})
_VERIFY_SWITCHES = frozenset({"verify_ssl", "verify_certs", "ssl_verify", "verify_tls", "tls_verify"})
"""Keywords that can only mean certificate verification, on any call (aiohttp, Elasticsearch, OpenSearch)."""
_INSECURE_SWITCHES = frozenset(
    {"tlsAllowInvalidCertificates", "tlsAllowInvalidHostnames", "tlsInsecure", "insecure_skip_verify"}
)
"""Keywords that turn verification off when ``True`` (pymongo and friends)."""
_KEYWORDS = frozenset(
    {"verify", "ssl", "cert_reqs", "ssl_cert_reqs", *_VERIFY_SWITCHES, *_INSECURE_SWITCHES}
)
_UNVERIFIED = frozenset({"ssl._create_unverified_context"})
_HOST_KEYS = frozenset({"hosts", "host"})
_KWARGS_CLIENTS = ("elasticsearch", "opensearchpy", "aiohttp")
"""Libraries whose clients take a verification switch as a keyword, often from a dict of client options
(``Elasticsearch(**self.client_kwargs)``)."""


def _is_false(expr: ast.AST | None) -> bool:
    return isinstance(expr, ast.Constant) and expr.value is False


def _opted_in(node: ast.AST, ctx: FileContext) -> bool:
    """The code implements a choice to skip verification rather than forcing it: under an ``if`` on a
    verification setting (``if settings.TLS_INSECURE_SKIP_VERIFY:``, ``if not remote.tls_validation:``, ``if
    cert_reqs == ssl.CERT_REQUIRED: ... else: ...``), inside a class, function or variable named for the
    insecure choice (``NoVerificationEmailBackend``, ``_insecure_transport = ...``), in a function that reads the
    peer certificate it accepted (``getpeercert()``: inspecting a certificate, not trusting one), or in a private
    helper that every caller in the file reaches only under such an ``if``."""
    owner = ctx.scope.function or ctx.tree
    child, current = node, ctx.parent_of(node)
    while current is not None:
        if isinstance(current, ast.If) and child is not current.test and _tests_opt_in(current.test, owner, ctx):
            return True
        if isinstance(current, (ast.Assign, ast.AnnAssign)) and any(
            _named_insecure(name_of(target) or "") for target in _targets(current)
        ):
            return True
        child, current = current, ctx.parent_of(current)
    for scope in ctx.scope:
        if scope.kind in (FUNCTION, CLASS) and _named_insecure(getattr(scope.node, "name", "")):
            return True
    function = ctx.scope.function
    if function is None or isinstance(function, ast.Lambda):
        return False
    if "getpeercert" in mentioned_names(ctx, function):
        return True
    sites = call_conditions(ctx).get(function.name) if function in ctx.tree.body else None
    if not sites:
        return False
    return all(any(_tests_opt_in(test, site.owner, ctx) for test in site.tests) for site in sites)


def _targets(statement: ast.Assign | ast.AnnAssign) -> list[ast.expr]:
    return list(statement.targets) if isinstance(statement, ast.Assign) else [statement.target]


def _named_insecure(name: str) -> bool:
    """``_insecure_http_transport``, ``UnverifiedContext``, ``NoVerificationEmailBackend``."""
    words = split_identifier(name)
    if _NAMED_INSECURE & set(words):
        return True
    return any(first == "no" and second.startswith("verif") for first, second in zip(words, words[1:]))


def _tests_opt_in(test: ast.expr, owner: ast.AST, ctx: FileContext | None = None) -> bool:
    """Whether a condition names an insecure switch: ``X``, ``not X``, ``a and X``, ``X == ...``, ``f().X``; with
    ``ctx``, a local flag made from one (``can_pin = ... not webhook.ssl_verification``) counts too."""
    if isinstance(test, ast.UnaryOp):
        return _tests_opt_in(test.operand, owner, ctx)
    if isinstance(test, ast.BoolOp):
        return any(_tests_opt_in(value, owner, ctx) for value in test.values)
    if isinstance(test, ast.Compare):
        return _tests_opt_in(test.left, owner, ctx) or any(
            _tests_opt_in(right, owner, ctx) for right in test.comparators if not isinstance(right, ast.Constant)
        )
    if isinstance(test, ast.Call):
        return any(_tests_opt_in(part, owner, ctx) for part in [test.func, *test.args])
    if isinstance(test, ast.NamedExpr):
        return _tests_opt_in(test.target, owner, ctx) or _tests_opt_in(test.value, owner, ctx)
    if isinstance(test, ast.Subscript):
        return _tests_opt_in(test.value, owner, ctx)
    if isinstance(test, ast.Constant) and isinstance(test.value, str):
        return bool(set(split_identifier(test.value)) & _OPT_IN_WORDS)
    if isinstance(test, ast.Attribute):
        return bool(set(split_identifier(test.attr)) & _OPT_IN_WORDS) or _tests_opt_in(test.value, owner, ctx)
    if not isinstance(test, ast.Name):
        return False
    if set(split_identifier(test.id)) & _OPT_IN_WORDS:
        return True
    if ctx is None or not isinstance(owner, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    value = bindings_of(ctx, owner).single_value(test.id)
    return value is not None and _tests_opt_in(value, owner)


def _is_setting(node: ast.AST, ctx: FileContext) -> bool:
    """``ssl.CERT_NONE`` as an assigned value, an argument or a dict value (not a key, comparison or return)."""
    parent = ctx.parent
    if isinstance(parent, ast.Assign):
        return not any(_own_attribute(target, ctx) for target in parent.targets)
    if isinstance(parent, ast.Dict):
        return any(value is node for value in parent.values)
    return isinstance(parent, (ast.AnnAssign, ast.keyword))


def _own_attribute(target: ast.expr, ctx: FileContext) -> bool:
    """``self.check_hostname = ...`` in a method: the class is itself a context (a shim), setting defaults."""
    function = ctx.scope.function
    if not isinstance(target, ast.Attribute) or not isinstance(target.value, ast.Name) or function is None:
        return False
    params = function.args.posonlyargs + function.args.args
    return ctx.scope.method_class is not None and bool(params) and params[0].arg == target.value.id


def _server_context(expr: ast.expr, ctx: FileContext) -> bool:
    """A context made for the server side (``SSLContext(PROTOCOL_TLS_SERVER)``), where hostnames are not checked."""
    value: ast.expr | None = expr
    if isinstance(expr, ast.Name):
        function = ctx.scope.function
        scope = function if function is not None and not isinstance(function, ast.Lambda) else ctx.tree
        value = bindings_of(ctx, scope).single_value(expr.id)
    if not isinstance(value, ast.Call):
        return False
    return any(ctx.imports.resolve(arg) in _SERVER_SIDE for arg in [*value.args, *(k.value for k in value.keywords)])


def _pinned_ca(ctx: FileContext) -> bool:
    """The function names the CA to trust (``load_verify_locations``, ``create_default_context(cafile=...)``) and
    never sets ``CERT_NONE``: the chain is still verified, against a pinned CA, and only the name check is relaxed
    (nodes reached by IP address)."""
    function = ctx.scope.function
    if function is None or isinstance(function, ast.Lambda):
        return False
    return "CERT_NONE" not in mentioned_names(ctx, function) and names_trusted_ca(ctx, function)


_TURNED_ON = {"verify_mode": frozenset({"ssl.CERT_REQUIRED", "ssl.CERT_OPTIONAL"}), "check_hostname": True}


def _baseline_turned_back_on(statement: ast.AST | None, ctx: FileContext) -> bool:
    """``context.verify_mode = ssl.CERT_NONE`` (or ``context.check_hostname = False``) as the baseline of a
    function that later, under an ``if`` on the configured mode, sets the same attribute of the same context back
    on (``if ssl_mode in (VERIFY_CA, ...): context.verify_mode = ssl.CERT_REQUIRED``): the function implements
    libpq-style sslmode semantics (``require`` encrypts without verifying, ``verify-ca``/``verify-full``
    verify), a mode the operator chooses, not verification forced off. A baseline never turned back on is
    still reported."""
    function = ctx.scope.function
    if not isinstance(statement, ast.Assign) or function is None or isinstance(function, ast.Lambda):
        return False
    targets = [t for t in statement.targets if isinstance(t, ast.Attribute) and t.attr in _TURNED_ON]
    if len(targets) != 1:
        return False
    target = targets[0]
    later_branches = [branch for branch in ast.walk(function)
                      if isinstance(branch, ast.If) and branch.lineno > statement.lineno]
    return any(_turns_on(branch, target, ctx) for branch in [*later_branches, *_other_branches(statement, ctx)])


def _other_branches(statement: ast.AST, ctx: FileContext) -> list[ast.stmt]:
    """The statements of the other arms of every ``if`` the statement sits in, up to its function: ``if sslmode ==
    "verify-full": ... elif sslmode == "verify-ca": ... else: context.verify_mode = ssl.CERT_NONE`` (the arm of
    the operator's non-verifying mode, with the verifying modes in the arms next to it)."""
    arms: list[ast.stmt] = []
    child, current = statement, ctx.parent_of(statement)
    while current is not None and not isinstance(current, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
        if isinstance(current, ast.If) and child is not current.test:
            arms.extend(current.orelse if child in current.body else current.body)
        child, current = current, ctx.parent_of(current)
    return arms


def _turns_on(block: ast.AST, target: ast.Attribute, ctx: FileContext) -> bool:
    """``block`` sets ``target`` (the same attribute of the same context) back to verifying."""
    receiver = ast.dump(target.value)
    for later in ast.walk(block):
        if not isinstance(later, ast.Assign) or not any(
            isinstance(t, ast.Attribute) and t.attr == target.attr and ast.dump(t.value) == receiver
            for t in later.targets
        ):
            continue
        on = _TURNED_ON[target.attr]
        value = later.value
        if on is True and isinstance(value, ast.Constant) and value.value is True:
            return True
        if isinstance(on, frozenset) and ctx.imports.resolve(value) in on:
            return True
    return False


def _probe_or_fallback(statement: ast.AST | None, node: ast.AST, ctx: FileContext) -> bool:
    """``context.verify_mode = ssl.CERT_NONE`` on a context only a probe uses, or in the handler of a certificate
    error that tells the caller (:mod:`backend_lint.analysis.unverified_use`)."""
    if not isinstance(statement, ast.Assign) or len(statement.targets) != 1:
        return False
    return probe_context(statement.targets[0], ctx) or marked_fallback(node, ctx)


def _loopback_hosts(options: ast.Dict, ctx: FileContext) -> bool | str | None:
    """The dict's ``"hosts"``/``"host"`` are loopback addresses (``["https://127.0.0.1:9200"]``): ``True`` when
    the file shows it (a literal, or a name bound once to one), the qualified name of an imported constant for
    the project model to settle, else ``None``. TLS to this machine crosses no network hop to intercept."""
    for key, value in zip(options.keys, options.values):
        if not (isinstance(key, ast.Constant) and key.value in _HOST_KEYS):
            continue
        if is_loopback_literal(value):
            return True
        if not isinstance(value, ast.Name):
            return None
        found = lookup(value.id, ctx, ctx.scope)
        if found is not None:
            bindings = found[1]
            assigned = bindings.single_value(value.id)
            if assigned is not None and value.id not in bindings.params and is_loopback_literal(assigned):
                return True
        return imported_value(value, ctx, ctx.scope)
    return None


def _to_loopback(call: ast.Call, ctx: FileContext) -> bool:
    """The request's URL (its first argument, the second of ``request(method, url)``, or ``url=``) is aimed at a
    loopback host, written in the call or in the one value a local name is bound to (:func:`loopback_url`)."""
    position = 1 if isinstance(call.func, ast.Attribute) and call.func.attr == "request" else 0
    url: ast.expr | None = call.args[position] if len(call.args) > position else None
    url = next((keyword.value for keyword in call.keywords if keyword.arg == "url"), url)
    if isinstance(url, ast.Name):
        found = lookup(url.id, ctx, ctx.scope)
        bindings = found[1] if found is not None else None
        url = None if bindings is None or url.id in bindings.params else bindings.single_value(url.id)
    return url is not None and loopback_url(url)


class TlsVerificationDisabled(Rule):
    code = "BE507"
    name = "tls-verification-disabled"
    message = "`{construct}` disables TLS certificate verification; keep verification on"
    triggers = ("verify", "ssl", "CERT_NONE", "check_hostname", "unverified", "tls", "insecure")
    needs = (origin, bindings_of, mentioned_names, names_trusted_ca, call_conditions, lookup, imported_value,
             hand_run_script, names_fixed_https_host, run_by_hand, unreferenced, discarded_request, probe_context,
             requested_by_ip, plain_http_request, falls_back_to_http, security_scanner)
    module_facts = (test_support,)
    options = (
        Option(
            "script-paths",
            list,
            list(SCRIPT_PATHS),
            "folders of developer scripts: a program there (argparse, its command line) that names no fixed "
            "public https host talks only to the servers its operator names on the command line, and is left alone",
        ),
    )

    def _left_alone(self, ctx: FileContext) -> bool:
        """A test module, or a developer's script run by hand against hosts given on its command line, or the
        main guard of a script run by hand (:mod:`backend_lint.analysis.hand_run_scripts`), naming no fixed
        public host."""
        if ctx.is_test_file:
            return True
        if names_fixed_https_host(ctx):
            return False
        return hand_run_script(ctx, self.option("script-paths")) or \
            run_by_hand(ctx, ctx.scope, self.option("script-paths")) == ()

    def report(
        self, ctx: FileContext, node: ast.AST, *, unless: tuple[ProjectFact, ...] = (), **kwargs: Any
    ) -> Finding:
        """Every finding of a function only the main guard of a script run by hand reaches (that names no fixed
        public host) stands only when another module imports the function."""
        script = None if names_fixed_https_host(ctx) else run_by_hand(ctx, ctx.scope, self.option("script-paths"))
        # a vulnerability scanner reaches hosts it does not own, broken TLS included: skipping verification is its job
        return super().report(ctx, node, unless=(*unless, *(script or ()), security_scanner()), **kwargs)

    @visits(ast.keyword)
    def check_keyword(self, node: ast.keyword, ctx: FileContext) -> None:
        arg = node.arg
        if arg not in _KEYWORDS or self._left_alone(ctx) or not isinstance(ctx.parent, ast.Call):
            return
        value = node.value
        if arg in ("cert_reqs", "ssl_cert_reqs"):
            # urllib3's ``cert_reqs=None`` means its verifying default; redis-py's ``ssl_cert_reqs=None`` is "none"
            text = value.value if isinstance(value, ast.Constant) else False
            disabled = (isinstance(text, str) and text.upper() in ("CERT_NONE", "NONE")) or (
                text is None and arg == "ssl_cert_reqs"
            )
            if disabled and not _opted_in(node, ctx):
                self.report(ctx, node, construct=f'{arg}="{text}"' if isinstance(text, str) else f"{arg}=None")
            return
        if arg in _INSECURE_SWITCHES:
            if isinstance(value, ast.Constant) and value.value is True and not _opted_in(node, ctx):
                self.report(ctx, node, construct=f"{arg}=True")
            return
        if not _is_false(value) or _opted_in(node, ctx):
            return
        if discarded_request(ctx.parent, ctx) or marked_fallback(node, ctx) or _to_loopback(ctx.parent, ctx) \
                or requested_by_ip(ctx.parent, ctx) or plain_http_request(ctx.parent, ctx) \
                or falls_back_to_http(ctx.parent, ctx):
            return  # a probe whose answer is never read; a fallback after a certificate error, reported as such;
            # a request to this machine; a peer reached by its IP address, no name to verify; a request over plain
            # http, or one whose failure the code answers by asking again over plain http
        callee = origin(ctx.parent.func, ctx) or ""
        if arg in _VERIFY_SWITCHES:
            self.report(ctx, node, construct=f"{arg}=False")
        elif arg == "verify" and (callee.startswith(_VERIFY_LIBRARIES) or self._http_call(ctx.parent, callee, ctx)):
            self.report(ctx, node, construct="verify=False")
        elif arg == "ssl" and callee.startswith(_AIOHTTP):
            self.report(ctx, node, construct="ssl=False")

    @staticmethod
    def _http_call(call: ast.Call, callee: str, ctx: FileContext) -> bool:
        """An HTTP verb on a client we cannot trace, in a file that uses requests or httpx."""
        func = call.func
        return (
            not callee
            and isinstance(func, ast.Attribute)
            and func.attr in _HTTP_METHODS
            and ctx.imports.imports_module("requests", "httpx")
        )

    @visits(ast.Dict)
    def check_options(self, node: ast.Dict, ctx: FileContext) -> None:
        """``{"hosts": [...], "verify_certs": False}``: client options spelled as a dict, in a module that uses a
        client taking that keyword. Elsewhere such a dict is as likely a form's or a model's field."""
        if self._left_alone(ctx) or not ctx.imports.imports_module(*_KWARGS_CLIENTS):
            return
        for key, value in zip(node.keys, node.values):
            if (
                isinstance(key, ast.Constant)
                and key.value in _VERIFY_SWITCHES
                and _is_false(value)
                and not _opted_in(key, ctx)
            ):
                loopback = _loopback_hosts(node, ctx)
                if loopback is True:
                    return
                unless = (loopback_constant(loopback),) if isinstance(loopback, str) else ()
                self.report(ctx, key, end_node=value, construct=f"{key.value!r}: False", unless=unless)

    @visits(ast.Attribute, ast.Name)
    def check_reference(self, node: ast.Attribute | ast.Name, ctx: FileContext) -> None:
        written = node.attr if isinstance(node, ast.Attribute) else node.id
        if written not in ("CERT_NONE", "_create_unverified_context"):
            return
        if self._left_alone(ctx):
            return
        resolved = ctx.imports.resolve(node)
        if resolved in _UNVERIFIED and not _opted_in(node, ctx):
            self.report(ctx, node, construct=resolved)
        elif (
            resolved == "ssl.CERT_NONE"
            and _is_setting(node, ctx)
            and not _opted_in(node, ctx)
            and not _baseline_turned_back_on(ctx.parent, ctx)
            and not _probe_or_fallback(ctx.parent, node, ctx)
            and not reached_by_ip(ctx.scope.function)
        ):
            self.report(ctx, node, construct="ssl.CERT_NONE")

    @visits(ast.Assign)
    def check_assign(self, node: ast.Assign, ctx: FileContext) -> None:
        if not _is_false(node.value) or self._left_alone(ctx):
            return
        for target in node.targets:
            if not isinstance(target, ast.Attribute):
                continue
            if _opted_in(node, ctx) or _own_attribute(target, ctx) or _probe_or_fallback(node, node, ctx):
                return
            if target.attr == "check_hostname" and not (
                _server_context(target.value, ctx) or _pinned_ca(ctx) or _baseline_turned_back_on(node, ctx)
                or reached_by_ip(ctx.scope.function)
            ):
                self.report(ctx, node, construct="check_hostname = False")
            elif target.attr == "verify" and (origin(target.value, ctx) or "").startswith(("requests.", "httpx.")):
                self.report(ctx, node, construct="session.verify = False")
