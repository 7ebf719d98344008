"""What helpers of another module do with the database, on whole projects through the real CLI and
``flake8 --select BE``: the SQL pairs they return (BE101) and the queries they run (BE103).

Each project puts the helper that settles a finding next to one that must not (a pair whose SQL takes the
caller's text, a helper that builds a queryset without running it, a cached lookup), so a model that takes
every helper on trust fails as surely as one that reads none.
"""

from __future__ import annotations

from pathlib import Path

from tests.processes import run_cli
from tests.projects import findings_of, write_project

SQL_PAIRS = {
    "pyproject.toml": '[project]\nname = "reports"\nversion = "1"\n',
    "reports/__init__.py": "",
    "reports/queries.py": """\
        TABLE = "orders"


        def build_query(status):
            return "SELECT id FROM orders WHERE status = %s", [status]


        def columns(status):
            picked = "id, total" if status else "id"
            return picked, (status,)


        def table_and_filter(status):
            if status == "archived":
                return TABLE + "_archive", [status]
            return TABLE, [status]


        def caller_columns(names, status):
            return ", ".join(names), [status]


        def not_a_pair(status):
            if status:
                return "id", [status]
            return "id"
    """,
    "reports/views.py": """\
        from reports import queries
        from reports.queries import build_query, caller_columns, columns, not_a_pair


        def spread(cursor, status):
            cursor.execute(*build_query(status))


        def unpacked(cursor, status):
            sql, params = build_query(status)
            cursor.execute(sql, params)


        def picked_columns(cursor, status):
            picked, params = columns(status)
            cursor.execute(f"SELECT {picked} FROM orders WHERE note = '{picked}'", params)


        def archived(cursor, status):
            table, params = queries.table_and_filter(status)
            cursor.execute(f"SELECT id FROM orders WHERE kind = '{table}'", params)


        def from_the_caller(cursor, names, status):
            picked, params = caller_columns(names, status)
            cursor.execute(f"SELECT id FROM orders WHERE note = '{picked}'", params)


        def mixed(cursor, status):
            picked, params = not_a_pair(status)
            cursor.execute(f"SELECT id FROM orders WHERE note = '{picked}'", params)
    """,
}


def test_sql_text_unpacked_from_a_helper_of_another_module(tmp_path: Path) -> None:
    """BE101 leaves alone a value formatted into SQL that a helper of another module returns as constant text in
    every tuple (a literal, a choice of literals, a module constant and text built from it); a pair whose text
    joins the caller's names, or a helper that does not always return a tuple, keeps the finding. A pair run
    as it is (``execute(*build_query(x))``, ``sql, params = ...``) was never reported: BE101 does not report
    SQL it cannot see being built."""
    root = write_project(tmp_path, SQL_PAIRS)
    assert findings_of(root, "BE101") == {("reports/views.py", 26), ("reports/views.py", 31)}
    result = run_cli("check", "--select", "BE101", "--no-cache", "--stdin-filename", "reports/views.py", "-",
                     cwd=root, stdin=(root / "reports/views.py").read_bytes())
    assert result.stdout.decode().count("BE101") == 4, result.stdout.decode()  # alone: the file cannot tell


HELPER_QUERIES = {
    "pyproject.toml": """\
        [project]
        name = "shop"
        version = "1"

        [tool.backend-lint.BE103]
        report-helper-queries = true
    """,
    "shop/__init__.py": "",
    "shop/models.py": """\
        from django.db import models


        class Customer(models.Model):
            name = models.CharField(max_length=40)


        class Order(models.Model):
            customer = models.ForeignKey(Customer, on_delete=models.CASCADE)
            total = models.IntegerField()
    """,
    "shop/lookups.py": """\
        from functools import lru_cache

        from django.core.cache import cache
        from django.db import connection

        from shop.models import Customer, Order


        def load_customer(order):
            return Customer.objects.get(pk=order.customer_id)


        def order_count(customer):
            if customer is None:
                return 0
            return Order.objects.filter(customer=customer).count()


        def raw_total(order):
            with connection.cursor() as cursor:
                cursor.execute("SELECT sum(total) FROM shop_order WHERE customer_id = %s", [order.customer_id])
                return cursor.fetchone()


        def orders_of(customer):
            return Order.objects.filter(customer=customer)


        def count_if(customer, wanted):
            if wanted:
                return Order.objects.filter(customer=customer).count()
            return 0


        @lru_cache(maxsize=None)
        def customer_by_pk(pk):
            return Customer.objects.get(pk=pk)


        def cached_count(customer):
            return cache.get_or_set(f"count-{customer.pk}", lambda: Order.objects.filter(customer=customer).count())


        def label(order):
            return f"#{order.pk}"
    """,
    "shop/views.py": """\
        from django.http import JsonResponse

        from shop import lookups
        from shop.lookups import count_if, customer_by_pk, load_customer, order_count, orders_of
        from shop.models import Customer, Order


        def orders(request):
            rows = []
            for order in Order.objects.filter(total__gt=0):
                rows.append(load_customer(order))
                rows.append(lookups.raw_total(order))
                rows.append(orders_of(order))
                rows.append(count_if(order, False))
                rows.append(customer_by_pk(order.customer_id))
                rows.append(lookups.cached_count(order))
                rows.append(lookups.label(order))
            return JsonResponse(rows, safe=False)


        def customers(request):
            counts = [order_count(customer=customer) for customer in Customer.objects.all()]
            for pk in Order.objects.values_list("pk", flat=True):
                load_customer(pk)
            for order in Order.objects.all()[:5]:
                load_customer(order)
            for name in ["a", "b"]:
                load_customer(name)
            load_customer(None)
            return JsonResponse(counts, safe=False)
    """,
    "shop/tasks.py": """\
        from celery import shared_task

        from shop.lookups import load_customer
        from shop.models import Order


        @shared_task
        def nightly():
            for order in Order.objects.all():
                load_customer(order)
    """,
}


def test_a_loop_that_hands_each_row_to_a_helper_that_queries(tmp_path: Path) -> None:
    """With ``report-helper-queries``, BE103 reports a loop over rows that hands the row to a function of another
    module that runs a query on every call (a get, a count after a guard clause, a raw cursor), and leaves alone
    a helper that builds a queryset without running it, queries only on one branch, is cached, or runs no
    query; a loop over plain values, over a handful of rows or over a literal; and a background job."""
    root = write_project(tmp_path, HELPER_QUERIES)
    assert findings_of(root, "BE103") == {
        ("shop/views.py", 11), ("shop/views.py", 12), ("shop/views.py", 22),
    }
    (root / "pyproject.toml").write_text('[project]\nname = "shop"\nversion = "1"\n', encoding="utf-8")
    assert findings_of(root, "BE103") == set()  # off by default
    write_project(root, {"pyproject.toml": HELPER_QUERIES["pyproject.toml"]})
    result = run_cli("check", "--select", "BE103", "--no-cache", "--stdin-filename", "shop/views.py", "-",
                     cwd=root, stdin=(root / "shop/views.py").read_bytes())
    assert "BE103" not in result.stdout.decode(), result.stdout.decode()  # alone: the file cannot tell


SQLALCHEMY_HELPERS = {
    "pyproject.toml": """\
        [project]
        name = "blog"
        version = "1"

        [tool.backend-lint.BE103]
        report-helper-queries = true
    """,
    "blog/__init__.py": "",
    "blog/models.py": """\
        from flask_sqlalchemy import SQLAlchemy

        db = SQLAlchemy()


        class Post(db.Model):
            id = db.Column(db.Integer, primary_key=True)
            author_id = db.Column(db.Integer)


        class Author(db.Model):
            id = db.Column(db.Integer, primary_key=True)
    """,
    "blog/queries.py": """\
        from sqlalchemy import select

        from blog.models import Author, Post, db


        def author_of(post):
            return Author.query.filter_by(id=post.author_id).first()


        def others_of(post, session):
            return session.scalars(select(Post).where(Post.author_id == post.author_id)).all()


        def posts_statement(post):
            return select(Post).where(Post.author_id == post.author_id)
    """,
    "blog/views.py": """\
        from flask import Flask, jsonify

        from blog.models import Post, db
        from blog.queries import author_of, others_of, posts_statement

        app = Flask(__name__)


        @app.get("/posts")
        def posts():
            rows = []
            for post in Post.query.all():
                rows.append(author_of(post))
                rows.append(others_of(post, db.session))
                rows.append(posts_statement(post))
            return jsonify(rows)
    """,
}


def test_sqlalchemy_helpers_that_run_a_query_per_row(tmp_path: Path) -> None:
    """A ``Model.query`` chain ended by ``.first()`` and a session's ``scalars(...)`` in a helper of another module
    run a query per row of the Flask view's loop; a helper that builds a ``select()`` without running it
    does not."""
    root = write_project(tmp_path, SQLALCHEMY_HELPERS)
    assert findings_of(root, "BE103") == {("blog/views.py", 13), ("blog/views.py", 14)}


PLACEHOLDER_HELPERS = {
    "pyproject.toml": '[project]\nname = "ledger"\nversion = "1"\n',
    "ledger/__init__.py": "",
    "ledger/db/__init__.py": "",
    "ledger/db/utils.py": """\
        CHUNK = 500


        def query_chunks(data, size=CHUNK):
            return [
                ((chunk := data[i:i + size]), ",".join(["?"] * len(chunk)))
                for i in range(0, len(data), size)
            ]


        def batches(values):
            for start in range(0, len(values), CHUNK):
                batch = values[start:start + CHUNK]
                yield batch, ", ".join("?" for _ in batch)


        def placeholders(count):
            return ", ".join(["?"] * count)


        def quoted_batches(values):
            return [(value, f"'{value}'") for value in values]


        def joined(names):
            return ", ".join(names)
    """,
    "ledger/views.py": """\
        from flask import request

        from ledger.db import utils
        from ledger.db.utils import batches, joined, placeholders, query_chunks, quoted_batches


        def chunked(cursor):
            ids = request.args.getlist("id")
            for chunk, marks in query_chunks(data=list(ids)):
                cursor.execute(f"SELECT id FROM events WHERE id IN ({marks})", chunk)


        def generated(cursor):
            ids = request.args.getlist("id")
            for batch, marks in utils.batches(ids):
                cursor.execute(f"SELECT id FROM events WHERE id IN ({marks})", batch)


        def counted(cursor):
            ids = request.args.getlist("id")
            cursor.execute(f"SELECT id FROM events WHERE id IN ({placeholders(len(ids))})", ids)


        def quoted(cursor):
            ids = request.args.getlist("id")
            for value, text in quoted_batches(ids):
                cursor.execute(f"SELECT id FROM events WHERE id = {text}")


        def names(cursor):
            names, ids = request.args.getlist("name"), request.args.getlist("id")
            cursor.execute(f"SELECT id FROM events WHERE id IN ({joined(names)})", ids)


        def unused(cursor):
            ids = request.args.getlist("id")
            return batches(ids)


        def numbered(cursor):
            ids, kinds = request.args.getlist("id"), request.args.getlist("kind")
            chunks = query_chunks(ids)
            for index, (chunk, marks) in enumerate(chunks, start=1):
                cursor.execute(f"SELECT id FROM events WHERE id IN ({marks})", chunk)
            for chunk, marks in query_chunks(kinds):
                cursor.execute(f"SELECT id FROM events WHERE kind IN ({marks})", chunk)
    """,
}


def test_placeholder_lists_built_by_a_helper_of_another_module(tmp_path: Path) -> None:
    """BE101 leaves alone a placeholder list made by a helper of another module from the request's values: a
    function returning the joined placeholders (``placeholders(len(ids))``, reported when the file is checked
    alone, which cannot tell); a helper that joins the request's names keeps the finding. The placeholders a loop
    unpacks from a helper's returned tuples (rotki's ``get_query_chunks``, a generator's yielded tuples) are not
    the request's text, so they are no evidence either way (BE101's page: the request must reach the SQL itself
    or through locals)."""
    root = write_project(tmp_path, PLACEHOLDER_HELPERS)
    assert findings_of(root, "BE101") == {("ledger/views.py", 32)}
    result = run_cli("check", "--select", "BE101", "--no-cache", "--stdin-filename", "ledger/views.py", "-",
                     cwd=root, stdin=(root / "ledger/views.py").read_bytes())
    found = result.stdout.decode()
    assert [line.split(":")[1] for line in found.splitlines() if "BE101" in line] == ["21", "32"], found
