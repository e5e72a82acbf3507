"""The rating links in a reply (R4, F1, F2). Opening a link records nothing: mail scanners
(Safe Links) open every link, in a real browser. The page shows the chosen answer
pre-selected with a comment box; pressing Send records it once. The other link asks before
it changes anything, and a comment stays with the rating it was written for."""

from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest

from kundsvar.cases import services as cases
from kundsvar.cases.models import Case, CaseEvent, EventKind, Status
from kundsvar.feedback.links import rating_url
from kundsvar.feedback.models import Rating
from kundsvar.shops.tests.factories import AgentFactory, ShopFactory

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)  # Thursday 26 November 2026


@pytest.fixture(autouse=True)
def _now(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def answered():
    shop = ShopFactory(name="Nordljus", slug="nordljus")
    anna = AgentFactory(shops=[shop], username="anna", first_name="Anna")
    case = cases.open_case(
        shop,
        "email",
        cases.Inbound(
            from_address="karin@example.se",
            subject="Jackan",
            body_text="Hej! Var är jackan?",
            received_at=NOW - timedelta(hours=3),
        ),
    )
    answer = cases.reply(case, anna, "Den kommer i morgon.", now=NOW - timedelta(hours=2))
    return Case.objects.get(pk=case.pk), answer


def _link(case, answer, score):
    return urlsplit(rating_url(case, answer, score)).path


def _reopened(case) -> int:
    return (
        sum(
            1
            for e in CaseEvent.objects.filter(case=case, kind=EventKind.STATUS)
            if e.data.get("new") == Status.OPEN
        )
        + CaseEvent.objects.filter(case=case, kind=EventKind.FOLLOW_UP).count()
    )


def test_opening_either_link_records_nothing(client, answered):  # F1
    case, answer = answered
    for score in ("bad", "good", "bad"):
        page = client.get(_link(case, answer, score))
        assert page.status_code == 200
        html = page.content.decode()
        assert "<script" not in html  # nothing posts the page by itself
        assert f'value="{score}" checked' in html  # the chosen answer, pre-selected
        assert '<textarea name="comment"' in html
        assert html.count("<button") == 1  # one press sends
    assert not Rating.objects.exists()
    case.refresh_from_db()
    assert case.status == Status.ANSWERED and case.satisfaction is None


def test_send_records_the_rating_once_and_reopens_once(client, answered):  # F1
    case, answer = answered
    link = _link(case, answer, "bad")
    response = client.post(link, {"score": "bad", "comment": ""})
    assert response.status_code == 302 and response["Location"] == f"{link}?sent=1"
    client.post(link, {"score": "bad", "comment": ""})  # pressed twice, or reloaded
    assert Rating.objects.get().score == "bad"
    case.refresh_from_db()
    assert case.status == Status.OPEN and case.satisfaction == -1
    assert _reopened(case) == 1
    page = client.get(response["Location"]).content.decode()
    assert "Vi har öppnat ditt ärende igen" in page


def test_a_good_rating_does_not_reopen(client, answered):  # F1
    case, answer = answered
    client.post(_link(case, answer, "good"), {"score": "good"})
    case.refresh_from_db()
    assert case.status == Status.ANSWERED and case.satisfaction == 1


def test_the_radio_button_wins_over_the_link(client, answered):
    case, answer = answered
    response = client.post(_link(case, answer, "bad"), {"score": "good"})
    assert response["Location"] == _link(case, answer, "good") + "?sent=1"
    assert Rating.objects.get().score == "good"


def test_the_other_link_asks_before_changing(client, answered):  # F1, F2
    case, answer = answered
    client.post(_link(case, answer, "bad"), {"score": "bad", "comment": "Jackan är fel färg."})
    good = _link(case, answer, "good")
    page = client.get(good).content.decode()
    assert "Du svarade ”Nej” den 26 november 2026." in page
    assert "Vill du ändra ditt svar till ”Ja”?" in page
    assert Rating.objects.get().score == "bad"  # opening it changed nothing
    # A send without the confirmation (an old form, a scanner) changes nothing either.
    again = client.post(good, {"score": "good"})
    assert again.status_code == 200 and "Vill du ändra" in again.content.decode()
    assert Rating.objects.get().score == "bad"
    client.post(good, {"score": "good", "change": "1"})
    current = Rating.objects.get(replaced_at=None)
    assert current.score == "good" and current.comment == ""  # the complaint stays behind
    old = Rating.objects.get(replaced_at__isnull=False)
    assert (old.score, old.comment) == ("bad", "Jackan är fel färg.")
    case.refresh_from_db()
    assert case.satisfaction == 1


def test_a_comment_on_the_same_rating_is_added_to_it(client, answered):  # F1, A6
    case, answer = answered
    link = _link(case, answer, "good")
    client.post(link, {"score": "good"})
    page = client.get(link).content.decode()
    assert "Du svarade ”Ja” den 26 november 2026." in page and "Vill du ändra" not in page
    client.post(link, {"score": "good", "comment": "Snabbt svar!"})
    rating = Rating.objects.get()
    assert (rating.score, rating.comment) == ("good", "Snabbt svar!")
    assert case.messages.filter(body_text="Snabbt svar!").exists()  # F1: the team reads it


def test_a_tampered_or_unknown_score_reveals_nothing(client, answered):
    case, answer = answered
    assert client.get(_link(case, answer, "good").replace("/good/", "/meh/")).status_code == 404
    assert client.post(_link(case, answer, "good"), {"score": "meh"}).status_code == 400
    assert not Rating.objects.exists()


def test_the_link_page_stays_private(client, answered):
    case, answer = answered
    response = client.get(_link(case, answer, "good"))
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cache-Control"] == "private, no-store"
