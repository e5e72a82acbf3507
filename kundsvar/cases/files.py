"""Attachment files, stored under the SHA-256 of their bytes: attachments/ab/<sha256>.

The customer's file name is data on the Attachment row, never part of a path: names
like "Kvitto nr. 123456 … .pdf" are long, have inner dots, slashes and any character,
and once made `FileField` (100 characters) refuse the whole mail (issue #10). The same
file sent twice is stored once.
"""

import hashlib
import os
import unicodedata

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from .models import Attachment

NAME_LIMIT = Attachment._meta.get_field("filename").max_length


def store(payload: bytes) -> tuple[str, str]:
    """Put `payload` in storage (idempotent); returns its SHA-256 and its storage name.
    Safe to call outside any transaction: a file no row refers to is harmless, and
    storing it again finds it there."""
    sha = hashlib.sha256(payload).hexdigest()
    name = f"attachments/{sha[:2]}/{sha}"
    if not default_storage.exists(name):
        name = default_storage.save(name, ContentFile(payload))
    return sha, name


def display_name(name: str, default: str = "bilaga") -> str:
    """The customer's file name, fit for the column and a download header: the last path
    component, no control characters, at most NAME_LIMIT characters with the extension
    kept (a ".pdf" that survives is what lets the agent open it)."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip()
    if len(name) > NAME_LIMIT:
        stem, ext = os.path.splitext(name)
        ext = ext if len(ext) <= 16 else ""
        name = stem[: NAME_LIMIT - len(ext)].rstrip() + ext
    return name or default
