"""An agent is told about their own work: a case given to them by a colleague or by
routing, a customer's reply on their case, `@name` in an internal note, a promise at
risk on their case (S2) — never about what they did themselves, never a kind they
turned off. Each one is published on the agent's live stream."""

from datetime import timedelta

import pytest

from kundsvar.cases import services
from kundsvar.cases.tests.factories import open_email_case, write_again
from kundsvar.live.models import LiveEvent
from kundsvar.notifications import services as notifications
from kundsvar.notifications.models import Kind, Notification
from kundsvar.shops.tests.factories import AgentFactory, ShopFactory
from kundsvar.sla.services import sweep

from .conftest import MONDAY_9

pytestmark = pytest.mark.django_db


def told(agent):
    return [(n.kind, n.case_id) for n in Notification.objects.filter(recipient=agent)]


def test_a_case_assigned_by_a_colleague_or_routing_but_not_by_myself(shop, anna, bo):
    first = open_email_case(shop, MONDAY_9)
    second = open_email_case(shop, MONDAY_9, sender="b@example.se")
    services.assign(first, anna, actor=bo)
    services.assign(second, anna)  # routing: no actor
    services.assign(open_email_case(shop, MONDAY_9, sender="c@example.se"), anna, actor=anna)
    assert sorted(told(anna)) == sorted([(Kind.ASSIGNED, first.pk), (Kind.ASSIGNED, second.pk)])
    assert told(bo) == []


def test_the_notification_goes_live_to_the_agents_stream(
    shop, anna, bo, django_capture_on_commit_callbacks
):
    case = open_email_case(shop, MONDAY_9)
    services.assign(case, bo, actor=anna)
    event = LiveEvent.objects.get(stream=f"agent.{bo.pk}", kind="notification")
    assert event.data["title"] == f"Anna Berg assigned case #{case.number} to you"  # bo reads en
    assert event.data["unread"] == 1
    assert event.data["url"] == f"/cases/{case.number}/"


def test_a_customer_reply_on_my_case(shop, anna):
    case = open_email_case(shop, MONDAY_9)
    services.assign(case, anna)
    Notification.objects.all().delete()
    write_again(case, MONDAY_9 + timedelta(hours=1), "Förresten, storlek M!")
    assert [(n.kind, n.text) for n in Notification.objects.filter(recipient=anna)] == [
        (Kind.REPLY, "Förresten, storlek M!")
    ]


def test_a_reply_on_an_unassigned_case_tells_nobody(shop, anna):
    case = open_email_case(shop, MONDAY_9)
    write_again(case, MONDAY_9 + timedelta(hours=1))
    assert Notification.objects.count() == 0


def test_mentions_by_username_and_unambiguous_first_name(shop, anna, bo):
    other_shop = ShopFactory()
    AgentFactory(shops=[other_shop], username="cilla", first_name="Cilla")
    AgentFactory(shops=[shop], username="eva1", first_name="Eva")
    AgentFactory(shops=[shop], username="eva2", first_name="Eva")
    case = open_email_case(shop, MONDAY_9)
    services.add_note(case, anna, "@bo kan du titta? @Anna @cilla @eva, mejla x@anna.se")
    assert told(bo) == [(Kind.MENTION, case.pk)]
    assert told(anna) == []  # her own note
    assert Notification.objects.filter(kind=Kind.MENTION).count() == 1  # not Cilla, no Eva
    services.add_note(case, bo, "Klart, @anna.")
    assert told(anna) == [(Kind.MENTION, case.pk)]


def test_a_promise_at_risk_on_my_case(shop, anna):  # S2
    case = open_email_case(shop, MONDAY_9)  # due 15:00, at risk from 13:48
    services.assign(case, anna)
    Notification.objects.all().delete()
    sweep(MONDAY_9 + timedelta(hours=4, minutes=48))
    sweep(MONDAY_9 + timedelta(hours=4, minutes=50))
    assert told(anna) == [(Kind.AT_RISK, case.pk)]


def test_a_kind_turned_off_is_not_written(shop, anna, bo):
    notifications.save_settings(anna, kinds=[Kind.MENTION], digest="off")
    services.assign(open_email_case(shop, MONDAY_9), anna, actor=bo)
    assert told(anna) == []


def test_mark_one_and_all_read(shop, anna, bo, client):
    for sender in ("a@example.se", "b@example.se", "c@example.se"):
        services.assign(open_email_case(shop, MONDAY_9, sender=sender), anna, actor=bo)
    mine = list(Notification.objects.filter(recipient=anna))
    client.force_login(bo)
    client.post("/notifications/read/", {"id": mine[0].pk})  # not his: nothing happens
    assert Notification.objects.filter(read_at__isnull=False).count() == 0
    client.force_login(anna)
    response = client.post("/notifications/read/", {"id": mine[0].pk, "next": "/cases/1/"})
    assert response.url == "/cases/1/"
    assert Notification.objects.filter(read_at__isnull=False).count() == 1
    page = client.get("/notifications/bell/").content.decode()
    assert "data-unread>2<" in page
    client.post("/notifications/read/")
    assert Notification.objects.filter(read_at__isnull=True).count() == 0
    assert LiveEvent.objects.filter(stream=f"agent.{anna.pk}", kind="read").count() == 2


def test_the_list_shows_only_my_own(shop, anna, bo, client):
    case = open_email_case(shop, MONDAY_9, subject="Trasig lampa")
    services.assign(case, anna, actor=bo)
    client.force_login(bo)
    assert f"#{case.number}" not in client.get("/notifications/").content.decode()
    client.force_login(anna)
    page = client.get("/notifications/").content.decode()
    assert f"Bo Ek tilldelade ärende #{case.number} till dig" in page
    assert "Trasig lampa" in page


def test_settings_page_saves_kinds_and_digest(anna, client):
    client.force_login(anna)
    assert client.get("/notifications/settings/").status_code == 200
    client.post("/notifications/settings/", {"kinds": ["mention", "reply"], "digest": "daily"})
    anna.notification_settings.refresh_from_db()
    assert anna.notification_settings.kinds == ["reply", "mention"]
    assert anna.notification_settings.digest == "daily"
    response = client.post("/notifications/settings/", {"kinds": ["x"], "digest": "weekly"})
    assert response.status_code == 200  # refused, said on the page


def test_the_polling_fallback_gives_my_own_stream(shop, anna, bo, client):
    case = open_email_case(shop, MONDAY_9)
    services.assign(case, anna, actor=bo)
    client.force_login(bo)
    assert client.get("/notifications/poll/", {"after": 0}).json() == {"events": [], "last": 0}
    client.force_login(anna)
    answer = client.get("/notifications/poll/", {"after": 0}).json()
    assert [(e["kind"], e["unread"]) for e in answer["events"]] == [("notification", 1)]
    assert client.get("/notifications/poll/", {"after": answer["last"]}).json()["events"] == []
