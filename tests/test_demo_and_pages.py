from collections import Counter

import pytest
from django.urls import reverse
from django.utils import timezone

from kundsvar.accounts.models import Agent
from kundsvar.cases.models import Case, SlaState, Status
from kundsvar.cases.tests.factories import open_email_case
from kundsvar.demo import shop as demo
from kundsvar.shops.tests.factories import AgentFactory, ShopFactory

# Any day: the times here are relative to now, which --today moves (conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("now")]


@pytest.fixture
def demo_logins():
    return demo.create_demo()


def test_demo_has_a_shop_customers_and_thirty_cases_in_every_state(demo_logins):
    written = Case.objects.filter(channel__in=["email", "form"])  # the other channels: below
    assert written.count() == 30
    # And two chats (C5): one answered and ended (closed), one waiting in the chat inbox.
    chats = Case.objects.filter(channel="chat")
    assert sorted(chats.values_list("chat__state", flat=True)) == ["ended", "waiting"]
    statuses = Counter(written.values_list("status", flat=True))
    assert {Status.NEW, Status.OPEN, Status.ANSWERED, Status.WAITING, Status.CLOSED} <= set(
        statuses
    )
    assert written.filter(is_follow_up=True).count() == 3
    assert Case.objects.filter(sla_state=SlaState.BREACHED).exists()
    assert written.values("customer").distinct().count() == 12
    assert Agent.objects.filter(username=demo_logins["agent"]).exists()


def test_demo_has_an_sms_thread_and_callbacks_in_the_same_queue(client, demo_logins):  # C5
    sms = Case.objects.get(channel="sms")
    assert sms.messages.count() == 3 and sms.is_follow_up and sms.due_at is not None
    callbacks = Case.objects.filter(channel="phone")
    assert callbacks.count() == 2 and all(c.due_at for c in callbacks)
    assert client.login(username=demo_logins["agent"], password=demo_logins["agent_password"])
    page = client.get(reverse("cases:queue")).content.decode()
    for case in [sms, *callbacks]:
        assert f">{case.number}<" in page
    assert page.count('class="badge callback"') == 2


def test_demo_logins_work_and_the_queue_shows_the_most_urgent_first(client, demo_logins):
    assert client.login(username=demo_logins["agent"], password=demo_logins["agent_password"])
    response = client.get(reverse("cases:queue"))
    assert response.status_code == 200
    owed = Case.objects.exclude(due_at=None).order_by("due_at")
    page = response.content.decode()
    first, last = owed.first(), owed.last()
    assert page.index(f">{first.number}<") < page.index(f">{last.number}<")  # S2


def test_reset_passwords_gives_a_new_working_password(client, demo_logins):
    again = demo.reset_passwords()
    assert again["agent_password"] != demo_logins["agent_password"]
    assert client.login(username="anna", password=again["agent_password"])


def test_the_agent_and_the_owner_have_different_passwords(client, demo_logins):
    for fresh in (False, True):
        logins = demo.reset_passwords() if fresh else demo_logins
        assert logins["agent_password"] != logins["admin_password"]
        owner = Agent.objects.get(username="admin")
        assert not owner.check_password(logins["agent_password"])
        assert client.login(username="admin", password=logins["admin_password"])


def test_pages_need_a_login(client):
    response = client.get(reverse("cases:queue"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_an_agent_sees_only_the_cases_of_their_shop(client):
    mine, theirs = ShopFactory(), ShopFactory()
    agent = AgentFactory(shops=[mine])
    own_case = open_email_case(mine, timezone.now())
    other_case = open_email_case(theirs, timezone.now())
    client.force_login(agent)
    assert client.get(reverse("cases:detail", args=[own_case.number])).status_code == 200
    assert client.get(reverse("cases:detail", args=[other_case.number])).status_code == 404
    response = client.post(
        reverse("cases:reply", args=[other_case.number]), {"body": "Hej", "then": "answered"}
    )
    assert response.status_code == 404
    assert other_case.messages.count() == 1


def test_an_agent_replies_from_the_case_page(client):
    shop = ShopFactory()
    agent = AgentFactory(shops=[shop])
    case = open_email_case(shop, timezone.now())
    client.force_login(agent)
    response = client.post(
        reverse("cases:reply", args=[case.number]),
        {"body": "Hej! Jackan skickas i dag.", "then": "answered"},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == Status.ANSWERED
    page = client.get(reverse("cases:detail", args=[case.number])).content.decode()
    assert "Jackan skickas i dag." in page


def test_healthz_answers(client):
    assert client.get("/healthz").json()["ok"] is True


def test_the_agent_ui_is_in_the_agents_language_whatever_the_browser_says(client):
    agent = AgentFactory(shops=[ShopFactory()], language="sv")
    client.force_login(agent)
    page = client.get(reverse("cases:queue"), HTTP_ACCEPT_LANGUAGE="en-US").content.decode()
    assert "Inga ärenden här." in page
    agent.language = "en"
    agent.save()
    page = client.get(reverse("cases:queue"), HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert "No cases here." in page


def test_the_language_switch_wins_over_the_agents_setting(client):
    agent = AgentFactory(shops=[ShopFactory()], language="sv")
    client.force_login(agent)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "No cases here." in client.get(reverse("cases:queue")).content.decode()


def test_raw_source_is_for_shop_admins_only(client):  # C3
    from kundsvar.accounts.models import Membership, Role
    from kundsvar.channels.email import pipeline
    from kundsvar.channels.email.tests.mails import mail

    shop = ShopFactory(email="kundtjanst@butik.example")
    raw = mail(body="Mitt personnummer är 19121212-1212.")
    message = pipeline.receive(raw, shop=shop, source="smtp").case_message
    url = reverse("cases:raw", args=[message.case.number, message.pk])
    agent = AgentFactory(shops=[shop])
    client.force_login(agent)
    page = client.get(reverse("cases:detail", args=[message.case.number])).content.decode()
    assert "1212-1212" not in page and url not in page
    assert client.get(url).status_code == 404
    Membership.objects.filter(agent=agent).update(role=Role.ADMIN)
    response = client.get(url)
    assert response.status_code == 200 and response.content == raw


def test_the_demo_answers_are_history_not_mail_waiting_to_go(demo_logins):
    from kundsvar.channels.email.models import OutboundEmail, OutboundState

    assert OutboundEmail.objects.count() > 10
    assert not OutboundEmail.objects.exclude(state=OutboundState.SENT).exists()


def test_the_demo_shop_has_topics_and_its_mail_got_them_by_detection(client, demo_logins):
    shop = demo.Shop.objects.get(slug=demo.SHOP_SLUG)
    assert shop.topics.count() == 9
    written = Case.objects.filter(channel__in=["email", "form"])
    assert written.filter(topic__isnull=False).count() >= 20
    page = client.get(f"/s/{shop.slug}/?topic=faulty_item").content.decode()
    assert "reklamationer besvaras inom 8 timmar" in page
