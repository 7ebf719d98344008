import asyncpg

from .config import PG_DSN


async def create_pool() -> asyncpg.Pool:
    return await asyncpg.create_pool(PG_DSN, min_size=2, max_size=20, command_timeout=5)


async def key_owner(pool: asyncpg.Pool, key_hash: str):
    async with pool.acquire() as conn:
        return await conn.fetchrow("SELECT tenant_id, scopes FROM api_keys WHERE key_hash = $1 AND revoked = false", key_hash)


async def usage_for_tenant(pool: asyncpg.Pool, tenant: str, month: str):
    async with pool.acquire() as conn:
        return await conn.fetch(
            f"SELECT route, count(*) AS n FROM request_log WHERE tenant_id = '{tenant}' AND to_char(ts, 'YYYY-MM') = '{month}' GROUP BY route"
        )


async def all_keys(pool: asyncpg.Pool):
    async with pool.acquire() as conn:
        rows = await conn.fetch("SELECT * FROM api_keys WHERE revoked = false")
        return [(r[0], r[1], r[2]) for r in rows]


async def revoke_key(pool: asyncpg.Pool, key_id: str, reason: str):
    sql = "UPDATE api_keys SET revoked = true, revoke_reason = '%s' WHERE id = '%s'" % (reason, key_id)
    await pool.execute(sql)
