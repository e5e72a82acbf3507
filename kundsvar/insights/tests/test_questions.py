"""Rule K1: recent questions grouped by meaning, named by the most typical one, with
their volume and trend and whether an FAQ article answers them; one click starts an
article from a group's examples."""

from datetime import timedelta

import pytest

from kundsvar.cases import services as cases
from kundsvar.insights import topics
from kundsvar.knowledge import services as knowledge

from .conftest import NOW, inbound

pytestmark = pytest.mark.django_db

WHERE = [
    "Var är mitt paket? Beställde för en vecka sen",
    "hej, mitt paket har inte kommit än. var är det?",
    "Paketet har inte kommit fram, var är mitt paket",
    "var e mitt paket?? väntat sen i måndags",
    "Mitt paket står som skickat men har inte kommit",
]
CODE = [
    "Rabattkoden fungerar inte i kassan",
    "rabbatkoden VINTER20 funkar inte i kassan",
    "Min rabattkod fungerar inte när jag betalar",
    "Rabattkoden går inte att använda i kassan",
]
RETURN = [
    "Hur gör jag en retur av byxorna?",
    "hur gör man en retur? vill returnera skorna",
    "Jag vill göra en retur, hur går det till?",
    "Hur gör jag retur på en tröja?",
]


@pytest.fixture
def asked(now, shop, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        knowledge.create_article(
            shop,
            title="Så gör du en retur",
            body="Du gör en retur genom att anmäla returen på Mina sidor. Retur är gratis.",
            language="sv",
        )
    for i, text in enumerate(WHERE + CODE + RETURN):
        # The code questions all came in the last week: rising.
        days = 2 if text in CODE else (3 + i % 20)
        cases.open_case(
            shop, "email", inbound(NOW - timedelta(days=days), text, sender=f"k{i}@example.se")
        )


def test_similar_questions_form_groups_with_their_article(shop, asked):
    read, found = topics.questions(shop, now=NOW, days=30)
    assert read == 13
    assert sorted(q.cases for q in found) == [4, 4, 5]
    where = found[0]  # biggest first
    assert "paket" in where.name.lower() and not where.answered
    code = next(q for q in found if "rabatt" in q.name.lower())
    assert (code.recent, code.earlier, code.trend) == (4, 0, "up")
    ret = next(q for q in found if "retur" in q.name.lower())
    assert ret.answered and ret.article.title == "Så gör du en retur" and ret.score >= 0.5


def test_the_page_offers_to_start_an_article(client, owner, shop, asked):
    client.force_login(owner)
    html = client.get("/insights/reports/nordljus/questions/").content.decode()
    assert "Så gör du en retur" in html
    assert html.count("Start an article from these questions") == 2  # the unanswered two
    response = client.post(
        "/kb/nordljus/new/",
        {"title": WHERE[0], "language": "sv", "body": "Customers ask:\n- x", "preview": "1"},
    )
    assert response.status_code == 200
    assert WHERE[0] in response.content.decode()


def test_the_clustering_finds_the_labelled_topics():
    """A slice of the benchmark set: three topics in four languages."""
    from bench.data.shop_questions import QUESTIONS

    rows = [
        (topic, language, text)
        for topic in ("double_charge", "account_login", "discount_code")
        for language, text in QUESTIONS[topic]
    ]
    matrix = topics.vectors([(x, lang) for _t, lang, x in rows], semantic=False)
    labels = topics.cluster(matrix)
    from bench.topics import adjusted_rand

    grouped = [f"alone{i}" if g < 0 else g for i, g in enumerate(labels)]
    assert adjusted_rand([t for t, _l, _x in rows], grouped) > 0.25  # chance: about 0
