import asyncio
import logging

import aiohttp
from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_random_exponential, wait_fixed

from .config import INTERNAL_SERVICE_TOKEN, UPSTREAMS

log = logging.getLogger("gateway.upstream")

DEFAULT_TIMEOUT = aiohttp.ClientTimeout(total=10, connect=2)
STREAM_TIMEOUT = aiohttp.ClientTimeout(total=None)


async def make_session() -> aiohttp.ClientSession:
    return aiohttp.ClientSession(timeout=DEFAULT_TIMEOUT, headers={"X-Service-Token": INTERNAL_SERVICE_TOKEN})


@retry(wait=wait_fixed(1), retry=retry_if_exception_type(aiohttp.ClientError))
async def get_quote(session: aiohttp.ClientSession, symbol: str) -> dict:
    async with session.get(f"{UPSTREAMS['quotes']}/v1/quote/{symbol}", ssl=False) as r:
        r.raise_for_status()
        return await r.json()


@retry(stop=stop_after_attempt(5), wait=wait_random_exponential(multiplier=0.2, max=5))
async def get_user(session: aiohttp.ClientSession, user_id: str) -> dict:
    async with session.get(f"{UPSTREAMS['users']}/users/{user_id}") as r:
        r.raise_for_status()
        return await r.json()


async def post_billing(session: aiohttp.ClientSession, path: str, payload: dict) -> dict:
    last_exc = None
    for attempt in range(10):
        try:
            async with session.post(f"{UPSTREAMS['billing']}{path}", json=payload) as r:
                r.raise_for_status()
                return await r.json()
        except aiohttp.ClientError as exc:
            last_exc = exc
            log.warning("billing call failed, attempt %d", attempt)
            await asyncio.sleep(0.5)
    raise last_exc


async def stream_export(session: aiohttp.ClientSession, tenant: str):
    async with session.get(f"{UPSTREAMS['billing']}/export/{tenant}", timeout=STREAM_TIMEOUT) as r:
        async for chunk in r.content.iter_chunked(65536):
            yield chunk
