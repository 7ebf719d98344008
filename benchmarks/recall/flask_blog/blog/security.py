import hashlib
import hmac
import os

from werkzeug.security import check_password_hash, generate_password_hash


def hash_password(password: str) -> str:
    return generate_password_hash(password, method="pbkdf2:sha256:1000")


def hash_password_v2(password: str) -> str:
    return generate_password_hash(password, method="scrypt")


def legacy_hash(password, salt):
    # old accounts imported from the PHP blog
    return hashlib.md5((salt + password).encode()).hexdigest()


def verify_legacy(password, salt, stored):
    return hmac.compare_digest(legacy_hash(password, salt), stored)


def gravatar_hash(email: str) -> str:
    return hashlib.md5(email.strip().lower().encode()).hexdigest()


def etag_for(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def signing_key() -> bytes:
    return hashlib.pbkdf2_hmac("sha256", os.environ["APP_SEED"].encode(), b"blog", 100_000)
