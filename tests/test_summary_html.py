"""The project summary's HTML evidence (``DefSummary.renders_html``) is read only from definitions whose lines
write one of the names it looks for: these cases pin that the shortcut answers as a walk of every definition."""

from __future__ import annotations

from backend_lint.analysis.project.index import summary_of

VIEWS = '''\
from django.shortcuts import render
from django.views.generic import CreateView


def order_list(request):
    return render(request, "orders/list.html")


@render_decorated
def api_orders(request):
    return JsonResponse({"orders": []})


def helper():
    """Mentions render only in a docstring: the walk finds no call."""
    return 1


class OrderCreate(CreateView):
    template_name = "orders/form.html"

    def form_valid(self, form):
        return super().form_valid(form)


class Plain:
    def get(self):
        return {"render": False}


class Page(View):
    title = "render"

    def get(self, request):
        return render(request, "page.html")

    async def post(self, request):
        return JsonResponse({})


def rendered_by_shortcut(request):
    return (
        shortcuts
        .render(request, "page.html")
    )
'''


def _html_defs(text: str, tmp_path) -> dict[str, bool]:
    path = tmp_path / "shop" / "views.py"
    path.parent.mkdir(exist_ok=True)
    (path.parent / "__init__.py").write_text("")
    path.write_bytes(text.encode())
    summary = summary_of(str(path), path.read_bytes())
    assert summary is not None
    return {name: found.renders_html for name, found in summary.defs.items() if found.renders_html}


def test_only_definitions_that_render_html_are_marked(tmp_path) -> None:
    assert _html_defs(VIEWS, tmp_path) == {
        "shop.views.order_list": True,
        "shop.views.OrderCreate": True,
        "shop.views.Page": True,  # through its method
        "shop.views.Page.get": True,
        "shop.views.rendered_by_shortcut": True,
    }


def test_lone_carriage_returns_give_the_same_answer(tmp_path) -> None:
    """Old Mac line ends: ``ast`` counts ``\\r`` as a line break, so the line shortcut must not be used."""
    assert _html_defs(VIEWS.replace("\n", "\r"), tmp_path) == _html_defs(VIEWS, tmp_path)
    assert _html_defs(VIEWS.replace("\n", "\r\n"), tmp_path) == _html_defs(VIEWS, tmp_path)
