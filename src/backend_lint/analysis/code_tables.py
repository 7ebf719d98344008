"""Values drawn from a table the code itself writes: a loop over a registry constant or a class's constant table.

A stored object's ``title`` or ``description`` is what users type; the same field of an entry of a table the
developer wrote is not. NetBox builds its table buttons from ``ActionsItem('Edit', 'pencil', 'change')``
entries of a class attribute (``for idx, (action, attrs) in enumerate(self.actions.items())``) and its preference
form's help texts from the ``PREFERENCES`` registry of ``UserPreference(label=_('Language'), description=_(...))``
constants (judged FALSE in the GitHub-snapshot round). So a local bound only as the target of loops over such a
table holds the code's constants:

- a loop over an upper-case name (``PREFERENCES``, ``ACTIONS``: a module constant, here or imported), or over
  ``self.<attr>``/``cls.<attr>`` where the class assigns ``<attr>`` a literal table whose entries are constants
  or calls of constants (``ActionsItem('Edit', 'pencil')``, ``_('Delete')``), and any instance assignment of
  it only picks entries of the same table (``self.actions = {name: self.actions[name] for name in actions}``);
- a loop over the installed code components a registry call lists (``plugins.get_all_plugins()``,
  ``apps.get_app_configs()``, ``get_extensions()``, ``entry_points(...)``): a plugin's ``name`` and
  ``description`` are the constants its developer wrote into its meta class or app config (ephios'
  ``EphiosPluginMeta``), not anyone's input; a query (``Plugin.objects.all()``) is no such call;
- seen through ``enumerate()``, ``sorted()``, ``reversed()``, ``list()``, ``tuple()`` and ``.items()``,
  ``.values()``, ``.keys()``; the target of a comprehension's ``for`` counts like a loop's.

A local also assigned another way, a parameter, or a loop over anything else (a query, a parameter) is not.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Optional

from backend_lint.analysis.ast_helpers import own_nodes
from backend_lint.analysis.bindings import bindings_of
from backend_lint.analysis.facts import reads
from backend_lint.analysis.resolve import lookup
from backend_lint.analysis.secret_names import split_identifier

if TYPE_CHECKING:
    from backend_lint.analysis.scopes import Scope
    from backend_lint.context import FileContext

_THROUGH = frozenset({"enumerate", "sorted", "reversed", "list", "tuple", "iter"})
_VIEWS = frozenset({"items", "values", "keys"})
_MAX_DEPTH = 4
_COMPONENT_WORDS = frozenset({"plugins", "plugin", "extensions"})


@reads(lookup, bindings_of)
def drawn_from_code_table(name: ast.Name, ctx: FileContext, scope: Scope) -> bool:
    """``name`` is bound here only as a loop target over a table the code writes (see the module docstring)."""
    found = lookup(name.id, ctx, scope)
    if found is None:
        return _comprehension_table(name, ctx, scope)
    link, bindings = found
    loops = bindings.loop_targets.get(name.id)
    if not loops or name.id in bindings.assigned or name.id in bindings.params or name.id in bindings.augmented:
        return False
    return all(_code_table(loop.iter, ctx, link) or _installed_components(loop.iter) for loop in loops)


def _comprehension_table(name: ast.Name, ctx: FileContext, scope: Scope) -> bool:
    """``name`` is bound by no statement: the target of the comprehensions of the function that bind it, each over
    a code table or the installed components."""
    block = scope.function or ctx.tree
    iterables = [
        generator.iter for node in own_nodes(block)
        if isinstance(node, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp))
        for generator in node.generators
        if any(isinstance(target, ast.Name) and target.id == name.id for target in ast.walk(generator.target))
    ]
    return bool(iterables) and all(
        _code_table(iterable, ctx, scope) or _installed_components(iterable) for iterable in iterables
    )


def _installed_components(iterable: ast.expr) -> bool:
    """``plugins.get_all_plugins()``, ``apps.get_app_configs()``, ``entry_points(group=...)``: a call that lists the
    plugins, apps or extensions installed with the code, by its name."""
    source = _table_source(iterable)
    if not isinstance(source, ast.Call):
        return False
    func = source.func
    callee = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    words = set(split_identifier(callee))
    return bool(words & _COMPONENT_WORDS) or {"app", "configs"} <= words or {"entry", "points"} <= words


def _table_source(expr: ast.expr) -> ast.expr:
    """The collection a loop walks, through ``enumerate(...)``, ``sorted(...)`` and ``.items()``."""
    while isinstance(expr, ast.Call):
        func = expr.func
        if isinstance(func, ast.Name) and func.id in _THROUGH and expr.args:
            expr = expr.args[0]
        elif isinstance(func, ast.Attribute) and func.attr in _VIEWS and not expr.args:
            expr = func.value
        else:
            break
    return expr


def _code_table(iterable: ast.expr, ctx: FileContext, scope: Scope) -> bool:
    source = _table_source(iterable)
    if isinstance(source, ast.Name):
        return source.id.isupper() and len(source.id) > 1
    if isinstance(source, ast.Attribute) and isinstance(source.value, ast.Name) and source.value.id in ("self", "cls"):
        owner = scope.class_
        return owner is not None and _class_table(owner, source.attr, ctx)
    return False


def _class_table(owner: ast.ClassDef, attribute: str, ctx: FileContext) -> bool:
    """The class assigns ``attribute`` a literal table of constants, and its methods only pick entries of it."""
    bindings = bindings_of(ctx, owner)
    values = bindings.assigned.get(attribute)
    if not values or not all(value is not None and _constant_table(value) for value in values):
        return False
    return all(_picks_from(value, attribute) for value in bindings.self_attributes.get(attribute, []))


def _constant_table(value: ast.expr) -> bool:
    if isinstance(value, ast.Dict):
        return all(key is None or isinstance(key, ast.Constant) for key in value.keys) and all(
            _constant_made(item, 0) for item in value.values
        )
    if isinstance(value, (ast.List, ast.Tuple, ast.Set)):
        return all(_constant_made(item, 0) for item in value.elts)
    return False


def _constant_made(expr: ast.expr, depth: int) -> bool:
    """A constant, or a call (a constructor, ``_()``) of constants only."""
    if depth > _MAX_DEPTH:
        return False
    if isinstance(expr, ast.Constant):
        return True
    if isinstance(expr, (ast.Tuple, ast.List)):
        return all(_constant_made(item, depth + 1) for item in expr.elts)
    if isinstance(expr, ast.Call) and isinstance(expr.func, (ast.Name, ast.Attribute)):
        return all(_constant_made(item, depth + 1) for item in [*expr.args, *(k.value for k in expr.keywords)])
    return False


def _self_table(expr: Optional[ast.expr], attribute: str) -> bool:
    """``self.<attribute>`` (or ``cls.``), maybe seen through ``.items()`` and the like."""
    source = _table_source(expr) if expr is not None else None
    return (
        isinstance(source, ast.Attribute) and source.attr == attribute
        and isinstance(source.value, ast.Name) and source.value.id in ("self", "cls")
    )


def _picks_from(value: ast.expr, attribute: str) -> bool:
    """``self.actions = {name: self.actions[name] for name in actions}``: entries of the same table, filtered."""
    if _self_table(value, attribute):
        return True
    if isinstance(value, ast.DictComp):
        elements = [value.value]
    elif isinstance(value, (ast.ListComp, ast.SetComp, ast.GeneratorExp)):
        elements = [value.elt]
    else:
        return False
    targets = {
        name.id for generator in value.generators if _self_table(generator.iter, attribute)
        for name in ast.walk(generator.target) if isinstance(name, ast.Name)
    }
    return all(
        (isinstance(element, ast.Subscript) and _self_table(element.value, attribute))
        or (isinstance(element, ast.Name) and element.id in targets)
        for element in elements
    )
