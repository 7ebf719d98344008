import asyncio
import logging

import httpx

from . import db
from .clients import TicketingClient

logger = logging.getLogger("events.worker")


async def send_reminders() -> None:
    await db.database.connect()
    events = await db.database.fetch_all("SELECT id, title FROM events WHERE starts_at::date = current_date + 1")
    async with httpx.AsyncClient(timeout=10) as client:
        for ev in events:
            people = await db.database.fetch_all("SELECT email FROM attendees WHERE event_id = :e", {"e": ev["id"]})
            for p in people:
                await client.post("https://mailer.internal/send", json={"to": p["email"], "subject": f"Tomorrow: {ev['title']}"})
    logger.info("reminders sent for %d events", len(events))


async def reconcile(ticket_ids: list[str]) -> None:
    client = TicketingClient()
    for tid in ticket_ids:
        try:
            await client.cancel(tid)
        except Exception:
            logger.warning("cancel %s failed", tid)


if __name__ == "__main__":
    asyncio.run(send_reminders())
