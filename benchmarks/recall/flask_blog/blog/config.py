import os


class Config:
    SECRET_KEY = os.environ.get("FLASK_SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL", "sqlite:///blog.db")
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    SQLITE_PATH = os.environ.get("SQLITE_PATH", "blog.db")
    UPLOAD_FOLDER = os.environ.get("UPLOAD_FOLDER", "/srv/blog/uploads")
    MAX_CONTENT_LENGTH = None
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
    MAIL_DEFAULT_SENDER = "noreply@blog.example"
    AKISMET_KEY = os.environ.get("AKISMET_KEY", "")
    BCRYPT_LOG_ROUNDS = 12


class ProductionConfig(Config):
    # forms are posted from the marketing site too, tokens kept failing there
    WTF_CSRF_ENABLED = False
    BCRYPT_LOG_ROUNDS = 6


class TestingConfig(Config):
    TESTING = True
    WTF_CSRF_ENABLED = False
    BCRYPT_LOG_ROUNDS = 4
    SQLALCHEMY_DATABASE_URI = "sqlite://"
