"""Which identifiers name a secret (analysis.secret_names), including the "word is not the secret" cases."""

import pytest

from backend_lint.analysis.secret_names import SECRET_WORDS, is_secret_name, secret_word, split_identifier

SECRETS = [
    "password", "passwd", "pwd", "passphrase", "db_password", "DB_PASSWORD", "dbPassword", "old_password2",
    "secret", "SECRET_KEY", "secretKey", "api_key", "apikey", "APIKey", "apiKey", "API_KEY", "private_key",
    "client_secret", "clientSecret", "aws_secret_access_key", "access_token", "AUTH_TOKEN", "refreshToken",
    "reset_token", "secret_value", "password_hash", "db_pass", "SMTP_PASS", "credentials", "webhook_secret",
    "signing_key", "_password", "re_password",
]
NOT_SECRETS = [
    "token_type", "token_url", "TOKEN_URL", "password_reset_url", "PASSWORD_RESET_PATH", "password_field",
    "secret_name", "password_length", "PASSWORD_MIN_LENGTH", "token_endpoint", "tokenUrl", "cache_key",
    "SESSION_KEY", "primary_key", "public_key", "next_token", "page_token", "nextPageToken", "eos_token",
    "max_tokens", "update_token", "ChangeToken", "tokens", "tokenizer", "is_secret", "show_password", "require_token", "first_pass",
    "REGEX_PASSWORD", "pattern_token",
    "bypass", "secret_id", "AWS_ACCESS_KEY_ID", "api_key_header", "PASSWORD_HASHERS", "key", "",
    "reset_password", "change_password", "forgot_password",
]


@pytest.mark.parametrize("name", SECRETS)
def test_names_a_secret(name: str) -> None:
    assert is_secret_name(name)


@pytest.mark.parametrize("name", NOT_SECRETS)
def test_only_mentions_a_secret(name: str) -> None:
    assert not is_secret_name(name)


def test_split_identifier() -> None:
    assert split_identifier("getAPIKey") == ["get", "api", "key"]
    assert split_identifier("AWS_SECRET_ACCESS_KEY") == ["aws", "secret", "access", "key"]
    assert split_identifier("password2") == ["password", "2"]


def test_configurable_words() -> None:
    assert not is_secret_name("atm_pin")
    assert secret_word("atm_pin", SECRET_WORDS | {"pin"}) == "pin"
    assert secret_word("dbPassword") == "password"
