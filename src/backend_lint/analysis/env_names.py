"""Values that are the NAME of an environment variable, not its value (BE503).

``ENV_E2B_API_KEY = "E2B_API_KEY"``, ``OPENAI_KEY_ENV_VAR = "OPENAI_API_KEY"``, ``api_key_env="MY_API_KEY"``: the
name says it holds where the secret is read from (an ``env``/``environ``/``environment``/``envvar`` word), and the
value has the shape of a variable's name (upper-case words joined by ``_``, digits allowed: ``E2B_API_KEY``). A
credential is random or a word, never an upper-case identifier of several words under such a name.
"""

from __future__ import annotations

import re

from backend_lint.analysis.secret_names import split_identifier

_ENV_WORDS = frozenset({"env", "environ", "environment", "envvar", "envvars"})
_VARIABLE_NAME = re.compile(r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$")


def names_environment_variable(name: str, text: str) -> bool:
    """``text`` is the name of the environment variable the constant, keyword or field ``name`` points to."""
    return bool(_VARIABLE_NAME.match(text)) and bool(_ENV_WORDS & set(split_identifier(name)))
