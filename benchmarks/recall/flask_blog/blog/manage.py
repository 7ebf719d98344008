import click
from flask.cli import with_appcontext

from .db import Post, User, db
from .security import hash_password


@click.command("create-user")
@click.argument("username")
@click.argument("password")
@with_appcontext
def create_user(username, password):
    db.session.add(User(username=username, email=f"{username}@blog.example", password_hash=hash_password(password)))
    db.session.commit()
    print(f"created {username}")


@click.command("recount")
@with_appcontext
def recount():
    for user in User.query.all():
        n = Post.query.filter_by(author_id=user.id).count()
        click.echo(f"{user.username}: {n}")
