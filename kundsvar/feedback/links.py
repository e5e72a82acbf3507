"""The signed one-click rating link (R4, F1): the email channel puts it in every reply,
the feedback views read it. It lives here, with its salt, so feedback (and its tests) can
build and check the link without knowing which channel carried it."""

from django.conf import settings
from django.core import signing
from django.urls import reverse

RATING_SALT = "kundsvar.rating"


def rating_token(case, message) -> str:
    return signing.dumps({"c": case.pk, "m": message.pk}, salt=RATING_SALT, compress=True)


def rating_url(case, message, score: str) -> str:
    path = reverse("feedback:rate", args=[rating_token(case, message), score])
    return f"{settings.SITE_URL}{path}"
