"""The portal's rating follows the rating links' rules (F1, F2): another answer than the
one given asks first, and a comment stays with the rating it was written for."""

from urllib.parse import urlsplit

import pytest

from kundsvar.feedback.models import Rating
from kundsvar.portal.links import portal_url

pytestmark = pytest.mark.django_db


def _rate(client, case, answer, score, comment="", **extra):
    return client.post(
        urlsplit(portal_url(case)).path,
        {"action": "rate", "answer": answer.pk, "score": score, "comment": comment, **extra},
    )


def test_changing_the_answer_asks_first(client, answered):  # F1, F2
    case, answer = answered
    _rate(client, case, answer, "bad", "Jackan är fel färg.")
    response = _rate(client, case, answer, "good")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Vill du ändra ditt svar till ”Ja”?" in page
    assert 'name="change" value="1"' in page
    assert Rating.objects.get().score == "bad"
    response = _rate(client, case, answer, "good", change="1")
    assert response.status_code == 302
    current = Rating.objects.get(replaced_at=None)
    assert (current.score, current.comment) == ("good", "")
    assert Rating.objects.get(replaced_at__isnull=False).comment == "Jackan är fel färg."


def test_sending_the_same_answer_again_records_it_once(client, answered):  # F1
    case, answer = answered
    _rate(client, case, answer, "bad")
    _rate(client, case, answer, "bad")
    assert Rating.objects.count() == 1
