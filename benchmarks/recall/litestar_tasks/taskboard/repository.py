import logging
from dataclasses import dataclass
from datetime import datetime

import psycopg2
import psycopg2.extras
from psycopg2 import sql

from .config import settings

logger = logging.getLogger(__name__)


@dataclass
class Task:
    id: int
    project_id: int
    title: str
    description: str
    status: str
    assignee_id: int | None
    created_at: datetime


class TaskRepository:
    def __init__(self, dsn: str = settings.pg_dsn):
        self.conn = psycopg2.connect(dsn)
        self.conn.autocommit = True

    def _query(self, q, params=None):
        with self.conn.cursor(cursor_factory=psycopg2.extras.RealDictCursor) as cur:
            cur.execute(q, params)
            return cur.fetchall()

    def get(self, task_id: int) -> Task | None:
        with self.conn.cursor(cursor_factory=psycopg2.extras.RealDictCursor) as cur:
            cur.execute("SELECT * FROM tasks WHERE id = %s", (task_id,))
            row = cur.fetchone()
        return Task(**row) if row else None

    def search(self, project_id: int, text: str):
        return self._query(
            f"SELECT id, title, status FROM tasks WHERE project_id = {project_id} AND title ILIKE '%{text}%' LIMIT 100"
        )

    def by_status(self, project_id: int, status: str, limit: int = 50, offset: int = 0):
        return self._query(
            "SELECT id, title, status FROM tasks WHERE project_id = %s AND status = %s ORDER BY id LIMIT %s OFFSET %s",
            (project_id, status, limit, offset),
        )

    def sorted_tasks(self, project_id: int, column: str):
        q = sql.SQL("SELECT id, title FROM tasks WHERE project_id = %s ORDER BY {} LIMIT 100").format(sql.Identifier(column))
        with self.conn.cursor() as cur:
            cur.execute(q, (project_id,))
            return cur.fetchall()

    def all_for_project(self, project_id: int):
        with self.conn.cursor() as cur:
            cur.execute("SELECT id, title, status, assignee_id FROM tasks WHERE project_id = %s ORDER BY id", (project_id,))
            return cur.fetchall()

    def bulk_update_status(self, ids: list[int], status: str):
        with self.conn.cursor() as cur:
            cur.execute("UPDATE tasks SET status = '" + status + "' WHERE id = ANY(%s)", (ids,))

    def insert(self, project_id: int, title: str, description: str) -> int:
        with self.conn.cursor() as cur:
            cur.execute(
                "INSERT INTO tasks (project_id, title, description, status) VALUES (%s, %s, %s, 'open') RETURNING id",
                (project_id, title, description),
            )
            return cur.fetchone()[0]
