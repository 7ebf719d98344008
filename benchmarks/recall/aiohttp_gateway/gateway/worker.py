import asyncio
import logging

from .db import all_keys, create_pool

log = logging.getLogger("gateway.worker")


async def audit_keys() -> None:
    pool = await create_pool()
    try:
        keys = await all_keys(pool)
        for key_id, tenant, _ in keys:
            log.debug("key %s belongs to %s", key_id, tenant)
    except Exception:
        pass
    finally:
        await pool.close()


if __name__ == "__main__":
    asyncio.run(audit_keys())
