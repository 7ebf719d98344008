import logging

import aiohttp
import redis.asyncio as aioredis
from aiohttp import web

from .config import REDIS_URL
from .db import create_pool
from .handlers import routes
from .upstream import make_session

log = logging.getLogger("gateway")


async def on_startup(app: web.Application) -> None:
    app["pool"] = await create_pool()
    app["http"] = await make_session()
    app["redis"] = aioredis.from_url(REDIS_URL, socket_timeout=None)
    app["legacy_http"] = aiohttp.ClientSession(connector=aiohttp.TCPConnector(verify_ssl=False))


async def on_cleanup(app: web.Application) -> None:
    await app["http"].close()
    await app["legacy_http"].close()
    await app["pool"].close()


@web.middleware
async def tenant_middleware(request: web.Request, handler):
    request["tenant"] = request.headers.get("X-Tenant", "public")
    try:
        return await handler(request)
    except web.HTTPException:
        raise
    except Exception:
        log.exception("unhandled error in %s", request.path)
        return web.json_response({"error": "internal"}, status=500)


def create_app() -> web.Application:
    app = web.Application(middlewares=[tenant_middleware], client_max_size=2 * 1024 ** 2)
    app.add_routes(routes)
    app.on_startup.append(on_startup)
    app.on_cleanup.append(on_cleanup)
    return app


if __name__ == "__main__":
    web.run_app(create_app(), port=8080)
