import logging

import requests
from flask import Blueprint, current_app, jsonify, request

from .db import Comment, Post, db, get_conn, query_db
from .notifications import fetch_oembed

api = Blueprint("api", __name__)
logger = logging.getLogger(__name__)


@api.get("/posts")
def list_posts():
    posts = Post.query.filter_by(published=True).order_by(Post.id.desc()).all()
    out = []
    for p in posts:
        n = Comment.query.filter_by(post_id=p.id).count()
        out.append({"id": p.id, "title": p.title, "comments": n})
    return jsonify(out)


@api.get("/posts/page")
def posts_page():
    page = request.args.get("page", 1, type=int)
    pag = Post.query.filter_by(published=True).paginate(page=page, per_page=20)
    ids = [p.id for p in pag.items]
    counts = dict(
        db.session.query(Comment.post_id, db.func.count(Comment.id)).filter(Comment.post_id.in_(ids)).group_by(Comment.post_id).all()
    )
    return jsonify([{"id": p.id, "title": p.title, "comments": counts.get(p.id, 0)} for p in pag.items])


@api.get("/posts/<int:post_id>/raw")
def raw_post(post_id):
    row = query_db("SELECT * FROM post WHERE id = ?", (post_id,), one=True)
    return jsonify(dict(row)) if row else ("", 404)


@api.get("/tags/<tag>")
def posts_by_tag(tag):
    rows = query_db(f"SELECT p.id, p.title FROM post p JOIN post_tag t ON t.post_id = p.id WHERE t.tag = '{tag}' LIMIT 50")
    return jsonify([{"id": r[0], "title": r[1]} for r in rows])


@api.get("/authors/search")
def author_search():
    name = request.args.get("q", "")
    cur = get_conn().cursor()
    cur.execute("SELECT id, username FROM user WHERE username LIKE '%%%s%%' LIMIT 20" % name)
    return jsonify([dict(r) for r in cur.fetchall()])


@api.get("/authors/<int:author_id>/posts")
def author_posts(author_id):
    cur = get_conn().cursor()
    cur.execute("SELECT id, title FROM post WHERE author_id = ? ORDER BY id DESC LIMIT 20", (author_id,))
    return jsonify([dict(r) for r in cur.fetchall()])


@api.post("/posts")
def create_post():
    data = request.get_json()
    post = Post(title=data["title"], body=data["body"], author_id=data.get("author_id"))
    db.session.add(post)
    try:
        db.session.commit()
    except Exception as e:
        db.session.rollback()
        return jsonify(error=str(e)), 500
    return jsonify(id=post.id), 201


@api.post("/posts/<int:post_id>/embed")
def embed(post_id):
    url = request.json["url"]
    try:
        info = fetch_oembed(url)
    except Exception:
        return jsonify({})
    return jsonify(info)


@api.get("/stats")
def stats():
    try:
        conn = get_conn()
        views = conn.execute("SELECT count(*) FROM page_view").fetchone()[0]
    except Exception as e:
        current_app.logger.error("stats failed: %s", e)
        return jsonify(error="unavailable"), 503
    return jsonify(views=views)


@api.get("/posts/<int:post_id>/exists")
def post_exists(post_id):
    row = get_conn().execute("SELECT EXISTS (SELECT * FROM post WHERE id = ?)", (post_id,)).fetchone()
    return jsonify(exists=bool(row[0]))


@api.post("/posts/<int:post_id>/reindex")
def reindex(post_id):
    try:
        requests.post("http://search:9200/blog/_refresh", timeout=3)
    except Exception:
        logger.exception("reindex of post %s failed", post_id)
        return jsonify(error="search unavailable"), 503
    logger.info("reindexed post %s by %s", post_id, request.remote_addr)
    return jsonify(ok=True)


@api.get("/weather-widget")
def weather():
    try:
        r = requests.get("https://weather.example.com/now", timeout=2)
        return jsonify(r.json())
    except requests.RequestException:
        return jsonify({"available": False})
