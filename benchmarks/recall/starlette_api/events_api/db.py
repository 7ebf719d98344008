from databases import Database

from .settings import DATABASE_URL

database = Database(DATABASE_URL, min_size=2, max_size=10)


async def find_events(city: str, sort: str = "starts_at"):
    query = "SELECT id, title, city, starts_at FROM events WHERE city = '" + city + "' ORDER BY " + sort + " LIMIT 100"
    return await database.fetch_all(query)


async def event_by_id(event_id: int):
    return await database.fetch_one("SELECT * FROM events WHERE id = :id", values={"id": event_id})


async def upcoming(limit: int = 50):
    return await database.fetch_all(
        "SELECT id, title, starts_at FROM events WHERE starts_at > now() ORDER BY starts_at LIMIT :limit",
        values={"limit": limit},
    )


async def attendees_for(event_id: int):
    return await database.fetch_all(
        query="SELECT a.id, a.name, a.email FROM attendees a WHERE a.event_id = :eid",
        values={"eid": event_id},
    )


async def insert_event(title: str, city: str, starts_at) -> int:
    return await database.execute(
        "INSERT INTO events (title, city, starts_at) VALUES (:t, :c, :s) RETURNING id",
        values={"t": title, "c": city, "s": starts_at},
    )
