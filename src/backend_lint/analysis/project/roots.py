"""Which project a file belongs to, and its dotted module name there.

A project's root is the nearest folder above the file holding ``pyproject.toml``, ``setup.cfg``, ``setup.py`` or
``manage.py``. A ``manage.py`` inside a package (its folder has ``__init__.py``: pulpcore's ``pulpcore/app/``,
lemur's ``lemur/``) is a command of that package, not the root of a project of its own: splitting there would cut the
package's URL confs and settings off from its other modules (BE308 would not see ``pulpcore/app/urls``' ``livez/``
from ``pulpcore/content``). A file with none of them above it belongs to the nearest folder above holding a
``requirements.txt``: an application deployed from a requirements file without packaging metadata (ail's Flask UI
in ``var/www/`` with its blueprints in ``var/www/blueprints/``, a folder without ``__init__.py`` the server puts on
``sys.path``) is one project, and the ``MAX_CONTENT_LENGTH`` its server module sets is seen from the blueprints.
With no such file either (an unpacked wheel, a folder of scripts) it belongs to the
folder that holds its top-level package, so that two packages checked side by side stay two projects; a folder that
is not a package inside one (Alembic's ``fittrackee/migrations/versions/``) belongs to that package's project, unless
a module in it imports a package the folder holds by its top-level name (wazuh's ``wodles/azure/``): a program put on
``sys.path`` whose root is that folder. A
module's name follows its packages: ``shop/orders/views.py`` under ``shop/__init__.py`` and
``shop/orders/__init__.py`` is ``shop.orders.views``, wherever the root is (``src/`` layouts included); a folder
without ``__init__.py`` inside a package is a namespace portion of it (``open_webui/routers/auths.py`` is
``open_webui.routers.auths``); a root that is itself a package holding ``manage.py`` names its modules from the
root down (:func:`_on_path_itself`). The file
system answers are kept per folder: a run asks them once per folder, not once per file.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Optional

ROOT_MARKERS = ("pyproject.toml", "setup.cfg", "setup.py", "manage.py")
_PACKAGING_MARKERS = ("pyproject.toml", "setup.cfg", "setup.py")
_APPLICATION_MARKER = "requirements.txt"


@lru_cache(maxsize=4096)
def _is_package(folder: str) -> bool:
    return os.path.isfile(os.path.join(folder, "__init__.py"))


@lru_cache(maxsize=4096)
def _marked_root(folder: str) -> Optional[str]:
    """The nearest folder at or above ``folder`` holding a root marker (``manage.py`` only outside a package)."""
    package = _is_package(folder)
    markers = _PACKAGING_MARKERS if package else ROOT_MARKERS
    if any(os.path.isfile(os.path.join(folder, marker)) for marker in markers) and not (
        package and _module_named_setup(folder)
    ):
        return folder
    parent = os.path.dirname(folder)
    return None if parent == folder else _marked_root(parent)


_PACKAGING_CALL = re.compile(rb"setuptools|distutils|(?<![.\w])(?<!def )setup\s*\(")
"""A packaging call: ``setup(...)`` itself, not another object's ``setup()`` method nor a function the module
defines by that name (backend.ai's ``manager/api/rest/setup.py`` mentions ``runner.setup()``: a module of the
package, no project root)."""


def _module_named_setup(folder: str) -> bool:
    """The only marker of the package ``folder`` is a ``setup.py`` that packages nothing: a module of the
    package that happens to be named ``setup`` (zentral's ``santa/views/setup.py``, the configuration pages),
    with no ``setuptools``/``distutils`` and no ``setup(`` call. It is not the root of a project of its own."""
    if any(os.path.isfile(os.path.join(folder, marker)) for marker in _PACKAGING_MARKERS if marker != "setup.py"):
        return False
    try:
        with open(os.path.join(folder, "setup.py"), "rb") as handle:
            return _PACKAGING_CALL.search(handle.read(200_000)) is None
    except OSError:
        return False


def _top_package_parent(folder: str) -> str:
    """The folder above the outermost package that ``folder`` belongs to (``folder`` itself if not a package)."""
    while _is_package(folder):
        parent = os.path.dirname(folder)
        if parent == folder:
            break
        folder = parent
    return folder


def project_root(path: str) -> str:
    """The root folder of the project ``path`` (a file) belongs to, absolute."""
    folder = os.path.dirname(path)
    if os.path.isabs(folder):
        return _absolute_folder_root(folder)  # a run asks once per file: normalise each folder once
    return _folder_root(os.path.dirname(os.path.abspath(path)))


def path_in_project(path: str) -> Optional[str]:
    """``path`` (a file) relative to its project's root with ``/`` separators, as linters' per-file globs are
    matched (``models/demo.py``); ``None`` for no file (standard input) or another drive (Windows)."""
    if path in ("", "-"):
        return None
    absolute = os.path.abspath(path)
    try:
        return os.path.relpath(absolute, project_root(absolute)).replace(os.sep, "/")
    except ValueError:
        return None


def role_path(path: str) -> Optional[str]:
    """``path`` (a file) below the folder its module roles are read from (:func:`_role_base`: the repository's
    top, or higher), with ``/`` separators; ``None`` for no file (standard input) or another drive (Windows). It
    depends on the file system only, never on the working folder or on where a configuration was found, so every
    face reads the same roles: the CLI run from any folder, flake8, the summary pass (CI's flake8 run once lacked
    a finding the CLI reported on the bundled example, whose ``examples/`` folder the two read from different
    relative paths)."""
    if path in ("", "-"):
        return None
    absolute = os.path.abspath(path)
    try:
        return os.path.relpath(absolute, _role_base(os.path.dirname(absolute))).replace(os.sep, "/")
    except ValueError:
        return None


@lru_cache(maxsize=4096)
def _role_base(folder: str) -> str:
    """The folder whose sub-folders say the role of a module in ``folder``: the highest of its project root, the
    folder above the outermost package holding it, a project root above it, and the repository's top (the
    nearest folder holding ``.git``, where the search stops; without one, the outermost holding ``.gitignore`` or
    ``.github``: a copy of a repository without its history). Not the project root alone: a nested root cuts off
    the folders that say what its modules are for (a sample project with its own ``pyproject.toml`` under
    ``examples/`` or ``tests/``, the bundled ``examples/orders_service/``; an Alembic ``versions/sqlite/`` without
    ``__init__.py``, prefect's ``_migrations/``, is a root of its own)."""
    top = repository_top(folder)
    base, current = _folder_root(folder), folder
    while current != top:
        parent = os.path.dirname(current)
        if _is_package(current):
            base = _higher(base, parent)
        elif _marked_root(current) == current or _requirements_root(current) == current:
            base = _higher(base, current)
        if parent == current:
            return base
        current = parent
    return _higher(base, current)


def repository_top(folder: str) -> Optional[str]:
    """The top of the repository holding ``folder``: the nearest folder at or above it holding ``.git``; without
    one, the outermost holding ``.gitignore`` or ``.github`` (a copy of a repository without its history);
    ``None`` outside any repository."""
    current, copied = os.path.abspath(folder), None
    while True:
        kept = _kept_by_git(current)
        if kept == ".git":
            return current
        if kept:
            copied = current
        parent = os.path.dirname(current)
        if parent == current:
            return copied
        current = parent


def _higher(folder: str, other: str) -> str:
    """The higher of two folders that both hold the same file."""
    return other if len(other) < len(folder) else folder


@lru_cache(maxsize=4096)
def _kept_by_git(folder: str) -> str:
    """``.git`` when ``folder`` is a repository's top, ``.gitignore`` or ``.github`` when it holds one, else ``""``."""
    return next((name for name in (".git", ".gitignore", ".github") if os.path.exists(os.path.join(folder, name))), "")


@lru_cache(maxsize=4096)
def _absolute_folder_root(folder: str) -> str:
    return _folder_root(os.path.normpath(folder))


@lru_cache(maxsize=4096)
def _requirements_root(folder: str) -> Optional[str]:
    """The nearest folder at or above ``folder`` holding a ``requirements.txt`` (asked only where no packaging
    marker is above)."""
    if os.path.isfile(os.path.join(folder, _APPLICATION_MARKER)):
        return folder
    parent = os.path.dirname(folder)
    return None if parent == folder else _requirements_root(parent)


@lru_cache(maxsize=4096)
def _folder_root(folder: str) -> str:
    marked = _marked_root(folder) or _requirements_root(folder)
    if marked is not None:
        return marked
    parent = os.path.dirname(folder)
    if not _is_package(folder) and parent != folder and _is_package(parent) and not _program_folder(folder):
        folder = parent  # Alembic's ``versions/`` in a package: scripts of that package's project
    return _top_package_parent(folder)


CONTAINER_FILES = ("Dockerfile", "Containerfile")
_DEPLOYMENT_FILES = (_APPLICATION_MARKER, *CONTAINER_FILES)
"""Files that make a folder a program deployed on its own: its own requirements or its own container image."""


def deployed_program(path: str, files: tuple[str, ...] = _DEPLOYMENT_FILES) -> str:
    """The folder (below the project root of ``path``, a file, ``/``-separated) of the program the file belongs to
    when that program is deployed on its own: the nearest folder at or above the file, below the root, that is not a
    package and holds its own ``requirements.txt`` or container file (mem0's ``server/``: a FastAPI service with its
    own ``requirements.txt`` installing the library from the package index and its own ``Dockerfile``, inside the
    library's repository). ``""``: none (the file is part of the project as a whole). ``files``: the files that
    count (:data:`CONTAINER_FILES`: a program whose own container image runs it)."""
    if path in ("", "-"):
        return ""
    absolute = os.path.abspath(path)
    root = project_root(absolute)
    found = _deployed_folder(os.path.dirname(absolute), root, files)
    return "" if found is None else os.path.relpath(found, root).replace(os.sep, "/")


@lru_cache(maxsize=4096)
def _deployed_folder(folder: str, root: str, files: tuple[str, ...]) -> Optional[str]:
    if folder == root or len(folder) <= len(root):
        return None
    if not _is_package(folder) and any(os.path.isfile(os.path.join(folder, name)) for name in files):
        return folder
    return _deployed_folder(os.path.dirname(folder), root, files)


_TOP_IMPORT = re.compile(rb"^[ \t]*(?:from|import)[ \t]+([A-Za-z_]\w*)", re.MULTILINE)


@lru_cache(maxsize=4096)
def _program_folder(folder: str) -> bool:
    """``folder`` (no ``__init__.py``, inside a package) holds packages of its own that a module beside them
    imports by their top-level name (wazuh's ``wodles/azure/``: ``azure-logs.py`` does ``from
    azure_services.graph import start_graph`` and ``from db.orm import ...``): the folder is put on ``sys.path``, a
    program of its own, not scripts of the package above (Alembic's ``versions/`` imports that package)."""
    try:
        entries = os.listdir(folder)
    except OSError:
        return False
    packages = {entry.encode() for entry in entries if entry.isidentifier()
                and _is_package(os.path.join(folder, entry))}
    if not packages:
        return False
    for name in sorted(entry for entry in entries if entry.endswith(".py"))[:_SCAN_FILES]:
        try:
            with open(os.path.join(folder, name), "rb") as handle:
                if any(match in packages for match in _TOP_IMPORT.findall(handle.read(200_000))):
                    return True
        except OSError:
            continue
    return False


@lru_cache(maxsize=4096)
def _importable(folder: str, root: str = "") -> bool:
    """``folder`` is imported as a package: it has ``__init__.py``, or it is a folder named like an identifier
    inside such a package (a namespace portion, PEP 420: Open WebUI's ``open_webui/routers/`` has no
    ``__init__.py``, and ``main.py`` imports ``open_webui.routers.auths``), or one whose own modules import
    relatively (:func:`_imports_relatively`) and lies below the project's ``root``."""
    if _is_package(folder):
        return True
    parent = os.path.dirname(folder)
    if parent == folder or not os.path.basename(folder).isidentifier():
        return False
    below_root = bool(root) and folder.startswith(root + os.sep)
    return _importable(parent, root if below_root else "") or (below_root and _imports_relatively(folder))


_RELATIVE_IMPORT = re.compile(rb"^[ \t]*from[ \t]+\.", re.MULTILINE)
_SCAN_FILES = 50
"""At most this many modules of one folder are read for a relative import."""


def _imports_relatively(folder: str) -> bool:
    """A module directly in ``folder`` (no ``__init__.py``) writes a relative import (``from . import views``,
    ``from .forms import GroupForm``): Python runs those only inside a package, so the folder is one, a namespace
    package (zentral's Django apps under ``server/``: ``realms/`` has no ``__init__.py`` and ``urls.py`` does
    ``from . import views``; ``INSTALLED_APPS`` names ``realms``). Without this its modules would be named as
    top-level ones and collide with those of its sub-folders (``realms/views.py`` and
    ``realms/backends/views.py`` both ``views``)."""
    try:
        names = sorted(name for name in os.listdir(folder) if name.endswith(".py"))[:_SCAN_FILES]
    except OSError:
        return False
    for name in names:
        try:
            with open(os.path.join(folder, name), "rb") as handle:
                if _RELATIVE_IMPORT.search(handle.read(200_000)):
                    return True
        except OSError:
            continue
    return False


def shadowed(path: str) -> bool:
    """``path`` is a module ``x.py`` beside a package ``x/`` (a folder holding ``__init__.py``) in the same folder:
    Python never imports the file. The path finder tries each folder's regular package before its module, so
    ``import pkg.x`` (and ``import x``, ``python -m x``, ``uvicorn x:app``) always gets the package; the file is
    left over from a module turned into a package (letta's ``schemas/providers.py`` beside
    ``schemas/providers/``, horilla's ``attendance/views.py`` beside ``attendance/views/``). A folder without
    ``__init__.py`` loses to the module (it is only a namespace portion): that module is live. A file that is
    only ever run by path (a main guard) still runs: the caller decides that from its text."""
    folder, file_name = os.path.split(os.path.abspath(path))
    stem = file_name[:-3] if file_name.endswith(".py") else ""
    return stem.isidentifier() and stem != "__init__" and _is_package(os.path.join(folder, stem))


def module_name(path: str) -> str:
    """The dotted name ``path`` is imported by: its packages (namespace folders inside a package included),
    then its stem (``__init__`` names the package); ``""`` for a module no import can reach (:func:`shadowed`):
    its name is its package's, whose summary the project model must not confuse with it."""
    absolute = os.path.abspath(path)
    if shadowed(absolute):
        return ""
    folder, file_name = os.path.split(absolute)
    stem = file_name[:-3] if file_name.endswith(".py") else os.path.splitext(file_name)[0]
    parts = [] if stem == "__init__" else [stem]
    root = project_root(absolute)
    while _importable(folder, root) and not (folder == root and _on_path_itself(root)):
        folder, package = os.path.split(folder)
        parts.append(package)
    return ".".join(reversed(parts))


def _on_path_itself(root: str) -> bool:
    """The project's root is a package that runs from inside itself: ``manage.py`` puts its own folder first on
    ``sys.path``, so a Django project whose top folder also holds an ``__init__.py`` (mitxonline: ``pyproject.toml``,
    ``manage.py`` and ``__init__.py`` side by side) imports its apps as ``courses.api``, never as
    ``mitxonline.courses.api``; its modules are named from the root down."""
    return _is_package(root) and os.path.isfile(os.path.join(root, "manage.py"))


def resolve_relative(module: str, is_package: bool, written: str) -> Optional[str]:
    """``from ..tables import X`` written in ``module``: the absolute module (``shop.tables``), else ``None``."""
    level = len(written) - len(written.lstrip("."))
    if not level:
        return written
    parts = module.split(".") if module else []
    keep = len(parts) - level + (1 if is_package else 0)
    if keep < 0 or (keep == 0 and not written[level:]):
        return None
    base = parts[:keep]
    rest = written[level:]
    return ".".join([*base, rest] if rest else base) or None


@lru_cache(maxsize=4096)
def _importable_names(folder: str) -> frozenset[str]:
    """The names ``folder`` holds that an import could name: its sub-folders and its ``.py`` files' stems."""
    try:
        entries = os.listdir(folder)
    except OSError:
        return frozenset()
    return frozenset(entry[:-3] if entry.endswith(".py") else entry for entry in entries)


def first_party(path: str, top: str) -> bool:
    """``top``, the first name of an absolute import written in the file ``path``, is the project's own: a
    folder or module of that name sits in the file's folder or a folder above it, up to the project root
    (``open_webui`` for ``open-webui/open_webui/utils/groups.py``, also without ``__init__.py``; ``core`` for a
    Django app's ``label_studio/users/api.py`` next to ``label_studio/core/``)."""
    folder = os.path.dirname(os.path.abspath(path))
    root = project_root(path)
    if os.path.basename(root) == top:
        return True  # the root is that package itself (ckan's ``ckanext/``, a namespace folder with no marker above)
    while True:
        if top in _importable_names(folder):
            return True
        parent = os.path.dirname(folder)
        if folder in (root, parent):
            return False
        folder = parent


def is_under(path: str, root: str) -> bool:
    return Path(path).resolve().is_relative_to(Path(root).resolve())


def clear() -> None:
    """Forget file-system answers (a long-lived process: the editor's server, after files were created)."""
    _is_package.cache_clear()
    _importable.cache_clear()
    _marked_root.cache_clear()
    _folder_root.cache_clear()
    _program_folder.cache_clear()
    _deployed_folder.cache_clear()
    _importable_names.cache_clear()
    _role_base.cache_clear()
    _kept_by_git.cache_clear()
