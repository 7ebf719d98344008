from starlette.config import Config
from starlette.datastructures import Secret

config = Config(".env")

DATABASE_URL = config("DATABASE_URL", default="postgresql://events@localhost/events")
REDIS_URL = config("REDIS_URL", default="redis://localhost:6379/2")
JWT_SECRET = config("JWT_SECRET", cast=Secret)
GEOIP_URL = config("GEOIP_URL", default="https://geoip.internal")
TICKETING_URL = config("TICKETING_URL", default="https://tickets.partner.example")
DEBUG = config("DEBUG", cast=bool, default=False)
