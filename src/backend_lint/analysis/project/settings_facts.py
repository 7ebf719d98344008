"""What the project's settings and app-wide registrations establish: the part of the project model that reads
Django settings modules (``from .base import *`` followed, test settings left out), and the limiters,
middleware, health checks and admin hooks that modules register for a whole app.

:class:`.model.ProjectModel` inherits these answers; :class:`.def_facts.DefFacts` below it follows the names
the settings give (``REST_FRAMEWORK = get_drf_settings(...)`` is read from what that function returns).
"""

from __future__ import annotations

from functools import cached_property
from typing import Any, Optional

from backend_lint.analysis.handler_types import DJANGO, DRF, FASTAPI, FLASK, LITESTAR, STARLETTE
from backend_lint.analysis.health_checks import HEALTH_PACKAGES
from backend_lint.analysis.project.def_facts import MAX_DEPTH, DefFacts
from backend_lint.analysis.project.deployed_settings import UNKNOWN_SETTINGS
from backend_lint.analysis.project.extract import BUILT_BY, UNKNOWN, installing_part
from backend_lint.analysis.project.project_files import ProjectFiles
from backend_lint.analysis.project.summary import ModuleSummary
from backend_lint.analysis.rate_limits import app_wide_families
from backend_lint.analysis.secret_names import split_identifier
from backend_lint.analysis.settings import DEVELOPMENT
from backend_lint.analysis.uploads import names_size_limit

FAMILIES = {FASTAPI: "asgi", STARLETTE: "asgi", LITESTAR: "litestar", FLASK: "flask", DJANGO: "django", DRF: "django"}
"""A handler framework -> the family of apps a limiter or middleware covers (FastAPI and Starlette share ASGI)."""
_USER_MODEL_BASES = ("django.contrib.auth.models.AbstractUser", "django.contrib.auth.models.AbstractBaseUser",
                     "django.contrib.auth.base_user.AbstractBaseUser")
"""Bases of a custom Django user model."""
_DEPLOYED_WORDS = frozenset({"production", "prod", "deploy", "deployed", "deployment"})
"""Words of a settings module's name that say deployments run it (``production.py``, ``settings_prod.py``)."""



_INSTALLING = ("INSTALLED_APPS", "MIDDLEWARE", "AUTHENTICATION_BACKENDS")


def _installing_settings(summary: ModuleSummary) -> list[str]:
    """The settings of ``summary`` that install apps, middleware or authentication backends: Django's own names,
    and the parts the project merges into them (:func:`.extract.installing_part`)."""
    return [*_INSTALLING, *sorted(name for name in summary.settings if installing_part(name))]


class SettingsFacts(DefFacts):
    """Settings modules and app-wide registrations of one project, and what they establish."""

    files: ProjectFiles
    """The project's packaging and test configuration (set by :class:`.model.ProjectModel`)."""

    def settings_value(self, module: ModuleSummary, name: str, depth: int = 0) -> Any:
        """A setting's value in ``module`` (its own, else what it star-imports); ``None`` when not set."""
        if name in module.settings:
            value = module.settings[name]
            if isinstance(value, dict) and isinstance(value.get(BUILT_BY), str):
                _name, built = self.definition(value[BUILT_BY])  # REST_FRAMEWORK = get_drf_settings(...)
                if built is None or not built.returned_settings:
                    return UNKNOWN
                return {**built.returned_settings, **{key: item for key, item in value.items() if key != BUILT_BY}}
            return value
        if depth > MAX_DEPTH:
            return None
        for base in reversed(module.star_imports):
            found = self.modules.get(base)
            if found is not None:
                value = self.settings_value(found, name, depth + 1)
                if value is not None:
                    return value
        return None

    @cached_property
    def test_only_settings(self) -> frozenset[str]:
        """The settings modules the test configuration names (pytest's, tox's) that no module of the service gives
        ``DJANGO_SETTINGS_MODULE`` too: a project may test with the settings it runs with (mitxonline's pytest
        section and its ``manage.py``, ``wsgi.py`` and ``celery.py`` all name ``main.settings``)."""
        run = {
            name for summary in self.modules.values() if not {"test", "test_support"} & set(summary.roles)
            for name in summary.settings_names
        }
        return frozenset(self.files.test_settings - run)

    @cached_property
    def production_settings(self) -> list[ModuleSummary]:
        """Settings modules that are not for tests (by name, by role or by the test configuration)."""
        return [
            summary for summary in self.modules.values()
            if summary.settings_kind and summary.settings_kind != "test"
            and not {"test", "test_support"} & set(summary.roles) and summary.module not in self.test_only_settings
        ]

    @cached_property
    def named_settings(self) -> frozenset[str]:
        """The settings modules of the project that a module outside the tests or a deployment or configuration
        file names in full (``os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")``, ``env =
        DJANGO_SETTINGS_MODULE=shop.settings`` in a uWSGI file): the ones it runs with."""
        names = {*self.files.settings_names}
        for summary in self.modules.values():
            if not {"test", "test_support"} & set(summary.roles):
                names.update(summary.settings_names)
        if UNKNOWN_SETTINGS in names:
            return frozenset({UNKNOWN_SETTINGS})  # a value not spelled out: any settings module may be run
        return frozenset(
            name for name in names if (found := self.modules.get(name)) is not None and found.settings_kind
        )

    def unnamed_settings(self, module: str) -> bool:
        """``module`` is a settings module nothing runs: the project names some settings module
        (:attr:`named_settings`) but not this one, and no module outside the tests imports it (a ``from .production
        import *`` chosen by an environment variable) or names it in a string."""
        found = self.modules.get(module)
        named = self.named_settings
        if found is None or not found.settings_kind or not named or UNKNOWN_SETTINGS in named or module in named:
            return False
        return not any(
            module in summary.imported or module in summary.star_imports or module in summary.dotted_strings
            for name, summary in self.modules.items()
            if name != module and not {"test", "test_support"} & set(summary.roles)
        )

    def replaced_setting(self, qualified: str) -> bool:
        """The setting ``qualified`` (``etools.config.settings.base.SECRET_KEY``) is a base value that production
        replaces: the project names its settings module nowhere as one it runs, every production settings module
        extending it (``from .base import *``, through other modules too; not a test's nor a development module's:
        one built on ``local.py`` is a developer's) assigns the name a value read at run time or a false one
        (:attr:`.summary.ModuleSummary.replaced_settings`), and at least one of them is deployed: the project
        names it (:attr:`named_settings`) or its name says so (``production.py``, ``prod_settings.py``). The base
        literal is what the developers' settings run with, not production (cookiecutter-django's layout)."""
        module, _dot, name = qualified.rpartition(".")
        found = self.modules.get(module)
        if found is None or not found.settings_kind or module in self.named_settings:
            return False
        extending = {
            summary.module: replaced for summary in self.production_settings
            if summary.module != module and (replaced := self._replaces(summary, module, name)) is not None
        }
        return bool(extending) and all(extending.values()) and any(
            extender in self.named_settings or _DEPLOYED_WORDS & set(split_identifier(extender.rpartition(".")[2]))
            for extender in extending
        )

    def _replaces(self, summary: ModuleSummary, base: str, name: str, depth: int = 0) -> Optional[bool]:
        """Whether ``summary`` or a module between it and ``base`` replaces ``name`` (:meth:`replaced_setting`);
        ``None`` when it does not extend ``base`` or extends it through a development settings module."""
        if summary.settings_kind == DEVELOPMENT or depth > MAX_DEPTH:
            return None
        for imported in summary.star_imports:
            found = self.modules.get(imported)
            if imported == base:
                below: Optional[bool] = False
            else:
                below = None if found is None else self._replaces(found, base, name, depth + 1)
            if below is not None:
                return below or name in summary.replaced_settings
        return None

    @cached_property
    def overlaid_configs(self) -> frozenset[str]:
        """Configuration objects non-test modules load as defaults under the deployment's own configuration file
        (:mod:`backend_lint.analysis.config_layers`)."""
        return frozenset(
            name for summary in self.modules.values() if not {"test", "test_support"} & set(summary.roles)
            for name in summary.overlaid_configs
        )

    @cached_property
    def drf_paginates(self) -> bool:
        for summary in self.production_settings:
            framework = self.settings_value(summary, "REST_FRAMEWORK")
            if isinstance(framework, dict):
                paginator = framework.get("DEFAULT_PAGINATION_CLASS")
                if isinstance(paginator, str) and paginator and paginator != UNKNOWN:
                    return True
        return False

    @cached_property
    def shipped_summaries(self) -> list[ModuleSummary]:
        """The summaries of the modules the application ships: not tests, test support or examples. App-wide
        facts (limiters, probes, admin hooks, size caps) count only there."""
        return [summary for summary in self.modules.values()
                if not {"test", "test_support", "example"} & set(summary.roles)]

    @cached_property
    def rate_limited_families(self) -> frozenset[str]:
        """Handler families whose every route a limiter counts: app-wide limiters registered outside tests, for
        Django django-axes in production settings or the project's own limiting middleware it enables
        (:attr:`enabled_limiting_middleware`), and for DRF also default throttle classes."""
        registered = frozenset(
            name for summary in self.shipped_summaries for name in summary.rate_limits
        )
        found = set(app_wide_families(registered))
        for summary in self.production_settings:
            entries = [
                entry for name in _installing_settings(summary)
                if isinstance(value := self.settings_value(summary, name), list) for entry in value
            ]
            if any(isinstance(entry, str) and entry.split(".")[0] == "axes" for entry in entries):
                found |= {"django", "drf"}
            framework = self.settings_value(summary, "REST_FRAMEWORK")
            throttles = framework.get("DEFAULT_THROTTLE_CLASSES") if isinstance(framework, dict) else None
            if isinstance(throttles, list) and any(isinstance(item, str) and item != UNKNOWN for item in throttles):
                found.add("drf")
        if self.enabled_limiting_middleware:
            found |= {"django", "drf"}
        return frozenset(found)

    @cached_property
    def enabled_limiting_middleware(self) -> bool:
        """The project's own Django middleware counts requests, and its shipped code enables it by the dotted path
        Django's ``MIDDLEWARE`` takes: a class named ``...Middleware`` whose methods name a rate limit
        (:attr:`.summary.DefSummary.counts_attempts`), and a module other than its own, not a test nor test
        settings, that writes its path in a string. askbot's ``askbot.middleware.ratelimit.RateLimitMiddleware``
        checks every view (``process_view``) and answers 429; its sites' ``MIDDLEWARE`` comes from a settings
        template, and its system check (``askbot/checks.py``) warns when the path is missing."""
        for summary in self.shipped_summaries:
            if summary.settings_kind == "test" or summary.module in self.test_only_settings:
                continue
            for dotted in summary.dotted_strings:
                module, _dot, name = dotted.rpartition(".")
                if module == summary.module or not name.endswith("Middleware") or module not in self.modules:
                    continue
                found = self.modules[module].defs.get(dotted)
                if found is not None and found.counts_attempts:
                    return True
        return False

    @cached_property
    def serves_health_check(self) -> bool:
        """A module outside the tests routes a probe, or the production settings install django-health-check."""
        if any(
            summary.health for summary in self.shipped_summaries
        ):
            return True
        return any(
            isinstance(entry, str) and entry.split(".")[0] in HEALTH_PACKAGES
            for summary in self.production_settings
            if isinstance(apps := self.settings_value(summary, "INSTALLED_APPS"), list) for entry in apps
        )

    @cached_property
    def django_usernames(self) -> bool:
        """The production settings (at least one) name no ``AUTH_USER_MODEL`` but Django's ``auth.User``: every
        username passed Django's username validator."""
        values = [self.settings_value(summary, "AUTH_USER_MODEL") for summary in self.production_settings]
        if not values or any(value is not None and value != "auth.User" for value in values):
            return False
        return not any(  # a user model of its own (even unused here) may define its username otherwise
            base.startswith(_USER_MODEL_BASES)
            for summary in self.modules.values() for definition in summary.defs.values() for base in definition.bases
        )

    @cached_property
    def root_urlconfs(self) -> frozenset[str]:
        """The URL confs the production settings name as ``ROOT_URLCONF`` (none: not known)."""
        return frozenset(
            value for summary in self.production_settings
            if isinstance(value := self.settings_value(summary, "ROOT_URLCONF"), str) and value in self.modules
        )

    @cached_property
    def admin_only_apps(self) -> frozenset[str]:
        """App objects a ``before_request`` hook with an admin decorator closes to all but administrators."""
        return frozenset(
            name for summary in self.shipped_summaries for name in summary.admin_hooks
        )

    @cached_property
    def limited_apps(self) -> frozenset[str]:
        """App objects a limiter in a module of the project (not a test) covers whole."""
        return frozenset(
            name for summary in self.shipped_summaries for name in summary.limited_apps
        )

    @cached_property
    def upload_limited_families(self) -> frozenset[str]:
        """Handler families whose every request has a size limit: Flask's ``MAX_CONTENT_LENGTH`` outside tests,
        an app-wide middleware named for a body-size limit, or one in the production Django ``MIDDLEWARE``."""
        found = set()
        for summary in self.shipped_summaries:
            if summary.upload_limits:
                found.add("flask")
            found.update(
                FAMILIES.get(framework, framework) for framework, target in summary.middleware
                if names_size_limit(target)
            )
        for summary in self.production_settings:
            middleware = self.settings_value(summary, "MIDDLEWARE")
            if isinstance(middleware, list) and any(
                isinstance(entry, str) and names_size_limit(entry) for entry in middleware
            ):
                found.add("django")
        return frozenset(found)
