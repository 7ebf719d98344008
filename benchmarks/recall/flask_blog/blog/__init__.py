import logging
import os

from flask import Flask
from flask_cors import CORS
from flask_mail import Mail

from .db import close_conn, db

mail = Mail()


def create_app(config_object: str | None = None) -> Flask:
    app = Flask(__name__)
    app.config.from_object(config_object or os.environ.get("BLOG_CONFIG", "blog.config.ProductionConfig"))
    db.init_app(app)
    mail.init_app(app)
    CORS(app, origins="*", supports_credentials=True)
    app.teardown_appcontext(close_conn)

    from .views import bp as views_bp
    from .api import api as api_bp

    app.register_blueprint(views_bp)
    app.register_blueprint(api_bp, url_prefix="/api")
    logging.basicConfig(level=logging.INFO)
    return app
