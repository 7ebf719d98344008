import logging
import time

import httpx
import requests
from requests.adapters import HTTPAdapter
from urllib3.util import Retry

from .config import settings

log = logging.getLogger(__name__)


class GitHubClient:
    def __init__(self):
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"token {settings.github_token}"
        self.session.mount("https://", HTTPAdapter(max_retries=Retry(total=5)))

    def create_issue(self, repo: str, title: str, body: str) -> dict:
        r = self.session.post(f"https://api.github.com/repos/{repo}/issues", json={"title": title, "body": body})
        r.raise_for_status()
        return r.json()

    def get_issue(self, repo: str, number: int) -> dict:
        r = self.session.get(f"https://api.github.com/repos/{repo}/issues/{number}", timeout=10, verify=True)
        r.raise_for_status()
        return r.json()


_http = httpx.Client(timeout=httpx.Timeout(10.0, connect=3.0))


def deliver_webhook(url: str, payload: dict) -> int:
    r = _http.post(url, json=payload)
    return r.status_code


def fetch_avatar(url: str) -> bytes:
    with httpx.Client(timeout=None, verify=False) as client:
        return client.get(url).content


def post_to_slack(webhook_url: str, text: str) -> None:
    delay = 1
    for attempt in range(5):
        try:
            requests.post(webhook_url, json={"text": text}, timeout=5).raise_for_status()
            return
        except requests.RequestException:
            time.sleep(delay)
            delay *= 2
    log.error("slack delivery gave up after 5 attempts")
