"""BE201 across modules: a helper that only command line code calls (Django management commands) runs in the
operator's terminal, even when its module also holds helpers the service calls; a route handler is never taken for
one. The CLI and flake8 run as real processes."""

from __future__ import annotations

import textwrap
from pathlib import Path

from tests.projects import findings_of, write_project

HELPERS = textwrap.dedent('''\
    import requests


    def read_csv_from_url(url):
        return requests.get(url).text  # only management commands call it


    def party_colour(slug):
        return requests.get(f"https://example.org/parties/{slug}").json()  # a view calls it
''')

PROJECT = {
    "pyproject.toml": '[project]\nname = "ynr"\n',
    "manage.py": "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'ynr.settings')\n",
    "ynr/__init__.py": "",
    "ynr/settings.py": "SECRET_KEY = 'x'\nROOT_URLCONF = 'ynr.urls'\n",
    "ynr/results/__init__.py": "",
    "ynr/results/helpers.py": HELPERS,
    "ynr/results/views.py": textwrap.dedent('''\
        from django.http import JsonResponse

        from ynr.results.helpers import party_colour


        def colour(request, slug):
            return JsonResponse(party_colour(slug))
    '''),
    "ynr/urls.py": textwrap.dedent('''\
        from django.urls import path

        from ynr.results import views

        urlpatterns = [path("colour/<slug>", views.colour)]
    '''),
    "ynr/results/management/__init__.py": "",
    "ynr/results/management/commands/__init__.py": "",
    "ynr/results/management/commands/import_results.py": textwrap.dedent('''\
        from django.core.management.base import BaseCommand

        from ynr.results.helpers import read_csv_from_url


        class Command(BaseCommand):
            def handle(self, *args, **options):
                self.stdout.write(read_csv_from_url(options["url"]))
    '''),
}


def test_a_helper_only_management_commands_call(tmp_path: Path) -> None:
    found = findings_of(write_project(tmp_path, PROJECT), "BE201")
    assert ("ynr/results/helpers.py", 5) not in found
    assert ("ynr/results/helpers.py", 9) in found


def test_a_view_calling_the_helper_keeps_it(tmp_path: Path) -> None:
    project = dict(PROJECT)
    project["ynr/results/views.py"] = PROJECT["ynr/results/views.py"].replace(
        "import party_colour", "import party_colour, read_csv_from_url").replace(
        "return JsonResponse(party_colour(slug))", "return JsonResponse({'csv': read_csv_from_url(slug)})")
    found = findings_of(write_project(tmp_path, project), "BE201")
    assert ("ynr/results/helpers.py", 5) in found
