"""Suggestions while typing (rule C6) and deflection measured (K3): who found an answer
in the FAQ and left without sending, who sent anyway; the report is for shop admins."""

import re
from datetime import timedelta

import pytest
from django.urls import NoReverseMatch, reverse

from kundsvar.accounts.models import Agent, Membership, Role
from kundsvar.channels.form.models import ArticleAction, FormSession, SuggestedArticle
from kundsvar.knowledge.models import Article, Vote
from kundsvar.knowledge.services import create_article

from .conftest import fill, session_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def articles(shop, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        delivery = create_article(
            shop,
            language="sv",
            title="Hur lång är leveranstiden?",
            body="Vi skickar inom 1–2 arbetsdagar och leveransen tar sedan 2–4 dagar. "
            "Följ paketet via [spårningslänken](https://nordljus.example/spara).",
        )
        returns = create_article(
            shop,
            language="sv",
            title="Hur gör jag en retur?",
            body="Du har 30 dagars öppet köp. Fyll i returformuläret.",
        )
    return delivery, returns


def suggest(client, shop, text, session=""):
    return client.post(
        f"/s/{shop.slug}/suggest/?lang=sv",
        {"message": text, "session": session},
        HTTP_HX_REQUEST="true",
    )


def test_typing_a_question_suggests_articles(client, shop, articles):  # C6
    session = session_token(client.get(f"/s/{shop.slug}/"))
    response = suggest(client, shop, "Hur lång tid tar leveransen?", session)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Hur lång är leveranstiden?" in html
    assert "Vi skickar inom 1–2 arbetsdagar" in html
    assert "https://nordljus.example/spara" not in html  # excerpt without link addresses
    assert f'hx-post="/s/{shop.slug}/answered/' in html  # "Did this answer …? Yes"
    record = FormSession.objects.get()
    assert record.suggestions_shown == 1
    assert record.last_query == "Hur lång tid tar leveransen?"
    assert SuggestedArticle.objects.filter(
        action=ArticleAction.SHOWN, article_id=articles[0].pk
    ).exists()


def test_short_text_asks_nothing(client, shop, articles):
    assert "Hur lång" not in suggest(client, shop, "Hej").content.decode()


def test_suggestions_failing_never_block(client, shop, monkeypatch):  # C6
    def broken(*args, **kwargs):
        raise RuntimeError("search index is down")

    monkeypatch.setattr("kundsvar.knowledge.queries.suggest", broken)
    response = suggest(client, shop, "Hur lång tid tar leveransen?")
    assert response.status_code == 200


def _article_pages_exist(shop, article) -> bool:
    try:
        reverse("knowledge:article", args=[shop.slug, article.slug])
    except NoReverseMatch:
        return False
    return True


def test_opening_an_article_counts_as_found(client, shop, articles):  # K3
    delivery = articles[0]
    if not _article_pages_exist(shop, delivery):
        pytest.skip("knowledge:article is not routed yet")
    session = session_token(client.get(f"/s/{shop.slug}/"))
    response = client.get(f"/s/{shop.slug}/read/", {"a": delivery.pk, "s": session, "lang": "sv"})
    assert response.status_code == 302
    assert delivery.slug in response["Location"]
    record = FormSession.objects.get()
    assert record.found_at is not None
    assert SuggestedArticle.objects.get(action=ArticleAction.OPENED).article_id == delivery.pk


def test_unpublished_or_foreign_article_is_404(client, shop, articles):
    from kundsvar.shops.tests.factories import ShopFactory

    other = ShopFactory(slug="annan")
    assert client.get(f"/s/{other.slug}/read/", {"a": articles[0].pk}).status_code == 404
    Article.objects.filter(pk=articles[1].pk).update(status="draft")
    assert client.get(f"/s/{shop.slug}/read/", {"a": articles[1].pk}).status_code == 404


def test_yes_answered_counts_as_found_and_votes_once(client, shop, articles):  # K3
    session = session_token(client.get(f"/s/{shop.slug}/"))
    for _ in range(2):
        response = client.post(
            f"/s/{shop.slug}/answered/?lang=en",
            {"article": articles[1].pk, "session": session},
            HTTP_HX_REQUEST="true",
        )
        assert "Glad it helped" in response.content.decode()
    assert FormSession.objects.get().found_at is not None
    assert Vote.objects.filter(article=articles[1], helpful=True).count() == 1


def test_deflection_report_counts(client, shop, clock, articles):  # K3
    # Visit 1: saw suggestions, said yes, left.  Visit 2: saw suggestions, sent anyway.
    # Visit 3: nothing suggested, sent.  Visit 4: saw suggestions, left without a click.
    first = session_token(client.get(f"/s/{shop.slug}/"))
    suggest(client, shop, "Hur gör jag en retur av jackan?", first)
    client.post(f"/s/{shop.slug}/answered/", {"article": articles[1].pk, "session": first})
    data = fill(client, clock, shop, message="Hur lång tid tar leveransen till Kiruna?")
    suggest(client, shop, data["message"], data["session"])
    assert client.post(f"/s/{shop.slug}/?lang=sv", data).status_code == 302
    data = fill(client, clock, shop, message="Kan jag betala med presentkort i butiken?")
    suggest(client, shop, data["message"], data["session"])
    client.post(f"/s/{shop.slug}/?lang=sv", data)
    fourth = session_token(client.get(f"/s/{shop.slug}/"))
    suggest(client, shop, "Leveransen dröjer, vad gör jag?", fourth)
    clock.shift(timedelta(hours=1))  # the visits are over

    admin = Agent.objects.create_user("admin", password="pw")
    Membership.objects.create(agent=admin, shop=shop, role=Role.ADMIN)
    client.force_login(admin)
    response = client.get("/reports/deflection/")
    assert response.status_code == 200
    week = response.context["weeks"][0]
    assert (week.sessions, week.with_suggestions, week.sent, week.deflected, week.found) == (
        4,
        3,
        2,
        2,
        1,
    )
    assert week.rate == pytest.approx(2 / 3)
    top = response.context["top_articles"]
    assert [(row["article_id"], row["visits"], row["answered"]) for row in top] == [
        (articles[1].pk, 1, 1)
    ]
    gaps = {row["query"]: row for row in response.context["gaps"]}
    assert gaps["Kan jag betala med presentkort i butiken?"]["none_found"] is True
    assert gaps["Hur lång tid tar leveransen till Kiruna?"]["none_found"] is False
    html = response.content.decode()
    assert "67 %" in html
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert "<" not in title and shop.name in title  # the page's title is only a title
    assert html.count("<h2>") == len(set(re.findall(r"<h2>(.*?)</h2>", html)))  # once each


def test_report_is_for_shop_admins_only(client, shop):  # K3, permissions
    assert client.get("/reports/deflection/").status_code == 302  # to the login page
    agent = Agent.objects.create_user("agent", password="pw")
    Membership.objects.create(agent=agent, shop=shop, role=Role.AGENT)
    client.force_login(agent)
    assert client.get("/reports/deflection/").status_code == 403


def test_report_shows_only_the_admins_shop(client, shop):
    from kundsvar.shops.tests.factories import ShopFactory

    other = ShopFactory(slug="annan", name="Annan butik")
    admin = Agent.objects.create_user("admin", password="pw")
    Membership.objects.create(agent=admin, shop=shop, role=Role.ADMIN)
    client.force_login(admin)
    response = client.get("/reports/deflection/?shop=annan")
    assert response.context["shop"] == shop
    assert "Annan butik" not in response.content.decode()
    assert other.pk
