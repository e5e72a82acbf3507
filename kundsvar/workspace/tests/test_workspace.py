"""The agent's screen: queue views, bulk actions, the composer's warnings (R6), the
collision notice, and a constant number of queries however long the queue (S2)."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kundsvar.accounts.models import Team
from kundsvar.cases import services
from kundsvar.cases.models import CaseView, SavedReply, SlaState, Status
from kundsvar.cases.tests.factories import open_email_case, write_again
from kundsvar.shops.tests.factories import AgentFactory, ShopFactory

# Any day: the times here are relative to now, which --today moves (conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("now")]


@pytest.fixture
def shop():
    return ShopFactory(name="Nordljus")


@pytest.fixture
def agent(shop):
    return AgentFactory(shops=[shop], first_name="Anna", language="en")


@pytest.fixture
def logged_in(client, agent):
    client.force_login(agent)
    return client


def numbers(response):
    return [case.number for case in response.context["cases"]]


def test_views_split_the_queue(logged_in, shop, agent):  # S2
    now = timezone.now()
    mine = open_email_case(shop, now - timedelta(hours=1), sender="a@example.se")
    services.assign(mine, agent)
    nobodys = open_email_case(shop, now - timedelta(hours=2), sender="b@example.se")
    waiting = open_email_case(shop, now - timedelta(hours=3), sender="c@example.se")
    services.reply(waiting, agent, "Vilket ordernummer?", then=Status.WAITING)
    closed = open_email_case(shop, now - timedelta(hours=4), sender="d@example.se")
    services.reply(closed, agent, "Klart.", then=Status.CLOSED)
    snoozed = open_email_case(shop, now - timedelta(hours=5), sender="e@example.se")
    services.snooze(snoozed, now + timedelta(days=1), actor=agent)
    url = reverse("cases:queue")
    assert set(numbers(logged_in.get(url))) == {mine.number, nobodys.number}
    assert numbers(logged_in.get(url, {"view": "mine"})) == [mine.number]
    assert numbers(logged_in.get(url, {"view": "unassigned"})) == [nobodys.number]
    assert numbers(logged_in.get(url, {"view": "waiting"})) == [waiting.number]
    assert numbers(logged_in.get(url, {"view": "closed"})) == [closed.number]
    assert numbers(logged_in.get(url, {"view": "snoozed"})) == [snoozed.number]


def test_at_risk_view_shows_late_cases_even_when_snoozed(logged_in, shop, agent):  # S2
    case = open_email_case(shop, timezone.now() - timedelta(days=3))
    case.sla_state = SlaState.BREACHED
    case.save()
    services.snooze(case, timezone.now() + timedelta(hours=5), actor=agent)
    assert numbers(logged_in.get(reverse("cases:queue"), {"view": "risk"})) == [case.number]


def test_filters_by_language_channel_tag_and_assignee(logged_in, shop, agent):
    now = timezone.now()
    swedish = open_email_case(shop, now, sender="a@example.se")
    english = open_email_case(shop, now, sender="b@example.se", language="en")
    services.set_tags(english, ["retur"])
    url = reverse("cases:queue")
    assert numbers(logged_in.get(url, {"language": "en"})) == [english.number]
    assert numbers(logged_in.get(url, {"tag": "retur"})) == [english.number]
    assert numbers(logged_in.get(url, {"assignee": "none", "channel": "email"})) == [
        swedish.number,
        english.number,
    ] or set(numbers(logged_in.get(url, {"assignee": "none"}))) == {swedish.number, english.number}


def test_search_finds_a_word_form_in_a_message(
    logged_in, shop, django_capture_on_commit_callbacks
):  # K2
    with django_capture_on_commit_callbacks(execute=True):  # the index is written on commit
        case = open_email_case(shop, timezone.now(), text="Lampan kom trasig, glaset krossat.")
        open_email_case(shop, timezone.now(), sender="x@example.se", text="Var är min jacka?")
    assert numbers(logged_in.get(reverse("cases:queue"), {"q": "glaset"})) == [case.number]
    assert numbers(logged_in.get(reverse("cases:queue"), {"q": "glas"})) == [case.number]


def test_unread_marker_until_the_agent_has_looked(logged_in, shop):
    case = open_email_case(shop, timezone.now() - timedelta(minutes=5))
    row = logged_in.get(reverse("cases:queue")).context["cases"][0]
    assert row.seen is False
    logged_in.get(reverse("cases:detail", args=[case.number]))
    assert logged_in.get(reverse("cases:queue")).context["cases"][0].seen is True
    write_again(case, timezone.now() + timedelta(seconds=1))
    assert logged_in.get(reverse("cases:queue")).context["cases"][0].seen is False


def test_bulk_assign_tag_close_and_merge(logged_in, shop, agent):
    now = timezone.now()
    cases = [
        open_email_case(shop, now - timedelta(minutes=m), sender="k@example.se")
        for m in (30, 20, 10)
    ]
    chosen = [c.number for c in cases]
    bulk = reverse("cases:bulk")
    logged_in.post(bulk, {"cases": chosen, "action": "assign_me"})
    logged_in.post(bulk, {"cases": chosen, "action": "tag", "tags": "leverans"})
    for case in cases:
        case.refresh_from_db()
        assert case.assignee == agent and [t.name for t in case.tags.all()] == ["leverans"]
    page = logged_in.post(bulk, {"cases": chosen[1:], "action": "merge"})
    assert page.status_code == 200  # asks first
    logged_in.post(bulk, {"cases": chosen[1:], "action": "merge", "confirm": "1"})
    cases[2].refresh_from_db()
    assert cases[2].merged_into_id == cases[1].pk
    logged_in.post(bulk, {"cases": chosen[:1], "action": "close"})
    cases[0].refresh_from_db()
    assert cases[0].status == Status.CLOSED


def test_bulk_ignores_cases_of_other_shops(logged_in):
    other = open_email_case(ShopFactory(), timezone.now())
    logged_in.post(reverse("cases:bulk"), {"cases": [other.number], "action": "close"})
    other.refresh_from_db()
    assert other.status == Status.NEW


@pytest.fixture
def saved(shop):
    return SavedReply.objects.create(
        shop=shop,
        title="Leveranstid",
        body="Hej {customer_first_name}!\n\nDin order skickas inom 1–2 arbetsdagar.",
    )


def _reply(client, case, body, **extra):
    data = {"body": body, "then": "answered", "loaded_at": timezone.now().isoformat(), **extra}
    return client.post(reverse("cases:reply", args=[case.number]), data)


def test_an_unadapted_saved_reply_gets_a_warning_before_it_is_sent(logged_in, shop, saved):
    case = open_email_case(shop, timezone.now(), sender="Karin <karin@example.se>")  # R6
    case.customer.name = "Karin Lindqvist"
    case.customer.save()
    text = "Hej Karin!\n\nDin order skickas inom 1–2 arbetsdagar."
    response = _reply(logged_in, case, text, inserted=str(saved.pk))
    assert response.status_code == 200
    assert "Does it answer what the customer actually asked?" in response.content.decode()
    assert case.messages.count() == 1  # nothing sent
    response = _reply(
        logged_in,
        case,
        text + "\n\nJacka 100231 gick i väg i går med PostNord.",
        inserted=str(saved.pk),
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.ANSWERED


def test_send_anyway_sends_an_unadapted_saved_reply(logged_in, shop, saved):  # R6
    case = open_email_case(shop, timezone.now())
    response = _reply(
        logged_in,
        case,
        "Hej!\n\nDin order skickas inom 1–2 arbetsdagar.",
        inserted=str(saved.pk),
        send_anyway="on",
    )
    assert response.status_code == 302
    assert case.messages.filter(direction="out").exists()


def test_unfilled_placeholders_are_caught(logged_in, shop, saved):  # R6
    case = open_email_case(shop, timezone.now())
    response = _reply(
        logged_in,
        case,
        "Hej {customer_first_name}! Här kommer ett långt och personligt svar om just din fråga.",
        inserted=str(saved.pk),
    )
    assert "variables in braces" in response.content.decode()


def test_saved_reply_variables_are_filled_for_the_case(logged_in, shop, saved):  # R7
    case = open_email_case(
        shop,
        timezone.now(),
        sender="Karin Lindqvist <karin@example.se>",
        from_name="Karin Lindqvist",
    )
    page = logged_in.get(reverse("cases:detail", args=[case.number])).content.decode()
    assert "Hej Karin!" in page


def test_a_reply_on_a_stale_view_warns_that_the_customer_wrote_again(logged_in, shop):
    opened = timezone.now() - timedelta(minutes=5)
    case = open_email_case(shop, opened - timedelta(minutes=5))
    write_again(case, timezone.now() - timedelta(minutes=1), "Förresten, storlek M!")
    response = _reply(logged_in, case, "Hej! Jackan skickas i dag.", loaded_at=opened.isoformat())
    assert "The customer wrote again after you opened the case" in response.content.decode()
    assert not case.messages.filter(direction="out").exists()


def test_preview_shows_exactly_the_email_the_customer_gets(logged_in, shop):  # R2, R3, R4
    case = open_email_case(shop, timezone.now(), text="När kommer jackan?")
    response = logged_in.post(
        reverse("cases:preview", args=[case.number]), {"body": "Hej! Den skickas i dag."}
    )
    page = response.content.decode()
    assert f"Nordljus: Svar på din fråga – Leveranstid jacka [#{case.number}]" in page
    assert "Den skickas i dag." in page and "När kommer jackan?" in page
    assert "Fick du svar på din fråga?" in page


def test_two_agents_on_the_same_case_see_each_other(client, shop, agent):
    case = open_email_case(shop, timezone.now())
    colleague = AgentFactory(shops=[shop], first_name="Bo")
    client.force_login(colleague)
    client.get(reverse("cases:detail", args=[case.number]))
    client.force_login(agent)
    page = client.get(reverse("cases:detail", args=[case.number])).content.decode()
    assert "Bo" in page and "has this case open too" in page
    presence = client.get(
        reverse("cases:presence", args=[case.number]), {"loaded_at": timezone.now().isoformat()}
    ).content.decode()
    assert "Bo" in presence


def test_split_a_message_into_a_case_of_its_own(logged_in, shop):
    case = open_email_case(shop, timezone.now() - timedelta(hours=1))
    second = write_again(case, timezone.now(), "Och en helt annan sak: har ni presentkort?")
    response = logged_in.post(reverse("cases:split", args=[case.number, second.pk]))
    second.refresh_from_db()
    assert second.case != case
    assert response["Location"].endswith(f"/cases/{second.case.number}/")
    assert second.case.subject.startswith("Och en helt annan sak")
    assert second.case.due_at is not None


def test_assign_to_a_colleague_and_a_team(logged_in, shop):
    case = open_email_case(shop, timezone.now())
    colleague = AgentFactory(shops=[shop])
    team = Team.objects.create(shop=shop, name="Returer")
    logged_in.post(
        reverse("cases:assign", args=[case.number]), {"assignee": colleague.pk, "team": team.pk}
    )
    case.refresh_from_db()
    assert case.assignee == colleague and case.team == team


def test_snooze_hides_until_the_customer_writes(logged_in, shop):
    case = open_email_case(shop, timezone.now() - timedelta(hours=1))
    until = (timezone.now() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    logged_in.post(reverse("cases:snooze", args=[case.number]), {"until": until})
    assert numbers(logged_in.get(reverse("cases:queue"))) == []
    write_again(case, timezone.now())
    assert numbers(logged_in.get(reverse("cases:queue"))) == [case.number]


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_queue_costs_the_same_queries_for_3_or_30_cases(logged_in, shop, agent):
    now = timezone.now()
    url = reverse("cases:queue")

    def add(n):
        for i in range(n):
            case = open_email_case(shop, now - timedelta(minutes=i), sender=f"k{i}@example.se")
            services.set_tags(case, ["a", "b"])
            services.assign(case, agent)

    add(3)
    few = _queries(logged_in, url)
    add(27)
    assert _queries(logged_in, url) == few


def test_the_case_view_costs_the_same_queries_for_2_or_20_messages(logged_in, shop, agent):
    case = open_email_case(shop, timezone.now() - timedelta(hours=2))
    services.reply(case, agent, "Svar 0")
    url = reverse("cases:detail", args=[case.number])
    logged_in.get(url)  # the first visit records that the agent has seen the case
    few = _queries(logged_in, url)
    for i in range(9):
        write_again(case, timezone.now() - timedelta(minutes=60 - i))
        services.reply(case, agent, f"Svar {i + 1}")
        services.add_note(case, agent, f"Anteckning {i}")
    assert _queries(logged_in, url) == few
    assert CaseView.objects.filter(case=case, agent=agent).count() == 1
