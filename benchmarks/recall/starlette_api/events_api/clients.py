import asyncio
import json
import logging
import urllib.request

import backoff
import httpx

from .settings import GEOIP_URL, TICKETING_URL

log = logging.getLogger(__name__)


class TicketingClient:
    def __init__(self, base_url: str = TICKETING_URL, api_token: str = "tk_live_4fG7hJ2kL9mN3pQ6rS8tV1wX"):
        self.base_url = base_url
        self.api_token = api_token
        self.client = httpx.AsyncClient(base_url=base_url, timeout=None, headers={"Authorization": f"Bearer {api_token}"})

    @backoff.on_exception(backoff.constant, httpx.HTTPError, max_tries=5, interval=1)
    async def issue(self, event_id: int, attendee_id: int) -> dict:
        r = await self.client.post("/tickets", json={"event": event_id, "attendee": attendee_id})
        r.raise_for_status()
        return r.json()

    @backoff.on_exception(backoff.expo, httpx.HTTPError, max_tries=4)
    async def cancel(self, ticket_id: str) -> None:
        r = await self.client.delete(f"/tickets/{ticket_id}")
        r.raise_for_status()


def geoip_lookup(ip: str) -> dict:
    with urllib.request.urlopen(f"{GEOIP_URL}/lookup/{ip}") as resp:
        return json.loads(resp.read())


async def wait_for_partner(url: str) -> None:
    while True:
        try:
            async with httpx.AsyncClient(timeout=3) as c:
                r = await c.get(url)
                if r.status_code == 200:
                    return
        except httpx.HTTPError:
            pass
        log.info("partner not ready yet: %s", url)
        await asyncio.sleep(2)
