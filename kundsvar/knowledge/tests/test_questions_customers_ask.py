"""Rule K1: the system proposes which questions the FAQ should answer, from real cases
of the last 90 days, leaving out what a published article already answers."""

from datetime import timedelta

import pytest
from django.urls import reverse

from kundsvar.accounts.models import Membership, Role
from kundsvar.cases.tests.factories import open_email_case
from kundsvar.knowledge.topics import proposed_topics


@pytest.fixture
def cases(shop, now):
    made = []
    for i, name in enumerate(["Karin", "Erik", "Sofia", "Lena"]):
        made.append(
            open_email_case(
                shop,
                now - timedelta(days=i + 1),
                sender=f"{name.lower()}@example.se",
                subject="Rabattkod",
                text=f"Hej! Min rabattkod fungerar inte i kassan. /{name}",
            )
        )
    for i in range(3):
        made.append(
            open_email_case(
                shop,
                now - timedelta(days=2, hours=i),
                sender=f"kund{i}@example.se",
                subject="Leveranstid",
                text="Hur lång är leveranstiden till Kiruna?",
            )
        )
    # Old cases do not count.
    for i in range(5):
        open_email_case(
            shop,
            now - timedelta(days=120),
            sender=f"gammal{i}@example.se",
            subject="Lagersaldo",
            text="Har ni lagersaldo på mössan?",
        )
    return made


def test_frequent_unanswered_questions_are_proposed_with_examples(shop, cases):  # K1
    proposal = proposed_topics(shop)
    assert proposal.cases == 7
    phrases = [t.phrase for t in proposal.missing]
    assert phrases[0] == "rabattkod fungerar"
    top = proposal.missing[0]
    assert top.cases == 4 and top.language == "sv"
    assert len(top.examples) == 3 and all(subject == "Rabattkod" for _n, subject in top.examples)
    assert not any("lagersaldo" in p for p in phrases)  # older than 90 days


def test_what_an_article_answers_is_not_proposed(shop, cases, make_article):  # K1
    make_article(shop, "Hur lång är leveranstiden?", "1–3 arbetsdagar i hela Sverige.")
    proposal = proposed_topics(shop)
    assert not any("leveranstid" in t.phrase for t in proposal.missing)
    assert any("leveranstid" in t.phrase for t in proposal.answered)
    assert proposal.missing[0].phrase == "rabattkod fungerar"


def test_the_page_lists_them(client, shop, cases, agent):  # K1
    Membership.objects.filter(agent=agent).update(role=Role.ADMIN)
    client.force_login(agent)
    page = client.get(reverse("knowledge:questions", args=[shop.slug])).content.decode()
    assert "rabattkod fungerar" in page
    assert reverse("cases:detail", args=[cases[0].number]) in page
