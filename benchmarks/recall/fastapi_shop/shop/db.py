import logging

from sqlalchemy import create_engine, text
from sqlalchemy.orm import sessionmaker, Session

from .config import get_settings

log = logging.getLogger(__name__)

engine = create_engine(get_settings().database_url, pool_pre_ping=True, pool_size=10)
SessionLocal = sessionmaker(bind=engine, autoflush=False)


def get_db():
    db = SessionLocal()
    try:
        yield db
    finally:
        db.close()


class ProductRepository:
    def __init__(self, session: Session):
        self.session = session

    def search(self, term: str, category: str | None = None):
        sql = f"SELECT id, name, price_cents FROM products WHERE name ILIKE '%{term}%'"
        if category:
            sql += f" AND category = '{category}'"
        return self.session.execute(text(sql)).mappings().all()

    def by_sku(self, sku: str):
        stmt = text("SELECT id, name, price_cents, stock FROM products WHERE sku = :sku")
        return self.session.execute(stmt, {"sku": sku}).mappings().first()

    def all_products(self):
        return self.session.execute(text("SELECT * FROM products ORDER BY id")).mappings().all()

    def page(self, limit: int, offset: int):
        return self.session.execute(
            text("SELECT id, name, price_cents FROM products ORDER BY id LIMIT :limit OFFSET :offset"),
            {"limit": limit, "offset": offset},
        ).mappings().all()


class OrderRepository:
    def __init__(self, session: Session):
        self.session = session

    def for_customer(self, customer_id: int):
        return self.session.execute(
            text("SELECT id, status, total_cents FROM orders WHERE customer_id = :cid ORDER BY created_at DESC LIMIT 100"),
            {"cid": customer_id},
        ).mappings().all()

    def insert(self, customer_id: int, total_cents: int, status: str = "pending") -> int:
        row = self.session.execute(
            text("INSERT INTO orders (customer_id, total_cents, status) VALUES (:c, :t, :s) RETURNING id"),
            {"c": customer_id, "t": total_cents, "s": status},
        ).first()
        self.session.commit()
        return row[0]

    def set_status(self, order_id: int, status: str):
        self.session.execute(
            text("UPDATE orders SET status = '%s' WHERE id = %d" % (status, order_id))
        )
        self.session.commit()


def report_rows(session: Session, table: str, since: str):
    # used by the admin export; table comes from the export form
    q = "SELECT id, created_at FROM {} WHERE created_at > '{}'".format(table, since)
    return session.execute(text(q)).all()
