"""The shop owner's satisfaction report (rule F2): CSAT = good / (good + bad) per week or
month, per agent and per channel, every percentage with its n, and the comments."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kundsvar.accounts.models import Membership, Role
from kundsvar.cases import services as cases
from kundsvar.feedback import queries
from kundsvar.feedback.services import rate
from kundsvar.shops.tests.factories import AgentFactory, ShopFactory

pytestmark = pytest.mark.django_db
# Thursday 26 November 2026, 12:00 UTC; the report's "today".
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _now(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def shop():
    return ShopFactory(name="Nordljus", slug="nordljus")


@pytest.fixture
def owner(shop):
    owner = AgentFactory(username="owner", first_name="Olle", language="en")
    Membership.objects.create(agent=owner, shop=shop, role=Role.ADMIN)
    return owner


@pytest.fixture
def anna(shop):
    return AgentFactory(shops=[shop], username="anna", first_name="Anna", last_name="Berg")


@pytest.fixture
def bo(shop):
    return AgentFactory(shops=[shop], username="bo", first_name="Bo", last_name="Ek")


def rated(shop, agent, score, at, *, channel="email", comment="", sender="kund@example.se"):
    case = cases.open_case(
        shop,
        channel,
        cases.Inbound(
            from_address=sender,
            subject="Fråga",
            body_text="Hej!",
            received_at=at - timedelta(hours=2),
        ),
    )
    answer = cases.reply(case, agent, "Svar.", now=at - timedelta(hours=1))
    return rate(case, answer, score, comment, now=at)


@pytest.fixture
def ratings(shop, anna, bo):
    this_week = NOW - timedelta(days=1)  # Wednesday 25 November
    last_week = NOW - timedelta(days=7)  # Thursday 19 November
    rated(shop, anna, "good", this_week)
    rated(shop, anna, "good", this_week, channel="form")
    rated(shop, bo, "bad", this_week, comment="Svaret kom för sent.")
    rated(shop, bo, "good", last_week, comment="Tack, snabbt och bra!")
    rated(shop, anna, "bad", last_week - timedelta(days=60), comment="Gammal kommentar")


def test_csat_is_good_over_good_plus_bad_with_its_n():  # F2
    csat = queries.Csat(good=2, bad=1)
    assert (csat.n, csat.percent) == (3, 67)
    assert queries.Csat(0, 0).percent is None  # no percentage without ratings


def test_per_week_per_agent_and_per_channel(shop, ratings):  # F2
    qs = queries.ratings(shop, date(2026, 11, 16), date(2026, 11, 26))
    assert queries.total(qs) == queries.Csat(3, 1)
    weeks = queries.by_period(qs, "week", date(2026, 11, 16), date(2026, 11, 26), shop.tz)
    assert [(r.key, r.csat) for r in weeks] == [
        (date(2026, 11, 16), queries.Csat(1, 0)),
        (date(2026, 11, 23), queries.Csat(2, 1)),
    ]
    assert [(r.key, r.csat) for r in queries.by_agent(qs)] == [
        ("Anna Berg", queries.Csat(2, 0)),
        ("Bo Ek", queries.Csat(1, 1)),
    ]
    assert [(r.key, r.csat) for r in queries.by_channel(qs)] == [
        ("email", queries.Csat(2, 1)),
        ("form", queries.Csat(1, 0)),
    ]


def test_months_and_empty_periods(shop, ratings):  # F2
    qs = queries.ratings(shop, date(2026, 9, 1), date(2026, 11, 26))
    months = queries.by_period(qs, "month", date(2026, 9, 1), date(2026, 11, 26), shop.tz)
    assert [(r.key, r.csat.good, r.csat.bad) for r in months] == [
        (date(2026, 9, 1), 0, 1),
        (date(2026, 10, 1), 0, 0),
        (date(2026, 11, 1), 3, 1),
    ]


def test_weeks_are_the_shops_local_weeks(shop, anna):
    # Sunday 22 November 23:30 in Stockholm is 22:30 UTC: still the week of 16 November.
    rated(shop, anna, "good", datetime(2026, 11, 22, 22, 30, tzinfo=UTC))
    qs = queries.ratings(shop, date(2026, 11, 16), date(2026, 11, 26))
    weeks = queries.by_period(qs, "week", date(2026, 11, 16), date(2026, 11, 26), shop.tz)
    assert [r.csat.n for r in weeks] == [1, 0]


def test_the_page_shows_counts_next_to_percentages_and_comments(client, owner, ratings):  # F2
    client.force_login(owner)
    response = client.get("/feedback/report/nordljus/?period=week&start=2026-11-16&end=2026-11-26")
    assert response.status_code == 200
    page = response.content.decode()
    assert "75 %" in page and "3 of 4 good" in page  # never a percentage without its n
    assert "100 %" in page and "2 of 2 good" in page  # Anna
    assert "50 %" in page and "1 of 2 good" in page  # Bo
    assert "Web form" in page
    newest, older = page.index("Svaret kom för sent."), page.index("Tack, snabbt och bra!")
    assert newest < older  # newest first
    assert "Gammal kommentar" not in page  # outside the range


def test_comments_are_masked(client, shop, owner, anna):  # C3
    rated(shop, anna, "bad", NOW - timedelta(hours=3), comment="Mitt pnr 811218-9876, ring mig")
    client.force_login(owner)
    page = client.get("/feedback/report/nordljus/").content.decode()
    assert "811218-9876" not in page
    assert "[personnummer borttaget]" in page


def test_the_query_count_does_not_grow_with_the_ratings(client, shop, owner, anna, bo):
    client.force_login(owner)
    url = "/feedback/report/nordljus/?period=month"

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    rated(shop, anna, "good", NOW - timedelta(days=3), comment="Bra")
    few = count()
    for n in range(12):
        rated(
            shop,
            bo if n % 2 else anna,
            "bad" if n % 3 else "good",
            NOW - timedelta(days=n * 9),
            channel="form" if n % 2 else "email",
            comment=f"k{n}",
            sender=f"kund{n}@example.se",
        )
    assert count() == few
    assert few <= 15


def test_who_may_open_the_report(client, shop, owner, anna):
    other_shop = ShopFactory(slug="annan")
    stranger = AgentFactory(shops=[other_shop], username="stranger")
    url = "/feedback/report/nordljus/"
    assert client.get(url).status_code == 302  # anonymous: log in
    assert "/login/" in client.get(url)["Location"]
    client.force_login(anna)
    assert client.get(url).status_code == 403  # an agent of the shop, not its owner
    client.force_login(stranger)
    assert client.get(url).status_code == 404  # another shop's agent learns nothing
    client.force_login(owner)
    assert client.get(url).status_code == 200
    assert client.get("/feedback/report/")["Location"] == url  # the owner's only shop


def test_the_rating_link_records_on_send(client, shop, anna):  # R4, F1
    from urllib.parse import urlsplit

    from kundsvar.feedback.links import rating_url
    from kundsvar.feedback.models import Rating

    case = cases.open_case(
        shop,
        "email",
        cases.Inbound(
            from_address="kund@example.se", body_text="Hej!", received_at=NOW - timedelta(hours=2)
        ),
    )
    answer = cases.reply(case, anna, "Svar.", now=NOW - timedelta(hours=1))
    path = urlsplit(rating_url(case, answer, "bad")).path
    assert client.get(path).status_code == 200
    assert not Rating.objects.exists()  # opening the link records nothing
    assert client.post(path).status_code == 302  # Send, with the link's score
    assert Rating.objects.get(message=answer).score == "bad"
