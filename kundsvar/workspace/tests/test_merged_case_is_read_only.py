"""A case merged into another is read-only and points at the case it went into: no
reply, note or status change reopens it, and the customer's mail lands on the target
(rules R5, A6)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from kundsvar.cases import services
from kundsvar.cases.models import Direction, Status
from kundsvar.cases.tests.factories import open_email_case
from kundsvar.channels.email import pipeline
from kundsvar.channels.email.models import OutboundEmail, OutboundKind
from kundsvar.channels.email.tests.mails import SHOP_ADDRESS, mail
from kundsvar.shops.tests.factories import AgentFactory, ShopFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop():
    return ShopFactory(email=SHOP_ADDRESS)


@pytest.fixture
def agent(shop):
    return AgentFactory(shops=[shop], first_name="Anna", language="en")


@pytest.fixture
def merged(shop, agent):
    now = timezone.now()
    target = open_email_case(shop, now - timedelta(hours=2), sender="karin@example.se")
    source = open_email_case(shop, now - timedelta(hours=1), sender="karin@example.se")
    services.merge_cases(source, target, actor=agent)
    source.refresh_from_db()
    return source, target


def test_services_refuse_to_write_on_a_merged_case(merged, agent):
    source, target = merged
    for write in (
        lambda: services.reply(source, agent, "Hej!"),
        lambda: services.add_note(source, agent, "Notering"),
        lambda: services.change_status(source, Status.OPEN, actor=agent),
        lambda: services.snooze(source, timezone.now() + timedelta(days=1), actor=agent),
    ):
        with pytest.raises(services.CaseError, match=f"#{target.number}"):
            write()
    source.refresh_from_db()
    assert source.status == Status.CLOSED and source.due_at is None
    assert not source.messages.exists()
    assert not target.messages.filter(direction__in=[Direction.OUTBOUND, Direction.NOTE]).exists()


def test_the_case_page_points_to_the_target_and_has_no_composer(client, merged, agent):
    source, target = merged
    client.force_login(agent)
    page = client.get(reverse("cases:detail", args=[source.number])).content.decode()
    assert f'href="{reverse("cases:detail", args=[target.number])}"' in page
    assert f"Merged into #{target.number}" in page
    assert reverse("cases:reply", args=[source.number]) not in page
    assert reverse("cases:note", args=[source.number]) not in page
    response = client.post(
        reverse("cases:reply", args=[source.number]), {"body": "Hej!", "then": "answered"}
    )
    assert response.status_code == 400
    source.refresh_from_db()
    assert source.status == Status.CLOSED


def test_a_bad_rating_on_a_merged_case_reopens_the_target(merged):  # F1
    source, target = merged
    services.reopen(source, reason="bad rating")
    source.refresh_from_db()
    target.refresh_from_db()
    assert source.status == Status.CLOSED
    assert target.status == Status.NEW and target.due_at is not None


def test_mail_threading_to_the_merged_case_lands_on_the_target(shop, agent):  # R5
    now = timezone.now()
    row = pipeline.receive(
        mail(message_id="<q1@example.se>"),
        shop=shop,
        source="smtp",
        received_at=now - timedelta(hours=1),
    )
    source = row.case_message.case
    target = open_email_case(shop, now - timedelta(hours=2), sender=source.customer.primary_email)
    ack = OutboundEmail.objects.get(case=source, kind=OutboundKind.ACK)
    services.merge_cases(source, target, actor=agent)
    row = pipeline.receive(
        mail(subject="Re: jackan", in_reply_to=ack.message_id, body="Storlek M, förresten."),
        shop=shop,
        source="smtp",
        received_at=now,
    )
    assert row.case_message.case == target
    source.refresh_from_db()
    assert source.status == Status.CLOSED and not source.messages.exists()


def test_the_api_names_the_target(client, merged, agent):
    from kundsvar.accounts.models import ApiToken

    source, target = merged
    _token, secret = ApiToken.issue(agent, "test")
    response = client.get(
        f"/api/v1/cases/{source.number}", headers={"authorization": f"Bearer {secret}"}
    )
    assert response.json()["merged_into"] == target.number
    response = client.post(
        f"/api/v1/cases/{source.number}/replies",
        {"body": "Hej!"},
        content_type="application/json",
        headers={"authorization": f"Bearer {secret}"},
    )
    assert response.status_code == 400
    assert str(target.number) in response.json()["error"]["message"]


def test_posting_a_note_or_snooze_to_a_merged_case_is_refused_not_a_500(client, merged, agent):
    source, target = merged
    client.force_login(agent)
    for name, data in (
        ("cases:note", {"body": "Notering"}),
        ("cases:snooze", {"until": "2030-01-01T10:00"}),
    ):
        response = client.post(reverse(name, args=[source.number]), data, follow=True)
        assert response.status_code == 200
        assert f"#{target.number}" in response.content.decode()
    assert not source.messages.exists()
    assert not target.messages.filter(direction=Direction.NOTE).exists()
