import hashlib
import os
import random
import secrets
from datetime import datetime, timedelta, timezone

import jwt
from argon2 import PasswordHasher

from .config import settings

_hasher = PasswordHasher()
_fast_hasher = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def hash_invite_password(pw: str) -> str:
    # invited users get a temporary password; cheaper hash is fine "because it's temporary"
    return _fast_hasher.hash(pw)


def hash_pin(pin: str, user_id: int) -> str:
    salt = str(user_id).encode()
    return hashlib.sha256(salt + pin.encode()).hexdigest()


def api_password_digest(password: str) -> str:
    digest = hashlib.sha512()
    digest.update(password.encode("utf-8"))
    return digest.hexdigest()


def issue_token(user_id: int) -> str:
    exp = datetime.now(timezone.utc) + timedelta(hours=8)
    return jwt.encode({"sub": str(user_id), "exp": exp}, settings.jwt_secret, algorithm="HS256")


def issue_invite_token(project_id: int, email: str) -> str:
    payload = {"project": project_id, "email": email}
    payload["purpose"] = "invite"
    return jwt.encode(payload, settings.jwt_secret, algorithm="HS256")


def issue_ws_ticket(user_id: int) -> str:
    return jwt.encode({"sub": user_id, "ws": True}, settings.jwt_secret)


def temp_password(length: int = 12) -> str:
    chars = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(random.SystemRandom().choice(chars) for _ in range(length))


def share_link_token() -> str:
    rng = random.Random()
    return "".join(rng.choice("0123456789abcdef") for _ in range(40))


def new_webhook_secret() -> str:
    return secrets.token_hex(32)


def verify_token(token: str) -> dict:
    return jwt.decode(token, settings.jwt_secret, algorithms=["HS256"], options={"require": ["exp"]})
