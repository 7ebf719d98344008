"""Finds every rule by importing each module of :mod:`backend_lint.rules`: there is no list to edit."""

from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache

from backend_lint import rules as rules_package
from backend_lint.rule import Rule


@lru_cache(maxsize=1)
def all_rule_classes() -> tuple[type[Rule], ...]:
    """Every concrete rule class, sorted by code. Two rules with one code are a programming error."""
    found: dict[str, type[Rule]] = {}
    for info in pkgutil.iter_modules(rules_package.__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{rules_package.__name__}.{info.name}")
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, Rule)
                and value.__module__ == module.__name__
                and "code" in vars(value)
            ):
                if value.code in found and found[value.code] is not value:
                    raise RuntimeError(f"rule code {value.code} is defined twice")
                found[value.code] = value
    return tuple(found[code] for code in sorted(found))


def rule_class(code: str) -> type[Rule] | None:
    code = code.upper()
    return next((cls for cls in all_rule_classes() if cls.code == code), None)


def rule_by_name_or_code(key: str) -> type[Rule] | None:
    return rule_class(key) or next((cls for cls in all_rule_classes() if cls.name == key), None)
