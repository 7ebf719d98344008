import os

PG_DSN = os.environ.get("PG_DSN", "postgresql://gateway@localhost/gateway")
REDIS_URL = os.environ.get("REDIS_URL", "redis://localhost:6379/3")
JWT_KEY = os.environ.get("JWT_KEY", "")
UPSTREAMS = {
    "billing": os.environ.get("BILLING_URL", "http://billing:8000"),
    "quotes": os.environ.get("QUOTES_URL", "https://quotes.partner.example"),
    "users": os.environ.get("USERS_URL", "http://users:8000"),
}
UPLOAD_ROOT = os.environ.get("UPLOAD_ROOT", "/data/gateway/uploads")
# shared with the billing service until we move to mTLS
INTERNAL_SERVICE_TOKEN = "c2VydmljZS10b2tlbi1hYmMxMjM0NTY3ODkwZGVm"
ADMIN_PASSWORD = os.environ["GATEWAY_ADMIN_PASSWORD"]
