"""An agent's reply on an SMS case is an SMS delivery row (like mail: retried, a failure
visible), sent through the provider's API (a local fake here), and the provider's
delivery report is stored on the row."""

from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from kundsvar.cases import services
from kundsvar.cases.models import Case
from kundsvar.channels.hooks.models import InboundHook
from kundsvar.channels.phone import outbox
from kundsvar.channels.phone.models import OutboundSms
from kundsvar.core.delivery import DeliveryState
from kundsvar.customers.services import add_email

from .conftest import FORM, elks_auth, twilio_post
from .test_inbound_sms import elks_sms

pytestmark = pytest.mark.django_db


@pytest.fixture
def sms_case(client, elks, now, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        elks_sms(client, elks, "s-question", "Hej! Har ni jackan i storlek M?")
    return Case.objects.get()


def test_a_reply_goes_out_as_an_sms_and_its_delivery_report_is_kept(
    client, elks, sms_case, agent, fake, now, django_capture_on_commit_callbacks
):
    fake.sent.clear()
    with django_capture_on_commit_callbacks(execute=True):
        message = services.reply(sms_case, agent, "Ja, den finns i M. Välkommen!", now=now)
    row = OutboundSms.objects.get(kind="reply")
    assert row.case_message == message and row.state == DeliveryState.SENT
    [sent] = fake.sent
    assert sent.form == {
        "from": elks.number,
        "to": "+46701234567",
        "message": "Ja, den finns i M. Välkommen!",
        "whendelivered": outbox.report_url(elks),
    }
    assert row.provider_id.startswith("s")
    # 46elks posts the report to the whendelivered address, Basic auth in the URL.
    url = reverse("phone:report", args=[elks.hook_token, "46elks"])
    report = {"id": row.provider_id, "status": "delivered", "delivered": "2027-03-17T09:05:01"}
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, urlencode(report), FORM, **elks_auth(elks)).status_code == 204
    row.refresh_from_db()
    assert row.report_status == "delivered" and row.reported_at is not None
    assert InboundHook.objects.filter(kind="report").count() == 1


def test_a_twilio_reply_and_its_status_callback(
    client, twilio_phone, agent, fake, now, django_capture_on_commit_callbacks
):
    data = {"MessageSid": "SMq1", "From": "+46701234567", "To": twilio_phone.number, "Body": "Hej"}
    with django_capture_on_commit_callbacks(execute=True):
        twilio_post(client, twilio_phone, "twilio_sms", data)
    case = Case.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        services.reply(case, agent, "Hej! Vad kan vi hjälpa till med?", now=now)
    row = OutboundSms.objects.get(kind="reply")
    assert row.state == DeliveryState.SENT and row.provider_id.startswith("SM")
    assert fake.sent[-1].form["StatusCallback"] == outbox.report_url(twilio_phone)
    path = reverse("phone:report", args=[twilio_phone.hook_token, "twilio"])
    status = {"MessageSid": row.provider_id, "MessageStatus": "undelivered", "ErrorCode": "30003"}
    from kundsvar.channels.phone.providers import twilio

    signature = twilio.signature(
        twilio_phone.secret, f"http://testserver{path}", {k: [v] for k, v in status.items()}
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(path, urlencode(status), FORM, HTTP_X_TWILIO_SIGNATURE=signature)
    assert response.status_code == 204
    row.refresh_from_db()
    assert row.report_status == "failed"


def test_a_wrong_credential_fails_the_sms_visibly_with_the_providers_answer(
    client, elks, sms_case, agent, fake, now, django_capture_on_commit_callbacks
):
    fake.credentials.clear()  # the shop's API password is no longer valid
    with django_capture_on_commit_callbacks(execute=True):
        services.reply(sms_case, agent, "Ja, den finns.", now=now)
    row = OutboundSms.objects.get(kind="reply")
    assert row.state == DeliveryState.FAILED  # a 401 does not get better by waiting
    assert row.last_error.startswith("401: API access requires Basic HTTP authentication")
    page = client_for(agent).get(reverse("cases:detail", args=[sms_case.number]))
    assert "401: API access requires" in page.content.decode()
    fake.credentials["u1234567890abcdef"] = "elks-api-password"  # fixed; "retry now"
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(agent).post(
            reverse("phone:retry_sms", args=[sms_case.number, row.pk])
        )
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.state == DeliveryState.SENT


def test_an_unreachable_provider_is_retried_with_backoff(
    elks, sms_case, agent, fake, now, django_capture_on_commit_callbacks
):
    fake.fail_with = 503
    with django_capture_on_commit_callbacks(execute=True):
        services.reply(sms_case, agent, "Ja.", now=now)
    row = OutboundSms.objects.get(kind="reply")
    assert row.state == DeliveryState.QUEUED and row.attempts == 1 and "503" in row.last_error
    fake.fail_with = None
    assert outbox.send_due(now + timedelta(minutes=2)) == 1
    row.refresh_from_db()
    assert row.state == DeliveryState.SENT


def test_a_reply_with_sms_off_is_refused_and_nothing_is_stored(elks, sms_case, agent, now):
    elks.sms_enabled = False
    elks.save()
    with pytest.raises(services.CaseError):
        services.reply(sms_case, agent, "Ja.", now=now)
    assert not OutboundSms.objects.filter(kind="reply").exists()
    assert sms_case.messages.count() == 1


def client_for(agent):
    from django.test import Client

    client = Client()
    client.force_login(agent)
    return client


def test_a_late_sent_report_does_not_hide_delivered(elks, sms_case, agent, now):
    services.reply(sms_case, agent, "Ja.", now=now)
    row = OutboundSms.objects.get(kind="reply")
    OutboundSms.objects.filter(pk=row.pk).update(provider_id="s-late")
    assert outbox.record_report("46elks", "s-late", "delivered", now)
    assert outbox.record_report("46elks", "s-late", "sent", now + timedelta(seconds=5))
    row.refresh_from_db()
    assert row.report_status == "delivered"
    assert not outbox.record_report("46elks", "s-unknown", "delivered", now)


def test_an_sms_case_offers_no_email_preview_until_email_is_chosen(elks, sms_case, agent):
    url = reverse("cases:detail", args=[sms_case.number])
    page = client_for(agent).get(url).content.decode()
    assert "data-preview-email" not in page  # no address: nothing to preview
    add_email(sms_case.customer, "kund@example.se")
    page = client_for(agent).get(url).content.decode()
    # Answered by SMS unless the agent switches to email: the preview waits, hidden.
    assert "data-preview-email hidden" in page
    assert '<option value="email" data-by-email>' in page
