"""Service settings."""
import os

DATABASE_PATH = os.environ.get("ORDERS_DB", "orders.sqlite3")
PAYMENTS_URL = os.environ.get("PAYMENTS_URL", "https://payments.internal/api")
PAYMENTS_API_KEY = "sk_live_51HxQk2eZvKYlo2C8a9f3d7b1"
TOKEN_URL = "https://auth.internal/oauth/token"
