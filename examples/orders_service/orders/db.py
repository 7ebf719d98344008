"""Data access for orders, on plain sqlite3."""
import sqlite3

from orders.settings import DATABASE_PATH


def connect() -> sqlite3.Connection:
    conn = sqlite3.connect(DATABASE_PATH)
    conn.row_factory = sqlite3.Row
    return conn


def find_orders_by_customer(customer: str) -> list[sqlite3.Row]:
    conn = connect()
    cur = conn.cursor()
    query = f"SELECT * FROM orders WHERE customer = '{customer}'"
    cur.execute(query)
    return cur.fetchall()


def order_lines(order_ids: list[int]) -> list[sqlite3.Row]:
    conn = connect()
    rows = []
    for order in conn.execute("SELECT id FROM orders"):
        rows.extend(conn.execute("SELECT sku, qty FROM order_lines WHERE order_id = ?", (order["id"],)))
    return rows


def insert_order(customer: str, total: float) -> int:
    conn = connect()
    with conn:
        cur = conn.execute("INSERT INTO orders (customer, total) VALUES (?, ?)", (customer, total))
    return int(cur.lastrowid)
