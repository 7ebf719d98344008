"""BE308 missing-health-check: a web application whose project routes no health, readiness or liveness check.

An orchestrator or load balancer sends traffic to an instance only while its probe answers; without one it
keeps routing to an instance that has lost its database, and restarts nothing that hangs. Flagged once per
application, where it is made: a ``FastAPI()``, ``Flask()``/``Quart()``, ``Starlette()``, ``Litestar()`` or
aiohttp ``web.Application()`` call, and the ``urlpatterns =`` line of the Django root URL conf (the module the
production settings name as ``ROOT_URLCONF``). The finding stands only when no module of the project routes a
probe path (:mod:`backend_lint.analysis.health_checks`: ``/health``, ``/healthz``, ``/ready``, ``/livez``,
``/ping``, ``/status``...), includes django-health-check's URLs or imports a health-check package.

Only a project that shows an orchestrator runs it is reported: a Helm ``Chart.yaml``, ``fly.toml``, ``app.yaml``,
``render.yaml``, a Nomad job, an ECS task definition, a Kubernetes ``Deployment`` manifest or a compose file that
runs replicas at or below the project root, with no probe configured there (the project model reads them once
per project: :func:`~backend_lint.analysis.project.project_files.read_deployment`). A self-hosted application
its users start by hand (a forum, a library manager), or ship as a container image, a ``Procfile`` (Baby Buddy)
or a developer compose (freesound's runs ``runserver`` with a debugger port), has no orchestrator to probe it,
and any anonymous page answers a load balancer: a dedicated probe there is a feature request, not a defect
(:func:`~backend_lint.analysis.project.app_conditions.not_deployed`).

A file the project keeps out of its own linting (ruff's ``per-file-ignores`` ``"devbin/**/*" = ["ALL"]``, or
``exclude``) is a developer's tool, not a service it deploys: an app made there is left alone (Hail's local
``devbin/dev_proxy.py``; :func:`~backend_lint.analysis.project.app_conditions.lint_excluded`).

No single file can show that a route exists nowhere, so every finding lists
:func:`~backend_lint.analysis.project.conditions.no_project`: on standard input, or a file outside any project
the run summarised, the rule is silent. Tests, test support, examples and command line code are left alone.
"""

from __future__ import annotations

import ast
from typing import Optional

from backend_lint.analysis.health_checks import APP_CLASSES, route_texts, serves_health_check
from backend_lint.analysis.module_roles import module_roles
from backend_lint.analysis.project.app_conditions import health_check, lint_excluded, not_deployed
from backend_lint.analysis.project.conditions import ProjectFact, cli_module, no_project, not_root_urlconf, test_support
from backend_lint.analysis.project.roots import path_in_project
from backend_lint.analysis.project.view_facts import path_words
from backend_lint.context import FileContext
from backend_lint.rule import FileState, Option, Rule, visits


class MissingHealthCheck(Rule):
    code = "BE308"
    name = "missing-health-check"
    message = "`{app}` serves no health, readiness or liveness endpoint anywhere in the project; add one"
    triggers = ("FastAPI", "Flask", "Quart", "Starlette", "Litestar", "Application", "urlpatterns")
    needs = (module_roles, serves_health_check, route_texts, no_project, health_check, not_root_urlconf,
             not_deployed, lint_excluded)
    module_facts = (test_support, cli_module)
    project_only = True
    apps_seen: FileState[set[Optional[str]]] = FileState(set)
    options = (
        Option(
            "health-paths",
            list,
            [],
            "extra path words of the project's probe endpoints (e.g. 'alive', 'check'): a route of this module "
            "whose path has one counts as a health check",
        ),
    )

    def _left_alone(self, ctx: FileContext) -> bool:
        roles = module_roles(ctx)
        extra = frozenset(word.lower() for word in self.option("health-paths"))
        return ctx.is_test_file or roles.for_tests or roles.example or serves_health_check(ctx) or bool(
            extra and any(extra.intersection(path_words(text)) for text in route_texts(ctx))
        )

    @visits(ast.Call)
    def check_app(self, node: ast.Call, ctx: FileContext) -> None:
        called = ctx.imports.resolve(node.func)
        if called not in APP_CLASSES or self._left_alone(ctx):
            return
        parent = ctx.parent_of(node)
        names = self.apps_seen(ctx)
        target = ast.unparse(parent.targets[0]) if isinstance(parent, ast.Assign) else None
        if target is not None and target in names:
            return  # the same app made another way (``if settings.X: app = ...  else: app = ...``)
        names.add(target)
        self.report(ctx, node, unless=self._facts(ctx), app=f"{called.rpartition('.')[2]}()")

    @visits(ast.Assign)
    def check_urlconf(self, node: ast.Assign, ctx: FileContext) -> None:
        if not (
            ctx.scope.outer is None and ctx.module
            and any(isinstance(target, ast.Name) and target.id == "urlpatterns" for target in node.targets)
        ):
            return
        if self._left_alone(ctx):
            return
        self.report(ctx, node.targets[0], unless=(*self._facts(ctx), not_root_urlconf(ctx.module)), app="urlpatterns")

    def _facts(self, ctx: FileContext) -> tuple[ProjectFact, ...]:
        """The project facts any of which refutes a finding of this file: no project, no deployment, a probe
        somewhere, or the file kept out of the project's own linting (a developer's tool: Hail's ``devbin/``)."""
        relative = path_in_project(ctx.display_path)
        excluded = (lint_excluded(relative),) if relative is not None else ()
        return (no_project(), not_deployed(), health_check(self.option("health-paths")), *excluded)
