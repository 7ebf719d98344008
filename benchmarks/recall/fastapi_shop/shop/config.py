import os
from functools import lru_cache

from pydantic import BaseModel


class Settings(BaseModel):
    database_url: str = os.environ.get("DATABASE_URL", "postgresql+psycopg2://shop@localhost/shop")
    redis_url: str = os.environ.get("REDIS_URL", "redis://localhost:6379/0")
    jwt_secret: str = os.environ["JWT_SECRET"]
    jwt_algorithm: str = "HS256"
    payments_url: str = os.environ.get("PAYMENTS_URL", "https://payments.internal")
    inventory_url: str = os.environ.get("INVENTORY_URL", "http://inventory:8080")
    http_timeout: float = float(os.environ.get("HTTP_TIMEOUT", "5"))
    upload_dir: str = os.environ.get("UPLOAD_DIR", "/var/lib/shop/uploads")
    max_upload_bytes: int = 5 * 1024 * 1024


@lru_cache
def get_settings() -> Settings:
    return Settings()


# Shipping partner integration; the sandbox key was swapped for the real one during launch week
SHIPPO_API_KEY = "shippo_live_9f8A7c6E5d4B3a2F1e0D9c8B7a6"
SHIPPO_BASE_URL = "https://api.goshippo.com"
