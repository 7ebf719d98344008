"""Regular expressions compiled when first used, not when their module is imported.

``re.compile`` runs the pure-Python regex parser: 0.2 to 1 ms a pattern. The rules and their analyses define
about 140 patterns at module level, and a run that checks one edited file imports the rules that file's words
trigger (with the analyses they use) but uses few of their patterns on that file: on Django's sources, 14 of
the 101 patterns imported while checking one edited file are used. :func:`lazy_compile` defers the compilation
to the first use, after which the compiled pattern's methods are bound on the object, so later calls cost
what a compiled pattern's do. A full run compiles each pattern once, as before.

A lazy pattern answers the methods and attributes of :class:`re.Pattern` (``search``, ``match``,
``fullmatch``, ``finditer``, ``findall``, ``sub``, ``subn``, ``split``, ``pattern``, ``flags``...), but it is
not an instance of it: it cannot be passed to ``re.search(pattern, ...)`` and friends. Use it for a
module-level constant whose uses are its methods.
"""

from __future__ import annotations

import re
from typing import Any, Union, cast

_METHODS = ("search", "match", "fullmatch", "finditer", "findall", "sub", "subn", "split", "scanner")


class _LazyPattern:
    def __init__(self, pattern: str, flags: Union[int, re.RegexFlag]) -> None:
        self.pattern = pattern
        self._flags = flags

    def __getattr__(self, name: str) -> Any:
        # Only called for what the object does not have yet: the compiled pattern's methods and attributes.
        if name.startswith("__") or "_compiled" in self.__dict__:
            compiled = self.__dict__.get("_compiled")
            if compiled is None:
                raise AttributeError(name)
            return getattr(compiled, name)
        compiled = self._compiled = re.compile(self.pattern, self._flags)
        for method in _METHODS:
            setattr(self, method, getattr(compiled, method))
        return getattr(compiled, name)

    def __repr__(self) -> str:
        return f"lazy_compile({self.pattern!r})"


def lazy_compile(pattern: str, flags: Union[int, re.RegexFlag] = 0) -> re.Pattern[str]:
    """``re.compile(pattern, flags)``, compiled when first used (typed as the pattern it stands for)."""
    return cast("re.Pattern[str]", _LazyPattern(pattern, flags))
