from starlette.testclient import TestClient

from events_api.app import app


def test_health():
    with TestClient(app) as c:
        assert c.get("/health").text == "ok"
