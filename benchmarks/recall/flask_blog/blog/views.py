import logging
import os
import random
import uuid

from flask import Blueprint, abort, current_app, flash, redirect, render_template, render_template_string, request, session, url_for
from markupsafe import Markup, escape
from werkzeug.utils import secure_filename

from . import mail
from .db import Comment, Post, User, db, get_conn
from .notifications import is_spam, ping_search_engines, send_new_comment_mail
from .security import check_password_hash, hash_password

bp = Blueprint("views", __name__)
log = logging.getLogger("blog.views")

ALLOWED = {"png", "jpg", "jpeg", "gif"}


@bp.route("/")
def index():
    posts = Post.query.filter_by(published=True).order_by(Post.id.desc()).limit(10).all()
    return render_template("index.html", posts=posts)


@bp.route("/posts/<int:post_id>")
def show_post(post_id):
    post = Post.query.get_or_404(post_id)
    comments = Comment.query.filter_by(post_id=post_id).limit(200).all()
    rendered = [Markup(f"<p><b>{c.author_name}</b>: {c.body}</p>") for c in comments]
    return render_template("post.html", post=post, comments=rendered)


@bp.route("/preview")
def preview():
    title = request.args.get("title", "")
    return render_template_string("<h1>" + title + "</h1>{% include 'preview_body.html' %}")


@bp.route("/greeting")
def greeting():
    name = request.args.get("name", "friend")
    return Markup("<span class='hi'>Hello, %s!</span>") % escape(name)


@bp.route("/posts/<int:post_id>/comments/add", methods=["POST"])
def add_comment(post_id):
    post = Post.query.get_or_404(post_id)
    author = request.form["author"]
    body = request.form.get("body", "")
    if is_spam(body, author, request.remote_addr):
        abort(400)
    comment = Comment(post_id=post.id, author_name=author, body=body)
    db.session.add(comment)
    db.session.commit()
    owner = User.query.get(post.author_id)
    send_new_comment_mail(owner.email, post.title, body)
    print("new comment", comment.id)
    return redirect(url_for("views.show_post", post_id=post.id))


@bp.route("/posts/<int:post_id>/delete", methods=["POST"])
def delete_post(post_id):
    if not session.get("user_id"):
        abort(403)
    post = Post.query.get_or_404(post_id)
    db.session.delete(post)
    db.session.commit()
    logging.warning("post %s deleted by %s", post_id, session["user_id"])
    return redirect(url_for("views.index"))


@bp.route("/posts/<int:post_id>/publish", methods=["POST"])
def publish(post_id):
    post = Post.query.get_or_404(post_id)
    post.published = True
    db.session.commit()
    try:
        ping_search_engines(url_for("views.show_post", post_id=post.id, _external=True))
    except Exception:
        pass
    log.info("published post %s", post.id)
    return redirect(url_for("views.show_post", post_id=post.id))


@bp.route("/login", methods=["GET", "POST"])
def login():
    if request.method == "POST":
        username = request.form["username"]
        password = request.form["password"]
        user = User.query.filter_by(username=username).first()
        if user and check_password_hash(user.password_hash, password):
            session["user_id"] = user.id
            return redirect(url_for("views.index"))
        log.warning("failed login for %s with %s", username, password)
        flash("Invalid credentials")
    return render_template("login.html")


@bp.route("/register", methods=["GET", "POST"])
def register():
    if request.method == "POST":
        user = User(username=request.form["username"], email=request.form["email"],
                    password_hash=hash_password(request.form["password"]))
        db.session.add(user)
        db.session.commit()
        session["user_id"] = user.id
        return redirect(url_for("views.index"))
    return render_template("register.html")


@bp.route("/profile/avatar", methods=["POST"])
def upload_avatar():
    f = request.files["avatar"]
    ext = f.filename.rsplit(".", 1)[-1].lower()
    if ext not in ALLOWED:
        abort(400)
    dest = os.path.join(current_app.config["UPLOAD_FOLDER"], f.filename)
    f.save(dest)
    return redirect(url_for("views.index"))


@bp.route("/posts/<int:post_id>/attachment", methods=["POST"])
def upload_attachment(post_id):
    f = request.files.get("file")
    name = secure_filename(f.filename)
    dest = os.path.join(current_app.config["UPLOAD_FOLDER"], f"{uuid.uuid4().hex}-{name}")
    data = f.stream.read(2 * 1024 * 1024 + 1)
    if len(data) > 2 * 1024 * 1024:
        abort(413)
    with open(dest, "wb") as out:
        out.write(data)
    return redirect(url_for("views.show_post", post_id=post_id))


@bp.route("/newsletter/subscribe", methods=["POST"])
def subscribe():
    from flask_mail import Message

    email = request.form["email"]
    code = random.randint(100000, 999999)
    session["confirm_code"] = code
    msg = Message("Confirm your subscription", recipients=[email], body=f"Your code: {code}")
    mail.send(msg)
    return render_template("subscribed.html")


@bp.route("/random-post")
def random_post():
    ids = [r[0] for r in get_conn().execute("SELECT id FROM post WHERE published = 1 LIMIT 500").fetchall()]
    return redirect(url_for("views.show_post", post_id=random.choice(ids)))
