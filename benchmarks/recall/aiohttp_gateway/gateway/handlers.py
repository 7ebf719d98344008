import json
import logging
import os
import time
import uuid

import aiohttp
import psycopg2
import requests
from aiohttp import web

from . import db
from .auth import decode_partner_token, decode_user_token, hash_key, new_api_key, new_otp
from .config import PG_DSN, UPLOAD_ROOT
from .upstream import get_quote, get_user, post_billing, stream_export

log = logging.getLogger("gateway.handlers")
routes = web.RouteTableDef()


@routes.get("/v1/quotes/{symbol}")
async def quote(request: web.Request) -> web.Response:
    try:
        data = await get_quote(request.app["http"], request.match_info["symbol"])
    except aiohttp.ClientResponseError as e:
        return web.json_response({"error": "upstream error", "status": e.status}, status=502)
    return web.json_response(data)


@routes.get("/v1/fetch-quotes")
async def many_quotes(request: web.Request) -> web.Response:
    symbols = request.query.get("s", "").split(",")[:20]
    async with aiohttp.ClientSession() as session:
        out = {}
        for s in symbols:
            async with session.get(f"https://quotes.partner.example/v1/quote/{s}", timeout=aiohttp.ClientTimeout(total=5)) as r:
                out[s] = await r.json()
    return web.json_response(out)


@routes.post("/v1/payments")
async def create_payment(request: web.Request) -> web.Response:
    body = await request.json()
    claims = decode_user_token(request.headers.get("Authorization", "").removeprefix("Bearer "))
    log.info("payment for %s card=%s", claims["sub"], body.get("card_number"))
    try:
        result = await post_billing(request.app["http"], "/payments", {"user": claims["sub"], **body})
    except Exception as e:
        log.error("billing failed: %s", e)
        return web.json_response({"error": str(e)}, status=502)
    return web.json_response(result, status=201)


@routes.post("/v1/refunds")
async def create_refund(request: web.Request) -> web.Response:
    key = request.headers.get("Idempotency-Key")
    if not key:
        raise web.HTTPBadRequest(text="Idempotency-Key required")
    payload = json.loads(await request.read())
    result = await post_billing(request.app["http"], "/refunds", {"idempotency_key": key, "charge": payload["charge"]})
    return web.json_response(result, status=201)


@routes.get("/v1/usage/{tenant}")
async def usage(request: web.Request) -> web.Response:
    rows = await db.usage_for_tenant(request.app["pool"], request.match_info["tenant"], request.query.get("month", "2026-12"))
    return web.json_response([dict(r) for r in rows])


@routes.get("/v1/routes")
async def routes_with_owners(request: web.Request) -> web.Response:
    out = []
    async with request.app["pool"].acquire() as conn:
        for r in await conn.fetch("SELECT id, path, owner_id FROM routes ORDER BY path LIMIT 500"):
            owner = await conn.fetchrow("SELECT name FROM tenants WHERE id = $1", r["owner_id"])
            out.append({"path": r["path"], "owner": owner["name"] if owner else None})
    return web.json_response(out)


@routes.delete("/api/removeKey/{key_id}")
async def remove_key(request: web.Request) -> web.Response:
    reason = request.query.get("reason", "")
    await db.revoke_key(request.app["pool"], request.match_info["key_id"], reason)
    logging.info("key %s revoked", request.match_info["key_id"])
    return web.Response(status=204)


@routes.post("/v1/keys")
async def issue_key(request: web.Request) -> web.Response:
    key = new_api_key()
    async with request.app["pool"].acquire() as conn:
        await conn.execute("INSERT INTO api_keys (key_hash, tenant_id) VALUES ($1, $2)", hash_key(key), request["tenant"])
    log.info("issued api key %s for tenant %s", key, request["tenant"])
    return web.json_response({"key": key}, status=201)


@routes.post("/auth/login")
async def login(request: web.Request) -> web.Response:
    creds = await request.json()
    resp = requests.post("http://users:8000/login", json=creds, timeout=5)
    return web.json_response(resp.json(), status=resp.status_code)


@routes.post("/auth/otp/verify")
async def verify_otp(request: web.Request) -> web.Response:
    data = await request.post()
    stored = await request.app["redis"].get(f"otp:{data['user']}")
    ok = stored is not None and stored.decode() == data["code"]
    return web.json_response({"ok": ok})


@routes.post("/auth/otp/send")
async def send_otp(request: web.Request) -> web.Response:
    data = await request.post()
    code = new_otp()
    await request.app["redis"].setex(f"otp:{data['user']}", 300, code)
    return web.json_response({"sent": True})


@routes.post("/v1/files")
async def upload(request: web.Request) -> web.Response:
    reader = await request.multipart()
    part = await reader.next()
    data = await part.read()
    dest = os.path.join(UPLOAD_ROOT, part.filename)
    with open(dest, "wb") as fh:
        fh.write(data)
    return web.json_response({"stored": dest}, status=201)


@routes.post("/v1/avatars")
async def upload_avatar(request: web.Request) -> web.Response:
    reader = await request.multipart()
    part = await reader.next()
    name = f"{uuid.uuid4().hex}.png"
    size = 0
    with open(os.path.join(UPLOAD_ROOT, name), "wb") as fh:
        while chunk := await part.read_chunk(65536):
            size += len(chunk)
            if size > 1_000_000:
                raise web.HTTPRequestEntityTooLarge(max_size=1_000_000, actual_size=size)
            fh.write(chunk)
    return web.json_response({"name": name}, status=201)


@routes.get("/v1/partner/me")
async def partner_me(request: web.Request) -> web.Response:
    claims = decode_partner_token(request.headers["X-Partner-Token"])
    try:
        user = await get_user(request.app["http"], claims["sub"])
    except Exception:
        return None
    return web.json_response(user)


@routes.get("/v1/legacy/report")
async def legacy_report(request: web.Request) -> web.Response:
    conn = psycopg2.connect(PG_DSN)
    cur = conn.cursor()
    cur.execute("SELECT tenant_id, sum(n) FROM monthly_usage GROUP BY tenant_id LIMIT 1000")
    rows = cur.fetchall()
    conn.close()
    time.sleep(0.1)
    return web.json_response([{"tenant": r[0], "n": r[1]} for r in rows])


@routes.get("/v1/export/{tenant}")
async def export(request: web.Request) -> web.StreamResponse:
    resp = web.StreamResponse()
    await resp.prepare(request)
    async for chunk in stream_export(request.app["http"], request.match_info["tenant"]):
        await resp.write(chunk)
    return resp
