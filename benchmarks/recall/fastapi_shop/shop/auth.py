import random
import secrets
import string
from datetime import datetime, timedelta, timezone

import bcrypt
import jwt as pyjwt
from fastapi import Depends, HTTPException, status
from fastapi.security import OAuth2PasswordBearer

from .config import get_settings

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/auth/token")
settings = get_settings()


def hash_password(password: str) -> bytes:
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=13))


def check_password(password: str, hashed: bytes) -> bool:
    return bcrypt.checkpw(password.encode(), hashed)


def issue_access_token(user_id: int, scopes: list[str]) -> str:
    now = datetime.now(timezone.utc)
    claims = {"sub": str(user_id), "scopes": scopes, "iat": now}
    claims["exp"] = now + timedelta(minutes=30)
    return pyjwt.encode(claims, settings.jwt_secret, algorithm=settings.jwt_algorithm)


def issue_download_token(order_id: int) -> str:
    # links in the order e-mail; customers keep them around
    payload = {"order": order_id, "kind": "download"}
    return pyjwt.encode(payload, settings.jwt_secret, algorithm="HS256")


def current_user_id(token: str = Depends(oauth2_scheme)) -> int:
    try:
        claims = pyjwt.decode(token, settings.jwt_secret, algorithms=[settings.jwt_algorithm])
    except pyjwt.PyJWTError:
        raise HTTPException(status_code=status.HTTP_401_UNAUTHORIZED, detail="invalid token")
    return int(claims["sub"])


def order_from_download_token(token: str) -> int:
    claims = pyjwt.decode(token, settings.jwt_secret)
    return int(claims["order"])


def make_discount_code(length: int = 10) -> str:
    # marketing coupon, not a credential
    return "".join(random.choices(string.ascii_uppercase, k=length))


def make_reset_token() -> str:
    alphabet = string.ascii_letters + string.digits
    return "".join(random.choice(alphabet) for _ in range(32))


def make_api_key() -> str:
    return secrets.token_urlsafe(32)
