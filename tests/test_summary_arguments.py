"""What a module's summary records of the arguments its functions pass to the project's functions (BE101's and
BE502's readings of callers), read from a real file: the kinds of every call a reading of callers can ask about,
none of the calls nothing asks about (the module's own classes, its public methods and its functions without
parameters), and the calls of imported project functions whatever they are (the file cannot tell).

Also :meth:`FileContext.segment`, which cuts a node's text from the file's lines instead of splitting the file
on every call: the same text as ``ast.get_source_segment`` where lines end in ``\\r\\n`` or ``\\r``, a form feed
sits in the text, or a line holds letters of more than one byte."""

from __future__ import annotations

import ast
import textwrap

from backend_lint.analysis.caller_values import asked_about
from backend_lint.analysis.project.extract import summarize
from backend_lint.context import FileContext

STORE = textwrap.dedent('''\
    from shop.mail import notify


    def count(table, limit=10):
        return table, limit


    def ping():
        return 1


    class Store:
        def _size(self, name):
            return name

        def sizes(self, name):
            return name

        def _all(self):
            return []

        def run(self, request):
            Store(request)
            count(request.GET["table"])
            ping()
            self._size(request.GET["name"])
            self.sizes(request.GET["name"])
            self._all()
            notify(request.GET["to"], "hello")
    ''')


def _arguments(source: str, module: str) -> list[list[str]]:
    tree = ast.parse(source)
    ctx = FileContext(tree, source, "shop/store.py", "shop/store.py", module=module)
    return sorted(call for found in summarize(ctx).defs.values() for call in found.arguments)


def test_only_calls_a_reading_of_callers_can_ask_about_have_their_arguments_recorded() -> None:
    """``count``, ``Store._size`` and the imported ``notify`` have their calls' kinds; the class ``Store``, the
    public method ``sizes`` and ``ping``/``_all`` (no parameter a call gives) do not."""
    assert _arguments(STORE, "shop.store") == [
        ["shop.mail.notify", "rs", ""],
        ["shop.store.Store._size", "r", ""],
        ["shop.store.count", "r", ""],
    ]


def test_asked_about_follows_the_readings_of_callers() -> None:
    tree = ast.parse(STORE)
    count, ping, store = (node for node in tree.body if isinstance(node, (ast.FunctionDef, ast.ClassDef)))
    methods = {node.name: node for node in store.body if isinstance(node, ast.FunctionDef)}
    assert asked_about("count", count)
    assert not asked_about("ping", ping)
    assert not asked_about("Store", store)
    assert asked_about("Store._size", methods["_size"])
    assert not asked_about("Store.sizes", methods["sizes"])  # a public method: any instance may be its caller
    assert not asked_about("Store._all", methods["_all"])  # only ``self``
    static = ast.parse("class A:\n    @staticmethod\n    def _one(x):\n        return x\n").body[0]
    assert isinstance(static, ast.ClassDef)
    assert asked_about("A._one", static.body[0])  # no ``self`` to leave out


def test_a_segment_is_the_text_get_source_segment_gives() -> None:
    for source in (
        "a = 1\r\nb = (2,\r\n     3)\r\n",
        "a = 1\rb = (2,\r     3)\r",
        "x = 1\x0c\ny = [1,\n     2]\n",
        "s = 'é'\nt = ('ü',\n     'ß')  # ünïcode\n",
    ):
        tree = ast.parse(source)
        ctx = FileContext(tree, source, "x.py", "x.py")
        nodes = [node for node in ast.walk(tree) if hasattr(node, "end_col_offset")]
        assert len(nodes) > 5
        for node in nodes:
            assert ctx.segment(node) == ast.get_source_segment(source, node), (source, ast.dump(node))
    assert FileContext(ast.parse(""), "", "x.py", "x.py").segment(ast.Module(body=[], type_ignores=[])) is None
