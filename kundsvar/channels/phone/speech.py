"""Spoken texts for 46elks, which plays audio by address and has no text-to-speech: the
same words Twilio says with <Say> ("Tryck 1 så ringer vi upp dig senast 14.30"),
spoken by espeak-ng (settings.PHONE_SPEECH_COMMAND) into a WAV file at run time, offline.

Each text is rendered once per voice and kept in the file store under the SHA-256 of
voice and text (speech/<sha>.wav); the address 46elks fetches is signed, names only
that file and expires after a day (a call's prompt is fetched within seconds). With no
renderer installed `url` gives None and the call goes on without spoken words."""

import hashlib
import logging
import re
import shutil
import subprocess

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse

from kundsvar.core import links

log = logging.getLogger(__name__)
VOICES = {"sv": "sv", "nb": "nb", "da": "da", "en": "en-gb"}
SPEED = 150  # words a minute: a little slower than espeak's default, for a phone line
RENDER_SECONDS = 10
LINK_DAYS = 1
CLOCK = {"sv": "klockan", "nb": "klokken", "da": "klokken"}
_TIME = re.compile(r"\b(\d{1,2})[.:](\d{2})\b")


def spoken(text: str, language: str) -> str:
    """The text as it should be read out: "kl. 09.00" is "klockan 9", "14.30" is
    "14:30" (espeak reads a dot as "punkt")."""

    def clock(match: re.Match) -> str:
        hour, minute = int(match[1]), match[2]
        return str(hour) if minute == "00" else f"{hour}:{minute}"

    text = _TIME.sub(clock, text)
    return text.replace("kl. ", CLOCK.get(language, "") + " ").replace("  ", " ")


def renderer() -> str | None:
    command = settings.PHONE_SPEECH_COMMAND
    return shutil.which(command) if command else None


def _key(text: str, language: str) -> str:
    voice = VOICES.get(language, VOICES["en"])
    return hashlib.sha256(f"{voice}\n{SPEED}\n{text}".encode()).hexdigest()


def _name(key: str) -> str:
    return f"speech/{key[:2]}/{key}.wav"


def render(text: str, language: str) -> str | None:
    """The key of `text` spoken in `language`, rendered now unless it was before; None
    when there is no renderer or it failed (logged: the call goes on without it)."""
    key = _key(text, language)
    if default_storage.exists(_name(key)):
        return key
    command = renderer()
    if command is None:
        return None
    voice = VOICES.get(language, VOICES["en"])
    try:
        done = subprocess.run(  # noqa: S603 — our own texts, no shell
            [command, "-v", voice, "-s", str(SPEED), "--stdout", spoken(text, language)],
            capture_output=True,
            timeout=RENDER_SECONDS,
            check=True,
        )
    except (OSError, subprocess.SubprocessError):
        log.exception("speaking %r failed", text)
        return None
    if not done.stdout.startswith(b"RIFF"):
        log.error("speaking %r gave no WAV: %r", text, done.stderr[:200])
        return None
    default_storage.save(_name(key), ContentFile(done.stdout))
    return key


def url(request, text: str, language: str) -> str | None:
    """An absolute, signed address of `text` spoken, for 46elks' "play" and "ivr"."""
    key = render(text, language)
    if key is None:
        return None
    token = links.sign("speech", {"k": key})
    return request.build_absolute_uri(reverse("phone:speech", args=[token]))


def open_audio(token: str):
    """The WAV a signed address names, open for reading; None when the address is
    wrong, expired or its file gone."""
    data = links.unsign("speech", token, max_age_days=LINK_DAYS) or {}
    key = data.get("k")
    if not isinstance(key, str) or len(key) != 64 or not key.isalnum():
        return None
    try:
        return default_storage.open(_name(key), "rb")
    except (FileNotFoundError, OSError):
        return None
