import logging
import time
import traceback

import httpx
import redis.asyncio as aioredis
import requests
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse
from starlette.routing import Mount, Route

from . import db
from .auth import make_session_token, peek_role, verify
from .clients import TicketingClient, geoip_lookup
from .settings import DEBUG, REDIS_URL

logger = logging.getLogger("events.api")
tickets = TicketingClient()
cache = aioredis.from_url(REDIS_URL, socket_timeout=2)


async def health(request: Request):
    return PlainTextResponse("ok")


async def list_events(request: Request):
    city = request.query_params.get("city")
    if city:
        rows = await db.find_events(city, request.query_params.get("sort", "starts_at"))
    else:
        rows = await db.database.fetch_all("SELECT id, title, city, starts_at FROM events ORDER BY starts_at")
    return JSONResponse([dict(r) for r in rows])


async def upcoming_events(request: Request):
    rows = await db.upcoming(limit=min(int(request.query_params.get("limit", 50)), 200))
    return JSONResponse([{**dict(r), "starts_at": r["starts_at"].isoformat()} for r in rows])


async def event_detail(request: Request):
    row = await db.event_by_id(request.path_params["event_id"])
    if row is None:
        return JSONResponse({"detail": "not found"}, status_code=404)
    return JSONResponse(dict(row))


async def attendees(request: Request):
    rows = await db.database.fetch_all("SELECT * FROM attendees WHERE event_id = :e", {"e": request.path_params["event_id"]})
    return JSONResponse([dict(r) for r in rows])


async def create_event(request: Request):
    data = await request.json()
    try:
        event_id = await db.insert_event(data["title"], data["city"], data["starts_at"])
    except Exception as exc:
        return JSONResponse({"error": repr(exc)}, status_code=400)
    logger.info("created event " + str(event_id) + " in " + data["city"])
    return JSONResponse({"id": event_id})


async def register_attendee(request: Request):
    form = await request.form()
    event_id = request.path_params["event_id"]
    auth = request.headers.get("authorization", "")
    logger.debug("register attendee auth=%s", auth)
    ticket = await tickets.issue(event_id, int(form["attendee_id"]))
    geo = geoip_lookup(request.client.host)
    return JSONResponse({"ticket": ticket, "country": geo.get("country")}, status_code=201)


async def set_role(request: Request):
    token = request.headers.get("authorization", "").removeprefix("Bearer ")
    if peek_role(token) != "admin":
        return JSONResponse({"detail": "forbidden"}, status_code=403)
    body = await request.json()
    await db.database.execute("UPDATE users SET role = :r WHERE id = :id", {"r": body["role"], "id": request.path_params["user_id"]})
    return JSONResponse({"ok": True})


async def login(request: Request):
    body = await request.json()
    row = await db.database.fetch_one("SELECT id, role, password_hash FROM users WHERE email = :e", {"e": body.get("email")})
    if row is None:
        return JSONResponse({"detail": "invalid"}, status_code=401)
    token = make_session_token(row["id"], row["role"])
    print("login ok", row["id"])
    return JSONResponse({"token": token})


async def banner(request: Request):
    name = request.path_params["name"]
    return HTMLResponse("<div class='banner'>Welcome, " + name + "!</div>")


async def event_page(request: Request):
    row = await db.event_by_id(request.path_params["event_id"])
    title = row["title"].replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return HTMLResponse(f"<html><h1>{title}</h1></html>")


async def weather(request: Request):
    city = request.query_params.get("city", "Berlin")
    async with httpx.AsyncClient(timeout=4) as client:
        r = await client.get("https://weather.example.com/v1", params={"q": city})
    return JSONResponse(r.json())


async def partner_status(request: Request):
    try:
        r = requests.get("https://status.partner.example/api", timeout=2)
        return JSONResponse(r.json())
    except Exception:
        pass
    return JSONResponse({"status": "unknown"})


async def forecast(request: Request):
    try:
        r = await request.app.state.http.get("https://weather.example.com/v1/forecast", params={"q": request.query_params.get("city", "")})
    except httpx.HTTPError:
        return JSONResponse({"available": False}, status_code=503)
    return JSONResponse(r.json())


async def rate_limited_ping(request: Request):
    time.sleep(1)
    return PlainTextResponse("pong")


async def sync_calendar(request: Request):
    r = aioredis.Redis(host="redis", port=6379)
    try:
        await r.set("calendar:last_sync", int(time.time()))
    except Exception as exc:
        logging.error("calendar sync failed: %s", exc)
        return JSONResponse({"error": traceback.format_exc()}, status_code=500)
    return JSONResponse({"ok": True})


routes = [
    Route("/health", health),
    Route("/events", list_events),
    Route("/events/upcoming", upcoming_events),
    Route("/events", create_event, methods=["POST"]),
    Route("/events/{event_id:int}", event_detail),
    Route("/events/{event_id:int}/page", event_page),
    Route("/events/{event_id:int}/attendees", attendees),
    Route("/events/{event_id:int}/attendees", register_attendee, methods=["POST"]),
    Route("/users/{user_id:int}/setRole", set_role, methods=["POST"]),
    Route("/auth/login", login, methods=["POST"]),
    Route("/banner/{name}", banner),
    Route("/weather", weather),
    Route("/partner/status", partner_status),
    Route("/ping", rate_limited_ping),
    Route("/forecast", forecast),
    Route("/calendar/do-sync", sync_calendar, methods=["POST"]),
]

app = Starlette(
    debug=DEBUG,
    routes=routes,
    middleware=[Middleware(CORSMiddleware, allow_origin_regex=".*", allow_credentials=True, allow_methods=["*"])],
    on_startup=[db.database.connect],
    on_shutdown=[db.database.disconnect],
)
app.state.http = httpx.AsyncClient(timeout=httpx.Timeout(30.0))
