"""Editing a call's argument list with libcst while keeping its layout: commas, line breaks, trailing comma.

Fixes that add ``exc_info=True`` or turn one eager message into a template plus arguments must not collapse
a multi-line call onto one line or leave a stray comma; these helpers reuse the whitespace already between
the call's arguments for the new ones.
"""

from __future__ import annotations

import libcst as cst


def _separator(call: cst.Call) -> cst.Comma:
    """A comma followed by the whitespace already used between arguments (a space on one-line calls)."""
    for arg in call.args[:-1]:
        if isinstance(arg.comma, cst.Comma):
            return cst.Comma(whitespace_after=_without_comments(arg.comma.whitespace_after))
    return cst.Comma(whitespace_after=_without_comments(call.whitespace_before_args))


def _without_comments(whitespace: cst.BaseParenthesizableWhitespace) -> cst.BaseParenthesizableWhitespace:
    """The line break and indentation of ``whitespace``, without the comments and blank lines it holds
    (copying them would repeat a comment at every new argument)."""
    if isinstance(whitespace, cst.ParenthesizedWhitespace):
        return cst.ParenthesizedWhitespace(indent=whitespace.indent, last_line=whitespace.last_line)
    return cst.SimpleWhitespace(" ")


def replace_argument(call: cst.Call, index: int, replacements: list[cst.Arg]) -> cst.Call:
    """``call`` with ``call.args[index]`` replaced by ``replacements`` (in order, at least one)."""
    args = list(call.args)
    old = args[index]
    separator = _separator(call)
    new = [arg.with_changes(comma=separator) for arg in replacements[:-1]]
    new.append(replacements[-1].with_changes(comma=old.comma, whitespace_after_arg=old.whitespace_after_arg))
    args[index : index + 1] = new
    return call.with_changes(args=args)


def append_keyword(call: cst.Call, name: str, value: cst.BaseExpression) -> cst.Call:
    """``call`` with ``name=value`` added after its last argument."""
    keyword = cst.Arg(
        value=value,
        keyword=cst.Name(name),
        equal=cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")),
    )
    if not call.args:
        return call.with_changes(args=[keyword])
    last = call.args[-1]
    return replace_argument(call, len(call.args) - 1, [last.with_changes(comma=cst.MaybeSentinel.DEFAULT), keyword])
