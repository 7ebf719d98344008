"""The effects summary of a function (analysis/effects.py): what it does that matters when it runs twice.

In-process on dedented snippets; BE301's fixtures run the same summary through the CLI and flake8.
"""

from __future__ import annotations

import ast
import textwrap

from backend_lint.analysis.effects import (
    CREATES,
    DELETES,
    ENQUEUES,
    PAYS,
    SENDS,
    UPDATES,
    Effects,
    handler_effects,
    own_effects,
)
from backend_lint.context import FileContext


def _context(code: str) -> FileContext:
    source = textwrap.dedent(code)
    return FileContext(ast.parse(source), source, "app/api.py", "app/api.py")


def _function(ctx: FileContext, name: str) -> ast.AST:
    return next(node for node in ast.walk(ctx.tree)
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == name)


def _kinds(code: str, name: str, *, helpers: bool = True) -> list[tuple[str, str]]:
    ctx = _context(code)
    ask = handler_effects if helpers else own_effects
    return [(effect.kind, effect.what) for effect in ask(ctx, _function(ctx, name)).effects]


SERVICE = """
    import requests
    import stripe
    from django.core.mail import send_mail
    from fastapi import APIRouter, BackgroundTasks

    from .models import Order, OrderSerializer
    from .tasks import ship

    router = APIRouter()


    def _record(sku):
        order = Order(sku=sku)
        order.save()


    @router.post("/orders")
    def place(sku: str, tasks: BackgroundTasks):
        _record(sku)
        ship.delay(sku)
        tasks.add_task(ship, sku)
        send_mail("Thanks", "body", "shop@example.com", ["a@example.com"])
        requests.post("https://partner.example/hooks", json={}, timeout=5)
        stripe.Charge.create(amount=1)
        stripe.Charge.retrieve("ch_1")


    @router.post("/orders/{order_id}/state")
    def settle(order_id: int, data: dict):
        order = Order.objects.get(pk=order_id)
        order.state = "paid"
        order.save()
        Order.objects.filter(pk=order_id).delete()
        Order.objects.update_or_create(ref=data["ref"])
        OrderSerializer(order, data=data).save()
"""


def test_each_kind_is_recognised_and_helpers_are_followed_one_level() -> None:
    assert _kinds(SERVICE, "place") == [
        (ENQUEUES, "ship.delay"),
        (ENQUEUES, "ship"),  # the job handed over names what is queued
        (SENDS, "send_mail"),
        (SENDS, "requests.post"),
        (PAYS, "stripe.Charge.create"),
        (CREATES, "Order"),  # in the helper _record, marked via it
    ]
    ctx = _context(SERVICE)
    helper_effects = handler_effects(ctx, _function(ctx, "place")).creates
    assert [effect.via for effect in helper_effects] == ["_record"]
    assert _kinds(SERVICE, "place", helpers=False)[-1] == (PAYS, "stripe.Charge.create")


def test_idempotent_work_is_not_harmful() -> None:
    ctx = _context(SERVICE)
    effects = handler_effects(ctx, _function(ctx, "settle"))
    assert {effect.kind for effect in effects.effects} == {UPDATES, DELETES}
    assert effects.harmful == []


def test_names_that_build_values_are_not_creates() -> None:
    code = """
        import asyncio
        from .auth import create_access_token
        from .crud import create_invoice

        def issue(user):
            token = create_access_token(user)
            asyncio.create_task(audit(user))
            return create_invoice(user, token)
    """
    assert _kinds(code, "issue") == [(CREATES, "create_invoice")]


def test_a_create_factory_whose_object_was_already_there_is_no_create() -> None:
    code = """
        from .items import Item, NonExistent, Page

        def remove(names):
            for name in names:
                item = Item.create(name)
                if isinstance(item, NonExistent):
                    continue
                item.delete("gone")

        def destroy(name):
            item = Item.create(name)
            item.destroy(comment="purged")

        def add(name):
            page = Page.create(name)
            if isinstance(page, Page):
                page.publish()
    """
    assert _kinds(code, "remove") == [(DELETES, "item.delete")]
    assert _kinds(code, "destroy") == []
    assert _kinds(code, "add") == [(CREATES, "Page.create")]


def test_a_lookup_returned_before_the_create_is_a_get_or_create() -> None:
    code = """
        async def shorten(url):
            found = await get_alias_by_url(url)
            if found:
                return found
            return await create_alias(url)

        async def always(url):
            found = await get_alias_by_url(url)
            return await create_alias(url)
    """
    ctx = _context(code)
    assert handler_effects(ctx, _function(ctx, "shorten")).finds_first
    assert not handler_effects(ctx, _function(ctx, "always")).finds_first


def test_effects_are_plain_data() -> None:
    ctx = _context(SERVICE)
    effects = handler_effects(ctx, _function(ctx, "place"))
    assert Effects.from_json(effects.to_json()) == effects
    assert Effects.from_json({"effects": [["creates"]], "outside": []}) is None
    assert Effects.from_json("not a summary") is None
    assert effects.outside == sorted(set(effects.outside)) and "django.core.mail.send_mail" in effects.outside


def test_an_update_that_returns_before_the_create_is_an_upsert() -> None:
    """``if chat.share_id: shared = SharedChats.update(...); return ...`` before ``SharedChats.create(...)``:
    a repeat takes the first branch and updates what the first call made (a 201 or an idempotency key would be
    wrong about it); without the return, the create still follows the update and counts."""
    upsert = """
        def share(chat):
            if chat.share_id:
                shared = SharedChats.update(chat.share_id)
                if shared:
                    return shared
            return SharedChats.create(chat.id)
    """
    ctx = _context(upsert)
    assert handler_effects(ctx, _function(ctx, "share")).finds_first
    both = upsert.replace("                if shared:\n                    return shared\n", "")
    ctx = _context(both)
    assert not handler_effects(ctx, _function(ctx, "share")).finds_first
