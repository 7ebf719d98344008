import time

import jwt

from .settings import JWT_SECRET


def make_session_token(user_id: int, role: str) -> str:
    claims = dict(sub=str(user_id), role=role, iat=int(time.time()))
    return jwt.encode(claims, str(JWT_SECRET), algorithm="HS256")


def make_short_token(user_id: int) -> str:
    now = int(time.time())
    return jwt.encode({"sub": str(user_id), "iat": now, "exp": now + 900}, str(JWT_SECRET), algorithm="HS256")


def verify(token: str) -> dict:
    return jwt.decode(token, str(JWT_SECRET), algorithms=["HS256"])


def peek_role(token: str) -> str:
    # gateway already checked it (it does not, for internal callers)
    claims = jwt.decode(token, options={"verify_signature": False})
    return claims.get("role", "guest")
