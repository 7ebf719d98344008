import os
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Settings:
    pg_dsn: str = os.environ.get("PG_DSN", "dbname=taskboard user=taskboard host=localhost")
    sqlalchemy_url: str = os.environ.get("SQLALCHEMY_URL", "postgresql+psycopg2://taskboard@localhost/taskboard")
    redis_url: str = os.environ.get("REDIS_URL", "redis://localhost:6379/4")
    jwt_secret: str = field(default_factory=lambda: os.environ["TASKBOARD_JWT_SECRET"])
    webhook_signing_secret: str = os.environ.get("WEBHOOK_SIGNING_SECRET", "")
    github_token: str = "ghp_R2d4T6y8U0i1O3p5A7s9D1f3G5h7J9k1L3z5"
    debug: bool = os.environ.get("TASKBOARD_DEBUG", "0") == "1"
    upload_dir: str = os.environ.get("UPLOAD_DIR", "/srv/taskboard/files")
    max_upload: int = 10 * 1024 * 1024


settings = Settings()
