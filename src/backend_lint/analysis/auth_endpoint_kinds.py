"""Which authentication endpoint a handler is, read from its name, class name and route path (BE307): a login,
a sign-up, a password reset, a token endpoint that trades credentials for a token, or a one-time-code check; and
the words of endpoints that take no guessable secret (a provider's callback, a logout, a passkey assertion), which
are none of these. Kept apart from the rule because the word lists are long and change on their own.
"""

from __future__ import annotations

from typing import Optional

from backend_lint.analysis.project.view_facts import path_words

_NOT_GUESSED = frozenset({
    "logout", "signout", "callback", "callbacks", "oauth", "oauth2", "sso", "saml", "oidc", "openid", "provider",
    "providers", "refresh", "revoke", "introspect", "change", "complete", "redirect", "social", "webhook",
    "verification", "test", "socialaccount", "apitoken", "cas", "impersonate", "impersonation", "hijack", "loginas",
    "webauthn", "passkey", "passkeys", "fido", "fido2", "u2f",
})
"""Words of endpoints that take no guessable secret: the provider or a signed-in user calls them, or the
token they take cannot be guessed (a CAS ticket the identity provider issued; staff impersonating a user,
``LoginAsUserView``, behind a permission; a WebAuthn/passkey assertion, the authenticator's signature over a
challenge the server just issued, as in Healthchecks' ``login_webauthn``)."""
_RESET = frozenset({"reset", "forgot", "forgotten", "recover", "recovery", "lost", "send"})
"""With ``password``: a reset, also by another name (``send_password_form`` mails a reset link)."""
_CODE = frozenset({"otp", "totp", "mfa", "2fa", "twofactor"})
_CODE_ACTIONS = frozenset({"verify", "validate", "confirm", "check", "authenticate", "challenge", "login"})
REGISTER_OBJECTS = frozenset({
    "register", "registration", "user", "users", "account", "accounts", "view", "post", "create", "new", "auth",
    "api", "handler", "endpoint", "member", "customer", "resource",
})
"""Words that may stand next to ``register`` when it means signing up (``RegisterUserView.post``)."""
_TOKEN_PLACES = frozenset({"api", "auth", "oauth", "oauth2", "jwt", "token", "tokens", "access", "obtain", "v1",
                           "v2", "v3", "login", "create", "view", "post", "pair", "get"})
"""Words next to ``token`` in an endpoint that trades credentials for a token (``/auth/token``,
``TokenObtainPairView.post``)."""
KINDS = ("login", "sign-up", "password-reset", "token", "one-time-code")


def _pairs(words: list[str]) -> set[str]:
    return {first + second for first, second in zip(words, words[1:])}


def auth_kind(texts: list[str]) -> Optional[str]:
    """What kind of authentication endpoint the names and paths in ``texts`` describe, else ``None``."""
    kinds = set()
    for text in texts:
        words = path_words(text)
        bag = set(words) | _pairs(words)
        if bag & _NOT_GUESSED:
            return None
        if bag & {"login", "signin", "logon"}:
            kinds.add("login")
        if bag & {"signup"} or (bag & {"register", "registration"} and bag <= REGISTER_OBJECTS | _pairs(words)):
            kinds.add("sign-up")
        if ("password" in bag and bag & _RESET) or "forgot" in bag:
            kinds.add("password-reset")
        if bag & _CODE and bag & _CODE_ACTIONS:
            kinds.add("one-time-code")
        if "token" in words and ("obtain" in bag or set(words) <= _TOKEN_PLACES) and words[-1] != "tokens":
            kinds.add("token")
    return next((kind for kind in KINDS if kind in kinds), None)
