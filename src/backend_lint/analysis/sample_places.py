"""Where a credential-shaped literal sits in code that ships no deployment's secret: tests and test support,
development and test settings, benchmarks, settings templates, documentation folders, sample-data modules and
functions, enumerations, OpenAPI examples. BE503 (hardcoded-secret) asks these before it reads a literal as a
secret; they hold no rule logic of their own and are kept here so that the rule's module holds what it decides."""

from __future__ import annotations

import ast

from backend_lint.analysis.dev_seeds import demo_block, development_command, placeholder_settings
from backend_lint.analysis.module_roles import benchmark_code, module_roles
from backend_lint.analysis.project.roots import path_in_project
from backend_lint.analysis.secret_names import name_of, split_identifier
from backend_lint.analysis.settings import PRODUCTION, settings_module
from backend_lint.context import FileContext

_SAMPLE_WORDS = frozenset({"sample", "samples", "demo", "example", "examples", "fixture", "fixtures", "preview",
                           "previews", "fake", "dummy", "mock", "test"})
"""Words of a module or function name that make its literals sample data (``create_test_data.py``,
``email_preview``, ``fake_wallet_secret``)."""


_TEMPLATE_WORDS = frozenset({"tmpl", "template"})
_CONFIG_WORDS = frozenset({"config", "conf", "settings", "cfg"})
"""A module named as a settings template (``turbinia_config_tmpl.py``, ``local_settings_template.py``): the last
word says template, an earlier one says configuration. ``agent_template_config.py`` (a model of templates) and
``settings.dist.py`` (defectdojo's real base settings) are neither."""


_PUBLIC_KEY_VENDORS = frozenset({"amplitude", "mixpanel", "posthog", "rudderstack", "plausible"})
"""Product analytics services whose project keys are embedded in every client, public by design."""


_DEFAULT_MAKERS = frozenset({"create", "get", "load", "make", "init", "setup"})
"""``create_default_connections``: the development defaults a project ships for a first run."""


def example_value(node: ast.AST, ctx: FileContext) -> bool:
    """Inside an ``examples=``/``example=`` argument or an ``EXAMPLE``-named value: sample data for docs."""
    child, current = node, ctx.parent_of(node)
    while current is not None and not isinstance(current, ast.stmt):
        if isinstance(current, ast.keyword) and current.arg and "example" in current.arg.lower():
            return True
        if isinstance(current, ast.Dict) and any(  # {"example": {"access_token": "eyJ..."}}: an OpenAPI example
            value is child and isinstance(key, ast.Constant) and "example" in str(key.value).lower()
            for key, value in zip(current.keys, current.values)
        ):
            return True
        child, current = current, ctx.parent_of(current)
    if isinstance(current, (ast.Assign, ast.AnnAssign)):
        targets = current.targets if isinstance(current, ast.Assign) else [current.target]
        return any("example" in (name_of(target) or "").lower() for target in targets)
    return False


_DOCUMENTATION_DIRS = frozenset({"docs", "doc", "documentation", "internal_docs", "tutorials", "tutorial",
                                 "vignettes"})
"""Top folders of a project that hold its documentation and the code it shows (``internal_docs/vignettes/``)."""


def under_documentation(path: str) -> bool:
    """The file sits in a documentation folder directly under its project's root."""
    relative = (path_in_project(path) or "").split("/")
    return len(relative) > 1 and relative[0].lower() in _DOCUMENTATION_DIRS


def _test_module(ctx: FileContext) -> bool:
    return ctx.is_test_file or ctx.role_path.rsplit("/", 1)[-1] in ("test.py", "tests.py", "testing.py")


def not_shipped(ctx: FileContext) -> bool:
    """Code whose literals are not secrets of a deployment: tests, test support, development and test settings
    (the settings model), benchmarks, settings templates (by their placeholder key, :mod:`.dev_seeds`, or by the
    module's name), development commands and main-guard demos (:mod:`.dev_seeds`), and sample data by its
    module's name (``create_test_data.py``, ``fixtures.py``)."""
    if _test_module(ctx) or module_roles(ctx).for_tests or settings_module(ctx).kind != PRODUCTION:
        return True
    if benchmark_code(ctx) or any("benchmark" in folder for folder in ctx.role_path.lower().split("/")[:-1]):
        return True  # a benchmark or load-test harness (``tracecat-benchmark/``): run by developers, deployed nowhere
    if placeholder_settings(ctx) or development_command(ctx) or demo_block(ctx):
        return True  # a settings template, a development database's command, a demo run by hand (:mod:`.dev_seeds`)
    words = split_identifier(ctx.role_path.rsplit("/", 1)[-1].removesuffix(".py"))
    if len(words) > 1 and words[-1] in _TEMPLATE_WORDS and _CONFIG_WORDS & set(words[:-1]):
        return True  # ``turbinia_config_tmpl.py``: a settings template a deployment copies and fills in
    return bool(_SAMPLE_WORDS & set(words))


def sample_function(ctx: FileContext) -> bool:
    """Inside a function that builds sample data (``email_preview``, ``create_test_user``) or the defaults a
    project ships for a first run (``create_default_connections``). (Literals inside a lambda are left alone
    by the caller: a callback that builds preview data, as pretix's e-mail placeholders do, not configuration.)"""
    for function in ctx.scope.functions:
        words = split_identifier(getattr(function, "name", ""))
        if _SAMPLE_WORDS & set(words) or (
            len(words) > 1 and words[0] in _DEFAULT_MAKERS and words[1] == "default"
        ):
            return True
    return False


def sample_name(name: str) -> bool:
    """``fake_wallet_secret``, ``demo_password``: the name itself says the value is not a real credential; so
    does ``AMPLITUDE_API_KEY``: product analytics keys are public by design (every client ships them; the
    vendors document them as identifiers, not secrets)."""
    words = split_identifier(name)
    return bool(_SAMPLE_WORDS & set(words[:-1])) or bool(_PUBLIC_KEY_VENDORS & set(words))


def in_enum(ctx: FileContext) -> bool:
    """Inside an ``Enum``/``TextChoices`` class body, where members name things rather than hold them."""
    cls = ctx.scope.class_
    if cls is None or ctx.scope.function is not None:
        return False
    for base in cls.bases:
        written = base.attr if isinstance(base, ast.Attribute) else base.id if isinstance(base, ast.Name) else ""
        if written.endswith(("Enum", "Choices", "Flag")):
            return True
    return False
