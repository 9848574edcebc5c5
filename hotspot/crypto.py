"""Encryption of secrets at rest (config tokens, RADIUS secrets, API tokens)."""

from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(k.encode()) for k in keys])


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt(value: str) -> str:
    return fernet().encrypt(value.encode()).decode()


def decrypt(value: str) -> str:
    try:
        return fernet().decrypt(value.encode()).decode()
    except InvalidToken:
        raise ValueError("stored secret cannot be decrypted with FIELD_ENCRYPTION_KEY") from None


TOKEN_PREFIX = "gAAAAA"  # every Fernet token (version byte 0x80 + timestamp) starts so


class EncryptedTextField(models.TextField):
    """A text field stored encrypted with Fernet; Python code sees clear text.

    Serialized (dumpdata, fixtures) it stays encrypted: a backup never holds the secret
    in clear, and loading it back (to_python) decrypts it with the same keys.
    """

    def get_prep_value(self, value):
        if value is None or value == "":
            return value
        return encrypt(str(value))

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return decrypt(value)

    def value_to_string(self, obj):
        value = self.value_from_object(obj)
        return encrypt(value) if value else value

    def to_python(self, value):
        if isinstance(value, str) and value.startswith(TOKEN_PREFIX):
            try:
                return fernet().decrypt(value.encode()).decode()
            except InvalidToken:
                return value  # clear text that merely looks like a token
        return value
