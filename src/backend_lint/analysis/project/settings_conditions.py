"""Facts about the project's settings: which settings modules it runs, which settings its code reads, renders
or compares, and which of them name an address (BE405, BE503, BE504). The kinds and
:class:`~.conditions.ProjectFact` are in :mod:`.conditions` (which explains how a rule asks a fact);
:class:`~.model.ProjectModel` decides these like the others.
"""

from __future__ import annotations

from backend_lint.analysis.facts import project_fact
from backend_lint.analysis.project.conditions import (
    COMPARED_DEFAULT,
    OVERLAID_CONFIG,
    PUBLISHED_SETTING,
    SERVED_BY_WSGI,
    UNNAMED_SETTINGS,
    UNREAD_SETTING,
    URL_ADDRESS,
    ProjectFact,
)


@project_fact
def unread_setting(qualified: str) -> ProjectFact:
    """The settings module's constant ``qualified`` (``pybossa.default_settings.SECRET``) is read by no module of the
    application outside the tests and the migrations: none uses an attribute, an import or a path-like string
    word of its name (``app.config["SECRET"]``, ``settings.SECRET``), none star-imports the module (which could
    read it bare), and the project is an application, not a library whose users might (:mod:`.def_reach`;
    BE503). A value no code reads protects nothing."""
    return ProjectFact(UNREAD_SETTING, (qualified,))


@project_fact
def served_by_wsgi(module: str) -> ProjectFact:
    """A WSGI or ASGI entry module of the project (``wsgi.py``, ``asgi.py``, ``*_wsgi.py``; not a test) imports
    ``module`` or a name from it: a server serves the application through that module, so ``module``'s own
    ``app.run(...)`` under its main guard is a development launcher (ihatemoney's ``run.py``; BE504)."""
    return ProjectFact(SERVED_BY_WSGI, (module,))


@project_fact
def unnamed_settings(module: str) -> ProjectFact:
    """The project names the settings modules it runs with (``DJANGO_SETTINGS_MODULE`` given a value in its
    code, ``manage.py``, ``wsgi.py``, or in its deployment and configuration files) and ``module``, a settings
    module, is none of them, nor imported or named by any module outside the tests: no deployment of the project
    runs it (cla_backend's stub ``settings/production.py``; BE504)."""
    return ProjectFact(UNNAMED_SETTINGS, (module,))


@project_fact
def published_setting(name: str) -> ProjectFact:
    """A module of the project (not a test) renders the setting ``name`` (``A4_OPENMAPTILES_TOKEN``) into the
    pages it serves: shown to every visitor, public by design (BE503;
    :mod:`backend_lint.analysis.published_settings`)."""
    return ProjectFact(PUBLISHED_SETTING, (name,))


@project_fact
def compared_default(qualified: str) -> ProjectFact:
    """A module of the project (not a test) compares the constant ``qualified``
    (``ihatemoney.default_settings.SECRET_KEY``) with ``==``/``!=``: a default the application checks for and
    warns about, a sentinel (BE503; :mod:`backend_lint.analysis.sentinels`)."""
    return ProjectFact(COMPARED_DEFAULT, (qualified,))


@project_fact
def url_address(name: str) -> ProjectFact:
    """A model of the project (not a test) writes its field ``name`` into its canonical URL (``get_absolute_url``),
    or a viewset looks objects up by it (``lookup_field``): ``name`` is the objects' public address, not a
    credential (BE405; :mod:`backend_lint.analysis.url_addresses`)."""
    return ProjectFact(URL_ADDRESS, (name,))


@project_fact
def overlaid_config(qualified: str) -> ProjectFact:
    """A module of the project (not a test) loads the module or class ``qualified``
    (``flaskbb.configs.default.DefaultConfig``) with ``config.from_object(...)`` and then, in the same function, the
    deployment's own configuration file over it (``from_pyfile``, ``from_envvar``): its
    values are the defaults the deployment replaces (BE503; :mod:`backend_lint.analysis.config_layers`)."""
    return ProjectFact(OVERLAID_CONFIG, (qualified,))
