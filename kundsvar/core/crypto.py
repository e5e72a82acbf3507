"""Secrets stored encrypted at rest: mailbox and SMTP passwords (Fernet, AES-128-CBC with
an HMAC-SHA256, from the `cryptography` package).

The key comes from the environment: ENCRYPTION_KEY (or ENCRYPTION_KEY_FILE) holds one or
more Fernet keys separated by commas; the first encrypts, all of them decrypt, so a key is
rotated by putting the new one first and running `kundsvar rotate-secrets` (re-encrypts
every stored secret). Make a key with
`python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"`.

Without ENCRYPTION_KEY a key is derived from SECRET_KEY (development and the demo);
`kundsvar check --deploy` warns about that, because whoever has the database and the
settings then has the passwords too.

A value stored before encryption was introduced (no Fernet prefix) is read as it is and
encrypted the next time its row is saved.
"""

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

PREFIX = "fernet:"


def _keys() -> list[bytes]:
    configured = [k.strip() for k in getattr(settings, "ENCRYPTION_KEYS", []) if k.strip()]
    if configured:
        return [k.encode() for k in configured]
    digest = hashlib.sha256(b"kundsvar-encryption:" + settings.SECRET_KEY.encode()).digest()
    return [base64.urlsafe_b64encode(digest)]


def _fernet() -> MultiFernet:
    try:
        return MultiFernet([Fernet(key) for key in _keys()])
    except ValueError as error:
        raise ImproperlyConfigured(f"ENCRYPTION_KEY is not a Fernet key: {error}") from None


def key_from_environment() -> bool:
    return bool([k for k in getattr(settings, "ENCRYPTION_KEYS", []) if k.strip()])


def encrypt(plain: str) -> str:
    if not plain:
        return ""
    return PREFIX + _fernet().encrypt(plain.encode()).decode()


def decrypt(stored: str) -> str:
    """The plain text of a stored value; a value from before encryption as it is."""
    if not stored or not stored.startswith(PREFIX):
        return stored or ""
    try:
        return _fernet().decrypt(stored.removeprefix(PREFIX).encode()).decode()
    except InvalidToken:
        raise ImproperlyConfigured(
            "A stored secret cannot be decrypted with ENCRYPTION_KEY: was the key changed "
            "without keeping the old one after it?"
        ) from None


def rotate(stored: str) -> str:
    """Re-encrypt under the first key (after a new key was put first)."""
    if not stored:
        return ""
    if not stored.startswith(PREFIX):
        return encrypt(stored)
    return PREFIX + _fernet().rotate(stored.removeprefix(PREFIX).encode()).decode()


class EncryptedTextField(models.TextField):
    """A text column whose value is encrypted in the database and plain in Python."""

    def from_db_value(self, value, expression, connection):
        return None if value is None else decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value.startswith(PREFIX):
            return value
        return encrypt(value)
