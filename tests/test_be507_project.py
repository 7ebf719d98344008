"""BE507 on a project: a dict of Elasticsearch client options that skips verification for hosts taken from a
constant of another module (Mayan EDMS's fallback ``client_kwargs`` aimed at ``DEFAULT_HOSTS =
['https://127.0.0.1:9200']`` in ``literals.py``) is left alone, TLS to loopback crossing no network; the same dict
whose imported hosts name a remote node is reported. Through the real CLI and ``flake8 --select BE`` as
processes.
"""

from __future__ import annotations

from pathlib import Path

from tests.projects import findings_of, write_project

BACKEND = '''\
    from elasticsearch import Elasticsearch

    from .literals import DEFAULT_HOSTS, REMOTE_HOSTS


    class SearchBackend:
        def __init__(self, client_kwargs=None):
            self.client_kwargs = client_kwargs or {
                "hosts": DEFAULT_HOSTS,
                "verify_certs": False,
            }
            self.remote_kwargs = {
                "hosts": REMOTE_HOSTS,
                "verify_certs": False,
            }

        def client(self):
            return Elasticsearch(**self.client_kwargs)
'''

PROJECT = {
    "search/__init__.py": "",
    "search/literals.py": '''\
        DEFAULT_HOSTS = ["https://127.0.0.1:9200"]
        REMOTE_HOSTS = ["https://search.internal:9200"]
    ''',
    "search/backend.py": BACKEND,
}


def test_loopback_hosts_of_another_module_are_left_alone(tmp_path: Path) -> None:
    found = findings_of(write_project(tmp_path, PROJECT), "BE507")
    assert ("search/backend.py", 10) not in found
    assert ("search/backend.py", 14) in found


def test_hosts_assigned_twice_are_not_taken_for_loopback(tmp_path: Path) -> None:
    files = dict(PROJECT)
    files["search/literals.py"] = '''\
        DEFAULT_HOSTS = ["https://127.0.0.1:9200"]
        DEFAULT_HOSTS = ["https://search.internal:9200"]
        REMOTE_HOSTS = ["https://search.internal:9200"]
    '''
    assert ("search/backend.py", 10) in findings_of(write_project(tmp_path, files), "BE507")


SCANNER = {
    "pyproject.toml": '[project]\nname = "scanner"\nversion = "1"\n',
    "scanner/__init__.py": "",
    "scanner/http.py": '''\
        import requests


        def fetch(url):
            return requests.get(url, verify=False, timeout=5).text
    ''',
}


def test_a_security_scanner_reaching_hosts_it_tests_is_left_alone(tmp_path: Path) -> None:
    readme = "# Scanner\n\nScanner is a modular vulnerability scanner that checks websites of organisations.\n"
    assert findings_of(write_project(tmp_path, {**SCANNER, "README.md": readme}), "BE507") == set()


def test_an_application_whose_readme_says_otherwise_is_reported(tmp_path: Path) -> None:
    readme = "# Shop\n\nAn online shop. It talks to a payment gateway.\n" + "x\n" * 2000 + "a security scanner\n"
    found = findings_of(write_project(tmp_path, {**SCANNER, "README.md": readme}), "BE507")
    assert ("scanner/http.py", 5) in found  # the scanner words sit past the README's opening
