"""The project model's answers about what a function of another module does (``does``), and the positive
direction ``absent``, on summaries as plain data: re-exports followed, tests never a helper, a malformed or
unknown inner fact never established, and a cached summary that is not exactly what was written refused."""

from __future__ import annotations

from backend_lint.analysis.project.conditions import ProjectFact, absent, does
from backend_lint.analysis.project.model import ProjectModel
from backend_lint.analysis.project.summary import DefSummary, ModuleSummary


def _model() -> ProjectModel:
    helpers = ModuleSummary(module="app.notifications", defs={
        "app.notifications.send_welcome": DefSummary(effects=["sends-mail"]),
        "app.notifications.Mailer.send": DefSummary(effects=["creates", "sends-mail"]),
    })
    package = ModuleSummary(module="app", is_package=True,
                            imports={"send_welcome": "app.notifications.send_welcome"})
    tests = ModuleSummary(module="app.tests.test_mail", roles=["test"], defs={
        "app.tests.test_mail.send_fake": DefSummary(effects=["sends-mail"]),
    })
    return ProjectModel([helpers, package, tests])


def test_does_follows_re_exports_and_names_the_effect() -> None:
    model = _model()
    assert model.holds(does("app.notifications.send_welcome", "sends-mail"))
    assert model.holds(does("app.send_welcome", "sends-mail"))  # re-exported by the package
    assert not model.holds(does("app.notifications.send_welcome", "renders-pdf"))
    assert model.holds(does("app.notifications.Mailer.send", "creates"))
    assert not model.holds(does("app.notifications.missing", "sends-mail"))


def test_a_test_module_is_never_a_helper() -> None:
    assert not _model().holds(does("app.tests.test_mail.send_fake", "sends-mail"))


def test_absent_is_the_negation_and_unknown_inner_facts_are_absent() -> None:
    model = _model()
    assert not model.holds(absent(does("app.send_welcome", "sends-mail")))
    assert model.holds(absent(does("app.send_welcome", "renders-pdf")))
    assert model.holds(ProjectFact("absent", ("no-such-kind", "x")))
    assert model.holds(ProjectFact("absent", ()))
    assert model.holds(absent(ProjectFact("no-project")))  # never wraps the no-project fact


def test_effects_survive_the_cache_and_bad_ones_are_refused() -> None:
    summary = _model().modules["app.notifications"]
    again = ModuleSummary.from_json(summary.to_json())
    assert again is not None and again.defs == summary.defs
    data = summary.to_json()
    data["defs"]["app.notifications.send_welcome"]["effects"] = "sends-mail"
    assert ModuleSummary.from_json(data) is None
    assert ProjectFact.from_json(absent(does("a.b", "creates")).to_json()) == absent(does("a.b", "creates"))
