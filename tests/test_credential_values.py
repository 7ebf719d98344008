"""Which literal values are placeholders, not secrets (analysis.credential_values.is_placeholder): a phrase telling
whoever deploys to set the value is one; a verb and a noun alone may be someone's weak secret."""

import pytest

from backend_lint.analysis.credential_values import is_placeholder

PLACEHOLDERS = ["set-in-production", "must-be-set", "override-me", "please-set-a-secret-key",
                "set-your-own-secret-key", "replace-this-value", "change-me", "SET-ME-PLEASE", "<your-api-key>", ""]
NOT_PLACEHOLDERS = ["update-password", "generate-secure-token", "update-the-secret-key", "hard-to-guess-in-production",
                    "s3cr3t-Passw0rd", "django-insecure-8f2k1m0x9q"]


@pytest.mark.parametrize("value", PLACEHOLDERS)
def test_placeholder(value: str) -> None:
    assert is_placeholder(value)


@pytest.mark.parametrize("value", NOT_PLACEHOLDERS)
def test_not_placeholder(value: str) -> None:
    assert not is_placeholder(value)
