import argparse
import asyncio
import logging

from . import db


async def _purge(days: int) -> int:
    await db.database.connect()
    n = await db.database.execute("DELETE FROM events WHERE starts_at < now() - make_interval(days => :d)", {"d": days})
    await db.database.disconnect()
    return n


def main() -> None:
    p = argparse.ArgumentParser(description="events admin")
    p.add_argument("--purge-days", type=int, default=365)
    args = p.parse_args()
    n = asyncio.run(_purge(args.purge_days))
    logging.info("purged %s events", n)
    print(f"purged {n}")


if __name__ == "__main__":
    main()
