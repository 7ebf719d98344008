import sqlite3

from flask import current_app, g
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


def get_conn() -> sqlite3.Connection:
    if "conn" not in g:
        g.conn = sqlite3.connect(current_app.config["SQLITE_PATH"])
        g.conn.row_factory = sqlite3.Row
    return g.conn


def query_db(sql, args=(), one=False):
    cur = get_conn().execute(sql, args)
    rows = cur.fetchall()
    cur.close()
    return (rows[0] if rows else None) if one else rows


def close_conn(exc=None):
    conn = g.pop("conn", None)
    if conn is not None:
        conn.close()


class Post(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(200), nullable=False)
    body = db.Column(db.Text, nullable=False)
    author_id = db.Column(db.Integer, db.ForeignKey("user.id"))
    published = db.Column(db.Boolean, default=False)


class Comment(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    post_id = db.Column(db.Integer, db.ForeignKey("post.id"))
    author_name = db.Column(db.String(80))
    body = db.Column(db.Text)


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    username = db.Column(db.String(80), unique=True)
    email = db.Column(db.String(200))
    password_hash = db.Column(db.String(200))
