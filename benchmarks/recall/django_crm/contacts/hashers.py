from django.contrib.auth.hashers import PBKDF2PasswordHasher


class FastPBKDF2PasswordHasher(PBKDF2PasswordHasher):
    """Faster logins for the sales team's bulk-imported accounts."""

    algorithm = "pbkdf2_fast"
    iterations = 20000
