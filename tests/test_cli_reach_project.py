"""Command line reach on a project (the project model's ``cli_modules``): a helper in another package that only
command line code imports, transitively, is command line code, and the rules that leave command line code alone
(BE201, BE101) leave it alone; the same helper also imported by a view, or by a launcher that starts the web
server, is service code and stays flagged. Through the real CLI and ``flake8 --select BE`` as processes.
"""

from __future__ import annotations

from pathlib import Path

from tests.projects import findings_of, write_project

_CLIENT = '''\
    import requests


    class BriefcaseClient:
        def __init__(self, url):
            self.url = url

        def download(self, path):
            return requests.get(self.url + path)
'''

_COMMAND = '''\
    from django.core.management.base import BaseCommand

    from {module} import BriefcaseClient


    class Command(BaseCommand):
        def handle(self, *args, **options):
            BriefcaseClient(options["url"]).download("/forms")
'''

DJANGO = {
    "manage.py": "import sys\n\nfrom django.core.management import execute_from_command_line\n\n"
                 "execute_from_command_line(sys.argv)\n",
    "shop/__init__.py": "",
    "shop/settings.py": 'SECRET_KEY = "x"\nINSTALLED_APPS = ["shop.orders"]\n',
    "shop/orders/__init__.py": "",
    # imported by a management command of another app, and by a command's own helper module only
    "shop/libs/__init__.py": "",
    "shop/libs/briefcase.py": _CLIENT,
    "shop/libs/transfer.py": "import requests\n\nfrom shop.libs.briefcase import BriefcaseClient\n\n\n"
                             "def pull(url):\n    requests.head(url)\n    return BriefcaseClient(url).download('/all')\n",
    "shop/orders/management/__init__.py": "",
    "shop/orders/management/commands/__init__.py": "",
    "shop/orders/management/commands/import_briefcase.py": _COMMAND.format(module="shop.libs.briefcase"),
    "shop/orders/management/commands/pull_all.py": _COMMAND.format(module="shop.libs.transfer").replace(
        "BriefcaseClient(options[\"url\"]).download(\"/forms\")", "pull(options[\"url\"])").replace(
        "import BriefcaseClient", "import pull"),
    # a package whose only outside importer is a command: its __init__ and modules are command line code
    "shop/tools/__init__.py": "from shop.tools.fetch import fetch\n",
    "shop/tools/fetch.py": "import requests\n\n\ndef fetch(url):\n    return requests.get(url)\n",
    "shop/orders/management/commands/fetch_forms.py": "from django.core.management.base import BaseCommand\n\n"
                                                      "from shop.tools import fetch\n\n\n"
                                                      "class Command(BaseCommand):\n"
                                                      "    def handle(self, *args, **options):\n"
                                                      "        fetch(options['url'])\n",
    # the same client, also imported by a view: service code
    "shop/libs/shared.py": _CLIENT,
    "shop/orders/management/commands/import_shared.py": _COMMAND.format(module="shop.libs.shared"),
    "shop/orders/views.py": "from django.http import JsonResponse\n\nfrom shop.libs.shared import BriefcaseClient\n"
                            "\n\ndef forms(request):\n"
                            "    return JsonResponse(BriefcaseClient('https://x').download('/forms').json())\n",
}


def test_helper_only_management_commands_import_is_command_line_code(tmp_path: Path) -> None:
    found = findings_of(write_project(tmp_path, DJANGO), "BE201")
    assert ("shop/libs/briefcase.py", 9) not in found  # only a command imports it
    assert ("shop/libs/transfer.py", 7) not in found  # only a command imports it, through another helper
    assert ("shop/tools/fetch.py", 5) not in found  # in a package only a command imports
    assert ("shop/libs/shared.py", 9) in found  # a view imports it too


CLICK = {
    "pyproject.toml": '[project]\nname = "reviews"\n',
    "manage.py": '''\
        import click

        from reviews import create_app
        from reviews.data import dump_manager

        cli = click.Group()
        cli.add_command(dump_manager.cli, name="dump")


        @cli.command()
        def runserver():
            create_app().run(debug=True)
    ''',
    "reviews/__init__.py": '''\
        from flask import Flask


        def create_app():
            return Flask(__name__)
    ''',
    "reviews/data/__init__.py": "",
    # a click group the launcher registers: command line code, helpers included
    "reviews/data/dump_manager.py": '''\
        import click
        import requests

        cli = click.Group()


        def fetch(url):
            return requests.get(url)


        @cli.command()
        @click.option("--url")
        def pull(url):
            fetch(url)
    ''',
    # imported only by the launcher, which also starts the web server: service code
    "reviews/startup.py": "import requests\n\n\ndef warm(url):\n    return requests.get(url)\n",
    "run.py": '''\
        import argparse

        import uvicorn

        from reviews.startup import warm

        parser = argparse.ArgumentParser()
        args = parser.parse_args()
        warm("https://example.org/")
        uvicorn.run("reviews:create_app", port=8000)
    ''',
}


def test_click_group_a_launcher_registers_is_command_line_code(tmp_path: Path) -> None:
    found = findings_of(write_project(tmp_path, CLICK), "BE201")
    assert ("reviews/data/dump_manager.py", 8) not in found
    assert ("reviews/startup.py", 5) in found  # the launcher that starts the server imports it: service code
