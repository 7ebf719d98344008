"""Finds every rule by its module in :mod:`backend_lint.rules`: there is no list to edit.

A rule module is named ``be<number>_<name>.py`` and defines the rule whose code is ``BE<number>``, so the codes
are known from the module names alone (:func:`rule_codes`), without importing any rule: checking the
configuration and a warm cached run need the codes, not the rules. A rule's class is imported when it is first
asked for (:func:`rule_class` imports only that rule's module); :func:`all_rule_classes` imports them all.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache, lru_cache
from typing import TYPE_CHECKING

from backend_lint import rules as rules_package
from backend_lint.analysis.lazy_regex import lazy_compile

if TYPE_CHECKING:
    from backend_lint.rule import Rule

_RULE_MODULE = lazy_compile(r"(be\d+)_\w+")


@lru_cache(maxsize=1)
def _modules_by_code() -> dict[str, str]:
    """Rule code -> the name of the module that defines it, in code order, from the module names alone."""
    found: dict[str, str] = {}
    for info in pkgutil.iter_modules(rules_package.__path__):
        if info.name.startswith("_"):
            continue
        match = _RULE_MODULE.fullmatch(info.name)
        if match is None:
            raise RuntimeError(f"rules/{info.name}: a rule module is named be<number>_<name>.py")
        code = match.group(1).upper()
        if code in found:
            raise RuntimeError(f"rule code {code} has two modules: {found[code]} and {info.name}")
        found[code] = info.name
    return dict(sorted(found.items()))


def rule_codes() -> list[str]:
    """Every rule's code, sorted, without importing any rule module."""
    return list(_modules_by_code())


def _import_rule(code: str, module_name: str) -> type[Rule]:
    """The rule class of one module; a module that does not define exactly the rule its name says is an error."""
    from backend_lint.rule import Rule  # noqa: PLC0415 - the rule machinery loads with the first rule

    module = importlib.import_module(f"{rules_package.__name__}.{module_name}")
    defined = [
        value for value in vars(module).values()
        if isinstance(value, type) and issubclass(value, Rule) and value.__module__ == module.__name__
        and "code" in vars(value)
    ]
    if [cls.code for cls in defined] != [code]:
        raise RuntimeError(f"rules/{module_name}.py must define the one rule {code}, defines "
                           f"{[cls.code for cls in defined]}")
    return defined[0]


@cache
def rule_class(code: str) -> type[Rule] | None:
    """The class of the rule ``code`` (its module is imported now), or ``None`` for an unknown code."""
    module_name = _modules_by_code().get(code.upper())
    return None if module_name is None else _import_rule(code.upper(), module_name)


@lru_cache(maxsize=1)
def all_rule_classes() -> tuple[type[Rule], ...]:
    """Every rule class, sorted by code (this imports every rule module)."""
    return tuple(cls for cls in map(rule_class, rule_codes()) if cls is not None)


def rule_by_name_or_code(key: str) -> type[Rule] | None:
    return rule_class(key) or next((cls for cls in all_rule_classes() if cls.name == key), None)
