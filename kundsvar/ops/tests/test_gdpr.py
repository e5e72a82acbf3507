"""GDPR: a customer's export holds everything about them; erasing them leaves nothing
personal in any table (every table of the database, read raw, the search index's
included), nor in any file (attachments, the raw mail store), while the anonymous
statistics (the cases, their channels, events and rating scores) stay."""

import base64
import io
import json
import zipfile
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import connection, models
from django.test import Client
from django.urls import reverse

from kundsvar.cases.models import Case, CaseEvent, Message
from kundsvar.channels.email import pipeline
from kundsvar.channels.email.models import Source
from kundsvar.channels.social import signature
from kundsvar.commerce.tests.factories import OrderFactory
from kundsvar.commerce.tests.webhooks import SHOPIFY_FIXTURES, post_shopify
from kundsvar.customers.models import Customer
from kundsvar.customers.services import add_phone
from kundsvar.feedback.models import Rating
from kundsvar.ops import gdpr
from kundsvar.ops.models import CustomerAccess
from kundsvar.search import queries as search_queries
from kundsvar.shops.tests.factories import AgentFactory, ShopFactory, admin_client

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("now")]
SHOP = "kundtjanst@butik.example"
# Strings no stemmer changes and nothing else in the database contains.
NAME, SURNAME = "Qzxjvbk", "Wrtpmnd"
ADDRESS = "qzxjvbk.wrtpmnd@example.se"
PHONE = "0709871234"
SECRET_TEXT = "Hemlighetqzxk"
ATTACHMENT = b"Bilagets innehall qzxbilagk"
PNR = "811218-9876"  # masked wherever it is stored as text (C3); the raw bodies hold it
WA_ID = "46709871234"
PERSONAL = [NAME, SURNAME, "qzxjvbk.wrtpmnd", "709871234", SECRET_TEXT, "qzxbilagk", "9876"]
UNREACHABLE = "http://127.0.0.1:9"  # acknowledgements to the providers fail, as rows


@pytest.fixture(autouse=True)
def _var_in_tmp(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PHONE_46ELKS_API_URL = UNREACHABLE
    settings.WHATSAPP_API_URL = UNREACHABLE
    settings.SITE_URL = "https://support.example"


@pytest.fixture(autouse=True)
def _empty_index():
    """A transactional test's flush empties the managed tables, not the search index
    (SQLite's FTS table, PostgreSQL's unmanaged search_document): start from an empty
    index, as the other tests' cases are gone."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DELETE FROM search_fts")
            cursor.execute("INSERT INTO search_fts(search_fts) VALUES('optimize')")
        else:
            cursor.execute("DELETE FROM search_document")


def raw_mail() -> bytes:
    from email.message import EmailMessage

    message = EmailMessage()
    message["From"] = f"{NAME} {SURNAME} <{ADDRESS}>"
    message["To"] = SHOP
    message["Subject"] = f"Fråga från {NAME}"
    message["Message-ID"] = "<gdpr-1@example.se>"
    message.set_content(
        f"Hej! {SECRET_TEXT}. Ring mig på {PHONE}. Pnr {PNR}.\n\nMvh {NAME} {SURNAME}"
    )
    message.add_attachment(ATTACHMENT, maintype="text", subtype="plain", filename="kvitto.txt")
    return message.as_bytes()


@pytest.fixture
def customer():
    shop = ShopFactory(email=SHOP)
    pipeline.receive(raw_mail(), shop=shop, source=Source.HTTP, envelope_to=[SHOP])
    case = Case.objects.get(shop=shop)
    customer = case.customer
    add_phone(customer, PHONE, "SE")
    OrderFactory(shop=shop, customer=customer, email=ADDRESS, name=f"{NAME} {SURNAME}", phone=PHONE)
    Rating.objects.create(
        case=case,
        message=case.messages.first(),
        channel="email",
        score="good",
        comment=f"Tack, {NAME}!",
        created_at=case.created_at,
        updated_at=case.created_at,
    )
    seed_every_channel(shop, customer)
    seed_the_agents_screen(case)
    return customer


def seed_the_agents_screen(case) -> None:
    """What an agent's screen keeps about the case: the notification of the customer's
    message (its excerpt, stored and on the live stream). The composer's drafts:
    workspace/tests/test_gdpr_drafts.py (no app's tests import the workspace)."""
    from kundsvar.notifications import services as notifications

    agent = AgentFactory(shops=[case.shop])
    Case.objects.filter(pk=case.pk).update(assignee=agent)
    case.refresh_from_db()
    notifications.customer_replied(case, case.messages.first())


def seed_every_channel(shop, customer) -> None:
    """The same person through the form, the chat, SMS, WhatsApp, a callback request and
    the shop's order webhook, each through its real entry point."""
    from kundsvar.channels.chat import services as chat
    from kundsvar.channels.form import services as form
    from kundsvar.channels.phone.callbacks import request_callback
    from kundsvar.channels.phone.models import PhoneSettings
    from kundsvar.channels.social.models import Connection
    from kundsvar.commerce.models import CommerceSettings
    from kundsvar.customers.services import add_handle

    who = f"{NAME} {SURNAME}"
    form.submit(
        shop,
        form.Submission(name=who, email=ADDRESS, message=f"Formulär {SECRET_TEXT}", language="sv"),
    )
    started = chat.start(shop, chat.Line(f"Chatt {SECRET_TEXT} {PNR}"), name=who, email=ADDRESS)
    chat.say(started, chat.Line(f"Mitt nummer är {PHONE}"))
    phone = PhoneSettings.objects.create(
        shop=shop,
        provider="46elks",
        account="u1",
        secret="s",
        number="+46766860000",
        sms_enabled=True,
    )
    Client().post(
        reverse("phone:elks_sms", args=[phone.hook_token]),
        urlencode(
            {
                "direction": "incoming",
                "id": "sms-gdpr-1",
                "from": "+" + WA_ID,
                "to": phone.number,
                "message": f"SMS {SECRET_TEXT} {PNR}",
                "created": "2026-11-23T09:00:00.000000",
            }
        ),
        "application/x-www-form-urlencoded",
        HTTP_AUTHORIZATION="Basic "
        + base64.b64encode(f"kundsvar:{phone.hook_password}".encode()).decode(),
    )
    request_callback(shop, PHONE, name=who, note=f"Ring {SECRET_TEXT}", customer=customer)
    whatsapp = Connection.objects.create(
        shop=shop,
        platform="whatsapp",
        account_id="106540352242922",
        access_token="t",
        app_secret="app-secret",
        verify_token="v",
    )
    add_handle(customer, "whatsapp", WA_ID)  # an agent saw it is the same person
    body = json.dumps(
        {
            "object": "whatsapp_business_account",
            "entry": [
                {
                    "id": "1",
                    "changes": [
                        {
                            "field": "messages",
                            "value": {
                                "messaging_product": "whatsapp",
                                "metadata": {
                                    "display_phone_number": "46812345600",
                                    "phone_number_id": whatsapp.account_id,
                                },
                                "contacts": [{"profile": {"name": who}, "wa_id": WA_ID}],
                                "messages": [
                                    {
                                        "from": WA_ID,
                                        "id": "wamid.gdpr1",
                                        "type": "text",
                                        "timestamp": str(
                                            int(Case.objects.first().created_at.timestamp())
                                        ),
                                        "text": {"body": f"WhatsApp {SECRET_TEXT} {PNR}"},
                                    }
                                ],
                            },
                        }
                    ],
                }
            ],
        }
    ).encode()
    Client().post(
        f"/hooks/meta/{whatsapp.webhook_key}/",
        body,
        content_type="application/json",
        HTTP_X_HUB_SIGNATURE_256=signature.expected("app-secret", body),
    )
    CommerceSettings.objects.create(shop=shop, shopify_secret="hush")
    order = json.loads((SHOPIFY_FIXTURES / "order.json").read_text())
    order["order"].update(
        {
            "id": 99001,
            "order_number": 9901,
            "name": "#9901",
            "email": ADDRESS,
            "phone": PHONE,
            "note": f"Lämna hos grannen, pnr {PNR}",
        }
    )
    for key in ("billing_address", "shipping_address"):
        order["order"][key].update(
            {"first_name": NAME, "last_name": SURNAME, "name": who, "phone": PHONE}
        )
    order["order"]["customer"].update(
        {"first_name": NAME, "last_name": SURNAME, "email": ADDRESS, "phone": "+" + WA_ID}
    )
    post_shopify(Client(), shop, "orders/create", order, secret="hush")


def everything_stored() -> dict[str, str]:
    """Every value of every table, read raw (the search index's own tables too), and
    every file under VAR_DIR and MEDIA_ROOT: lower-case text by table or file."""
    parts: dict[str, str] = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for row in cursor.fetchall():
                for value in row:
                    # Text and bytes only: an id, a count or a time is no one's data, and
                    # a permission's id 19876 would look like the personnummer's end.
                    if isinstance(value, memoryview | bytes):
                        value = bytes(value).decode("utf-8", "replace")
                    elif isinstance(value, dict | list):  # JSON as PostgreSQL's driver reads it
                        value = json.dumps(value, ensure_ascii=False)
                    if not isinstance(value, str):
                        continue
                    parts[table] = parts.get(table, "") + "\n" + value.lower()
    for root in (Path(django_settings.VAR_DIR), Path(django_settings.MEDIA_ROOT)):
        for path in root.rglob("*") if root.exists() else []:
            if path.is_file():
                parts[str(path)] = path.read_bytes().decode("utf-8", "replace").lower()
    return parts


TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField, models.BinaryField)


def model_texts_with(markers: list[str]) -> list[tuple[str, str]]:
    """Through the ORM too: every text, JSON and binary field of every installed model."""
    found = []
    for model in apps.get_models():
        fields = [f.attname for f in model._meta.concrete_fields if isinstance(f, TEXT_FIELDS)]
        if not fields or not model._meta.managed:
            continue
        for row in model._base_manager.values_list(*fields).iterator():
            text = "\n".join(
                bytes(v).decode("utf-8", "replace") if isinstance(v, memoryview | bytes) else str(v)
                for v in row
            ).lower()
            found += [(m, model._meta.label) for m in markers if m.lower() in text]
    return sorted(set(found))


def where(markers: list[str]) -> list[tuple[str, str]]:
    stored = everything_stored()
    return [(m, place) for m in markers for place, text in stored.items() if m.lower() in text]


def test_the_test_data_is_found_before_erasing(customer):
    found = {marker for marker, _place in where(PERSONAL)}
    assert found == set(PERSONAL)


def test_the_customer_came_through_every_channel(customer):
    from kundsvar.channels.hooks.models import InboundHook
    from kundsvar.commerce.models import Order, WebhookReceipt
    from kundsvar.live.models import LiveEvent

    channels = set(Case.objects.filter(customer=customer).values_list("channel", flat=True))
    assert channels == {"email", "form", "chat", "sms", "phone", "whatsapp"}  # phone: callback
    assert Message.objects.filter(case__customer=customer, body_text__startswith="SMS").exists()
    assert InboundHook.objects.filter(provider="46elks").exists()
    assert InboundHook.objects.filter(provider="meta").exists()
    assert LiveEvent.objects.exists()
    assert WebhookReceipt.objects.exists()
    assert Order.objects.filter(external_id="99001", customer=customer).exists()


def test_erase_leaves_nothing_personal_in_any_table_index_or_file(customer):
    case = Case.objects.get(customer=customer, channel="email")
    events = CaseEvent.objects.filter(case=case).count()
    counts = gdpr.erase(customer)
    assert counts["attachments"] == 1 and counts["raw_messages"] == 1
    assert where(PERSONAL) == []
    assert model_texts_with(PERSONAL) == []
    # The anonymous statistics stay: the case, its channel, its events, the score.
    case.refresh_from_db()
    assert (case.channel, CaseEvent.objects.filter(case=case).count()) == ("email", events)
    assert Rating.objects.get(case=case).score == "good"
    assert Message.objects.filter(case=case).exists()
    assert not search_queries.search_cases(Case.objects.all(), NAME)
    assert CustomerAccess.objects.filter(customer=customer, what="erase").exists()


def test_the_export_holds_the_customers_data_and_files(customer):
    archive = zipfile.ZipFile(io.BytesIO(gdpr.export(customer)))
    data = json.loads(archive.read("data.json"))
    assert data["customer"]["name"] == f"{NAME} {SURNAME}"
    assert [e["address"] for e in data["emails"]] == [ADDRESS]
    message = data["cases"][0]["messages"][0]
    assert SECRET_TEXT in message["body_text"]
    assert data["orders"][0]["email"] == ADDRESS
    assert data["cases"][0]["ratings"][0]["comment"] == f"Tack, {NAME}!"
    by_channel = {c["channel"]: c for c in data["cases"]}
    assert SECRET_TEXT in by_channel["chat"]["chat"]["events"][0]["data"]["text"]
    assert by_channel["phone"]["callback"][0]["number"] == WA_ID
    assert by_channel["whatsapp"]["social_messages"][0]["sender"] == WA_ID
    assert by_channel["sms"]["sms"][0]["to_number"] == WA_ID  # the acknowledgement
    attachment = [n for n in archive.namelist() if n.startswith("attachments/")]
    assert [archive.read(n) for n in attachment] == [ATTACHMENT]


def test_the_command_exports_and_erases(customer, tmp_path):
    out = tmp_path / "kund.zip"
    call_command("gdpr", "export", str(customer.pk), "--output", str(out))
    assert "data.json" in zipfile.ZipFile(out).namelist()
    call_command("gdpr", "erase", str(customer.pk), "--yes")
    assert Customer.objects.get(pk=customer.pk).name == gdpr.ERASED_NAME


def test_the_privacy_page_exports_erases_and_logs_who_looked(customer):
    admin = admin_client(customer.shop)
    page = admin.get(f"/privacy/customers/{customer.pk}/")
    assert page.status_code == 200 and ADDRESS in page.content.decode()
    download = admin.post(f"/privacy/customers/{customer.pk}/export/")
    assert download["Content-Type"] == "application/zip"
    assert "data.json" in zipfile.ZipFile(io.BytesIO(download.content)).namelist()
    log = admin.get(f"/privacy/customers/{customer.pk}/").content.decode()
    assert "Exported" in log or "Exporterade" in log
    admin.post(f"/privacy/customers/{customer.pk}/erase/", {"confirm": "on"})
    assert Customer.objects.get(pk=customer.pk).name == gdpr.ERASED_NAME
    whats = list(CustomerAccess.objects.filter(customer=customer).values_list("what", flat=True))
    assert whats.count("page") == 2 and "export" in whats and "erase" in whats


def test_an_agent_who_is_not_the_shops_admin_cannot_export(customer):
    from django.test import Client

    client = Client()
    client.force_login(AgentFactory(shops=[customer.shop]))
    assert client.post(f"/privacy/customers/{customer.pk}/export/").status_code == 403
    client.force_login(AgentFactory(shops=[ShopFactory()]))
    assert client.post(f"/privacy/customers/{customer.pk}/export/").status_code == 404


def test_opening_a_case_is_in_the_customers_access_log_once_an_hour(customer, time_machine):
    agent = AgentFactory(shops=[customer.shop])
    from django.test import Client

    client = Client()
    client.force_login(agent)
    case = Case.objects.get(customer=customer, channel="email")
    url = f"/cases/{case.number}/"
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200
    time_machine.shift(timedelta(hours=1, minutes=1))
    client.get(url)
    views = CustomerAccess.objects.filter(customer=customer, agent=agent, what="case")
    assert views.count() == 2


def test_erase_forgets_the_notification_excerpts(customer):
    """The notification of their reply holds an excerpt of it (in the table and on the
    agent's live stream)."""
    from kundsvar.live.models import LiveEvent
    from kundsvar.notifications.models import Notification

    case = Case.objects.get(customer=customer, channel="email")
    assert SECRET_TEXT in Notification.objects.get(case=case).text
    counts = gdpr.erase(customer)
    assert counts["notifications"] == 1
    note = Notification.objects.get(case=case)
    assert (note.kind, note.text) == ("reply", "")  # that it happened stays
    event = LiveEvent.objects.get(stream=f"agent.{note.recipient_id}", kind="notification")
    assert event.data["text"] == "" and event.data["id"] == note.pk


def test_the_export_holds_the_customers_own_audit_trail(customer):
    from kundsvar.customers.services import merge_customers, parse_contact, update_contact

    other = Customer.objects.create(shop=customer.shop, name="Qzxjvbk på jobbet")
    other_pk = other.pk
    merge_customers(other, customer)
    details = parse_contact(f"{NAME} {SURNAME} Jr", ADDRESS, PHONE)
    update_contact(customer, details, actor=None)
    data = json.loads(zipfile.ZipFile(io.BytesIO(gdpr.export(customer))).read("data.json"))
    kinds = [(e["customer_id"], e["kind"]) for e in data["customer_events"]]
    assert kinds == [
        (customer.pk, "merged_from"),
        (other_pk, "merged_into"),  # the merged-away customer's record names them
        (customer.pk, "edited"),
    ]
    edited = data["customer_events"][-1]["data"]
    assert edited["before"]["name"] == f"{NAME} {SURNAME}"
    assert edited["after"]["name"] == f"{NAME} {SURNAME} Jr"
