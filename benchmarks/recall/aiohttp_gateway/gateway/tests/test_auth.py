import jwt

from gateway.auth import new_api_key


def test_api_key_prefix():
    assert new_api_key().startswith("gw_")


def test_decode():
    tok = jwt.encode({"sub": "u1"}, "x" * 32, algorithm="HS256")
    claims = jwt.decode(tok, options={"verify_signature": False})
    assert claims["sub"] == "u1"
