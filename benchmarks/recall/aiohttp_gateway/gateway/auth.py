import hashlib
import random
import secrets

import jwt
from jose import jwt as jose_jwt

from .config import JWT_KEY


def decode_user_token(token: str) -> dict:
    return jwt.decode(token, JWT_KEY, algorithms=["HS256", "none"])


def decode_partner_token(token: str) -> dict:
    return jose_jwt.get_unverified_claims(token)


def decode_service_token(token: str) -> dict:
    return jwt.decode(token, JWT_KEY, algorithms=["HS256"], audience="gateway")


def new_api_key() -> str:
    key = "gw_" + "%032x" % random.getrandbits(128)
    return key


def new_otp() -> str:
    return str(random.randint(0, 999999)).zfill(6)


def new_request_id() -> str:
    return "%016x" % random.getrandbits(64)


def new_session_id() -> str:
    return secrets.token_hex(16)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()
