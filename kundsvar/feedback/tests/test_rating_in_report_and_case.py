"""A comment stays with the rating it was written for (F2): when the customer changes a
bad rating to good, the complaint is still shown under "Bad" in the report, the counts
follow the current rating, and the agent sees both on the case page."""

from datetime import UTC, datetime, timedelta

import pytest

from kundsvar.accounts.models import Membership, Role
from kundsvar.cases import services as cases
from kundsvar.feedback import queries
from kundsvar.feedback.services import RatingChangeUnconfirmed, rate
from kundsvar.shops.tests.factories import AgentFactory, ShopFactory

pytestmark = pytest.mark.django_db
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
def answered(shop):
    anna = AgentFactory(shops=[shop], username="anna", first_name="Anna")
    case = cases.open_case(
        shop,
        "email",
        cases.Inbound(
            from_address="karin@example.se",
            subject="Jackan",
            body_text="Hej!",
            received_at=NOW - timedelta(hours=5),
        ),
    )
    return case, cases.reply(case, anna, "Svar.", now=NOW - timedelta(hours=4))


def _complaint_then_good(answered):
    case, answer = answered
    rate(case, answer, "bad", "Fel färg på jackan.", now=NOW - timedelta(hours=3))
    with pytest.raises(RatingChangeUnconfirmed):
        rate(case, answer, "good", now=NOW - timedelta(hours=2))  # not without asking
    return rate(case, answer, "good", "Nu löst, tack!", change=True, now=NOW - timedelta(hours=1))


def test_a_changed_rating_counts_once_with_its_new_score(shop, answered):  # F2
    _complaint_then_good(answered)
    qs = queries.ratings(shop, NOW.date(), NOW.date())
    assert queries.total(qs) == queries.Csat(good=1, bad=0)


def test_the_complaint_stays_under_bad_in_the_report(client, owner, answered):  # F2
    _complaint_then_good(answered)
    client.force_login(owner)
    page = client.get("/feedback/report/nordljus/").content.decode()
    comments = page[page.index('id="csat-comments"') :]
    items = comments.split("<li")[1:]
    complaint = next(i for i in items if "Fel färg på jackan." in i)
    thanks = next(i for i in items if "Nu löst, tack!" in i)
    assert '<span class="badge">Bad</span>' in complaint and "changed" in complaint
    assert '<span class="badge">Good</span>' in thanks and "Fel färg" not in thanks


def test_the_case_page_shows_the_rating_and_its_comment(client, shop, answered):  # F2
    case, answer = answered
    agent = AgentFactory(shops=[shop], username="bo", language="en")
    client.force_login(agent)
    page = client.get(f"/cases/{case.number}/").content.decode()
    assert 'id="case-rating"' not in page  # nothing to show before a rating
    _complaint_then_good(answered)
    page = client.get(f"/cases/{case.number}/").content.decode()
    block = page[page.index('id="case-rating"') :]
    block = block[: block.index("</div>")]
    assert "Good" in block and "Nu löst, tack!" in block and "26 Nov" in block
    assert "Fel färg på jackan." in block and "changed" in block  # the earlier one, marked
