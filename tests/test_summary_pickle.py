"""A summary pickles as its class and field values in order (workers send each checked file's summary pickled with
its result): every field comes back, nested def summaries included."""

from __future__ import annotations

import pickle
from dataclasses import fields
from typing import Any

from backend_lint.analysis.project.summary import DefSummary, ModuleSummary, UrlEntry


def _filled(cls: type, index: int) -> dict[str, Any]:
    """A value unlike the default for every field of ``cls`` that holds a plain value."""
    values: dict[str, Any] = {}
    for item in fields(cls):
        default = item.default_factory() if callable(item.default_factory) else item.default
        if isinstance(default, bool):
            values[item.name] = not default
        elif isinstance(default, int):
            values[item.name] = default + index + 1
        elif isinstance(default, str):
            values[item.name] = f"{item.name}-{index}"
        elif isinstance(default, list):
            values[item.name] = [f"{item.name}-{index}"]
        elif isinstance(default, dict) and item.name != "defs":
            values[item.name] = {f"{item.name}-{index}": index}
    return values


def test_a_summary_comes_back_whole_from_its_pickle() -> None:
    summary = ModuleSummary(**_filled(ModuleSummary, 0))
    summary.defs = {f"shop.views.f{index}": DefSummary(**_filled(DefSummary, index)) for index in range(3)}
    summary.url_entries = [UrlEntry("orders/", "shop.views.f0")]
    back = pickle.loads(pickle.dumps(summary, protocol=pickle.HIGHEST_PROTOCOL))
    assert back == summary
    assert back.encode() == summary.encode()
    assert all(type(found) is DefSummary for found in back.defs.values())


def test_the_pickle_holds_no_field_names() -> None:
    found = DefSummary(effects=["sends-mail"])
    assert b"renders_html" not in pickle.dumps(found, protocol=pickle.HIGHEST_PROTOCOL)
