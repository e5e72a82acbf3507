"""GDPR: a customer's export holds everything about them; erasing them leaves nothing
personal in any table (every table of the database, read raw, the search index's
included), nor in any file (attachments, the raw mail store), while the anonymous
statistics (the cases, their channels, events and rating scores) stay."""

import io
import json
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import connection

from kundsvar.cases.models import Case, CaseEvent, Message
from kundsvar.channels.email import pipeline
from kundsvar.channels.email.models import Source
from kundsvar.commerce.tests.factories import OrderFactory
from kundsvar.customers.models import Customer, CustomerPhone
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
PERSONAL = [NAME, SURNAME, "qzxjvbk.wrtpmnd", "709871234", SECRET_TEXT, "qzxbilagk"]


@pytest.fixture(autouse=True)
def _var_in_tmp(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    settings.MEDIA_ROOT = tmp_path / "media"


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
    message.set_content(f"Hej! {SECRET_TEXT}. Ring mig på {PHONE}.\n\nMvh {NAME} {SURNAME}")
    message.add_attachment(ATTACHMENT, maintype="text", subtype="plain", filename="kvitto.txt")
    return message.as_bytes()


@pytest.fixture
def customer():
    shop = ShopFactory(email=SHOP)
    pipeline.receive(raw_mail(), shop=shop, source=Source.HTTP, envelope_to=[SHOP])
    case = Case.objects.get(shop=shop)
    customer = case.customer
    CustomerPhone.objects.create(customer=customer, number=PHONE, normalized="+46709871234")
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
    return customer


def everything_stored() -> dict[str, str]:
    """Every value of every table, read raw (the search index's own tables too), and
    every file under VAR_DIR and MEDIA_ROOT: lower-case text by table or file."""
    parts: dict[str, str] = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, memoryview | bytes):
                        value = bytes(value).decode("utf-8", "replace")
                    parts[table] = parts.get(table, "") + "\n" + str(value).lower()
    for root in (Path(django_settings.VAR_DIR), Path(django_settings.MEDIA_ROOT)):
        for path in root.rglob("*") if root.exists() else []:
            if path.is_file():
                parts[str(path)] = path.read_bytes().decode("utf-8", "replace").lower()
    return parts


def where(markers: list[str]) -> list[tuple[str, str]]:
    stored = everything_stored()
    return [(m, place) for m in markers for place, text in stored.items() if m.lower() in text]


def test_the_test_data_is_found_before_erasing(customer):
    found = {marker for marker, _place in where(PERSONAL)}
    assert found == set(PERSONAL)


def test_erase_leaves_nothing_personal_in_any_table_index_or_file(customer):
    case = Case.objects.get(customer=customer)
    events = CaseEvent.objects.filter(case=case).count()
    counts = gdpr.erase(customer)
    assert counts["attachments"] == 1 and counts["raw_messages"] == 1
    assert where(PERSONAL) == []
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
    case = Case.objects.get(customer=customer)
    url = f"/cases/{case.number}/"
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200
    time_machine.shift(timedelta(hours=1, minutes=1))
    client.get(url)
    views = CustomerAccess.objects.filter(customer=customer, agent=agent, what="case")
    assert views.count() == 2
