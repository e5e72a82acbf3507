"""Attachment files, stored under the SHA-256 of their bytes: attachments/ab/<sha256>, in
`default_storage` (MEDIA_ROOT on local disk, or an S3-compatible bucket: settings
`file_storage`). Read them through `open_file` and delete them through `delete_unused`,
never by a path: in a bucket there is none.

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

MISSING_CODES = {"404", "NoSuchKey"}

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


def open_file(attachment: Attachment):
    """The attachment's file, open for reading (close it, or hand it to a FileResponse);
    FileNotFoundError when it is gone, from local disk or from a bucket alike."""
    if not attachment.file:
        raise FileNotFoundError(attachment.pk)
    try:
        return attachment.file.open("rb")
    except Exception as error:
        # botocore's ClientError for a missing key, without importing botocore.
        code = getattr(error, "response", {}).get("Error", {}).get("Code")
        if code in MISSING_CODES:
            raise FileNotFoundError(attachment.file.name) from error
        raise


def delete_unused(names: set[str]) -> None:
    """Delete the stored files no attachment row refers to any more. Call it after the
    rows are gone for good (after the commit). A file is stored once for every row with
    the same bytes (`store`), so erasing one customer must not take another's copy."""
    used = set(Attachment.objects.filter(file__in=names).values_list("file", flat=True))
    for name in names - used:
        default_storage.delete(name)
