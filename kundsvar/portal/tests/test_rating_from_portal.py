"""The satisfaction question in the portal (R4, F1): a bad rating or a comment reopens."""

from urllib.parse import urlsplit

import pytest

from kundsvar.cases import queries, services
from kundsvar.cases.models import Direction, Status
from kundsvar.feedback.models import Rating
from kundsvar.portal.links import portal_url

pytestmark = pytest.mark.django_db


def _rate(client, case, answer, score, comment=""):
    return client.post(
        urlsplit(portal_url(case)).path,
        {"action": "rate", "answer": answer.pk, "score": score, "comment": comment},
    )


def test_a_good_rating_is_recorded_and_the_case_stays_answered(client, answered):  # F1
    case, answer = answered
    response = _rate(client, case, answer, "good")
    assert response.status_code == 302 and response["Location"].endswith("?sent=rating")
    rating = Rating.objects.get(message=answer)
    assert rating.score == "good" and rating.agent == answer.author
    case.refresh_from_db()
    assert case.status == Status.ANSWERED and case.satisfaction == 1
    page = client.get(response["Location"]).content.decode()
    assert 'value="good" required checked' in page


def test_a_bad_rating_reopens_the_case(client, agent, answered):  # F1, S3
    case, answer = answered
    _rate(client, case, answer, "bad")
    case.refresh_from_db()
    assert Rating.objects.get(message=answer).score == "bad"
    assert case.status == Status.OPEN and case.is_follow_up and case.due_at is not None
    assert list(queries.queue(agent))[0] == case


def test_a_comment_reaches_the_team(client, answered):  # F1
    case, answer = answered
    _rate(client, case, answer, "good", "Men färgen var fel, 811218-9876")
    case.refresh_from_db()
    assert case.status == Status.OPEN
    last = case.messages.filter(direction=Direction.INBOUND).last()
    assert last.body_text.startswith("Men färgen var fel")
    assert "811218-9876" not in last.body_text  # C3


def test_only_the_latest_answer_can_be_rated(client, agent, answered):
    case, old = answered
    services.reply(case, agent, "Ett svar till.")
    response = _rate(client, case, old, "bad")
    assert response.status_code == 404
    assert not Rating.objects.exists()


def test_an_answer_of_another_case_cannot_be_rated(client, shop, agent, answered):
    from kundsvar.cases.tests.factories import open_email_case

    case, _answer = answered
    other = open_email_case(shop, case.received_at, sender="erik@example.se")
    foreign = services.reply(other, agent, "Svar till Erik.")
    assert _rate(client, case, foreign, "bad").status_code == 404
    assert not Rating.objects.exists()


def test_demo_ratings_fill_the_report_without_reopening(answered):  # F2
    from kundsvar.portal.demo import add_ratings

    case, answer = answered
    assert add_ratings(case.shop) == 1
    assert Rating.objects.get(message=answer).score == "good"
    case.refresh_from_db()
    assert case.status == Status.ANSWERED
    assert add_ratings(case.shop) == 0  # once
