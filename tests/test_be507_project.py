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
