"""A lazily compiled pattern answers as the compiled one does, and compiles only when first used."""

from __future__ import annotations

import re

import pytest

from backend_lint.analysis.lazy_regex import lazy_compile


def test_a_lazy_pattern_matches_as_the_compiled_one() -> None:
    lazy, compiled = lazy_compile(r"(?P<word>[a-z]+)_id", re.IGNORECASE), re.compile(r"(?P<word>[a-z]+)_id", re.I)
    assert lazy.pattern == compiled.pattern
    assert "_compiled" not in vars(lazy)  # nothing compiled until a use
    text = "User_ID, order_id and x"
    assert lazy.search(text).group("word") == compiled.search(text).group("word")  # type: ignore[union-attr]
    assert "_compiled" in vars(lazy)
    assert [m.span() for m in lazy.finditer(text)] == [m.span() for m in compiled.finditer(text)]
    assert lazy.findall(text) == compiled.findall(text)
    assert lazy.sub("-", text) == compiled.sub("-", text)
    assert lazy.split(text) == compiled.split(text)
    assert lazy.fullmatch("a_id") is not None and lazy.match("x a_id") is None
    assert lazy.flags == compiled.flags and lazy.groupindex == compiled.groupindex


def test_a_bad_pattern_fails_at_its_first_use_and_an_unknown_attribute_is_an_error() -> None:
    broken = lazy_compile("(unclosed")
    with pytest.raises(re.error):
        broken.search("x")
    with pytest.raises(AttributeError):
        lazy_compile("a").no_such_attribute  # type: ignore[attr-defined]  # noqa: B018
