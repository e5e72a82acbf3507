"""Attachments in an S3-compatible bucket (S3_BUCKET, docs/deploy.md "Files"), against a
local S3 (moto's server on a free localhost port: no network, no AWS). A mailed file goes
to the bucket and not to the disk; agents get it only through the permission-checked view;
the customer's GDPR export holds it; erasing the customer, or retention, removes the object
(and not the copy another customer's message still uses)."""

import hashlib
import io
import zipfile
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path
from uuid import uuid4

import boto3
import pytest
from django.core.files.storage import FileSystemStorage, default_storage
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from moto.server import ThreadedMotoServer

from kundsvar.cases.models import Attachment, Case, Status
from kundsvar.channels.email import pipeline
from kundsvar.channels.email.models import Source
from kundsvar.ops import gdpr, retention
from kundsvar.ops.models import RetentionPolicy
from kundsvar.settings import file_storage
from kundsvar.shops.tests.factories import AgentFactory, ShopFactory

SHOP = "kundtjanst@butik.example"
RECEIPT = b"%PDF-1.4\nKvitto 4711, retur av jackan\n%%EOF\n"
PREFIX = "kundsvar"
REGION = "eu-north-1"
ENV = ("S3_BUCKET", "S3_ENDPOINT_URL", "S3_REGION", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY")
S3_ENV = (*ENV, "S3_PREFIX", "S3_ADDRESSING_STYLE", "S3_SERVER_SIDE_ENCRYPTION")


def test_without_a_bucket_files_stay_on_local_disk(monkeypatch):
    for name in S3_ENV:
        monkeypatch.delenv(name, raising=False)
    assert file_storage() == {"BACKEND": "django.core.files.storage.FileSystemStorage"}


def test_with_a_bucket_objects_are_private_and_urls_short_lived(monkeypatch):
    for name in S3_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("S3_BUCKET", "kundsvar-filer")
    monkeypatch.setenv("S3_ENDPOINT_URL", "https://fsn1.your-objectstorage.com")
    monkeypatch.setenv("S3_PREFIX", "/prod/")
    monkeypatch.setenv("S3_SERVER_SIDE_ENCRYPTION", "AES256")
    storage = file_storage()
    options = storage["OPTIONS"]
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    assert options["bucket_name"] == "kundsvar-filer"
    assert options["endpoint_url"] == "https://fsn1.your-objectstorage.com"
    assert options["location"] == "prod"
    assert options["default_acl"] is None  # never public-read: the bucket's own privacy
    assert options["querystring_auth"] is True and options["querystring_expire"] <= 300
    assert options["object_parameters"] == {"ServerSideEncryption": "AES256"}
    # Empty means boto3's own credentials chain (an instance role), not an empty key.
    assert options["access_key"] is None and options["region_name"] is None


@pytest.fixture(scope="module")
def s3_url():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


class Bucket:
    def __init__(self, client, name: str):
        self.client, self.name = client, name

    def keys(self) -> list[str]:
        listed = self.client.list_objects_v2(Bucket=self.name)
        return sorted(item["Key"] for item in listed.get("Contents", []))

    def read(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.name, Key=key)["Body"].read()


@pytest.fixture
def bucket(s3_url, settings, monkeypatch):
    """A new bucket for this test, and STORAGES["default"] made from the environment as
    production makes it. `settings` sends setting_changed on the way in and out, which
    resets Django's cached storages and `default_storage`: nothing leaks to other tests."""
    name = f"kundsvar-{uuid4().hex[:12]}"
    env = {
        "S3_BUCKET": name,
        "S3_ENDPOINT_URL": s3_url,
        "S3_REGION": REGION,
        "S3_ACCESS_KEY_ID": "test",
        "S3_SECRET_ACCESS_KEY": "test",
        "S3_PREFIX": PREFIX,
        "S3_SERVER_SIDE_ENCRYPTION": "AES256",
    }
    with monkeypatch.context() as patch:
        for key, value in env.items():
            patch.setenv(key, value)
        settings.STORAGES = {**settings.STORAGES, "default": file_storage()}
    client = boto3.client(
        "s3",
        endpoint_url=s3_url,
        region_name=REGION,
        aws_access_key_id="test",
        aws_secret_access_key="test",  # noqa: S106
    )
    client.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
    return Bucket(client, name)


def mail(sender: str, message_id: str) -> bytes:
    message = EmailMessage()
    message["From"] = f"Karin Lindqvist <{sender}>"
    message["To"] = SHOP
    message["Subject"] = "Retur av jackan"
    message["Message-ID"] = f"<{message_id}@example.se>"
    message.set_content("Hej! Kvittot är bifogat.\n\nMvh Karin")
    message.add_attachment(RECEIPT, maintype="application", subtype="pdf", filename="kvitto.pdf")
    return message.as_bytes()


@pytest.fixture
def shop():
    return ShopFactory(email=SHOP)


def receive(shop, sender="karin@example.se", message_id="retur-1") -> Case:
    row = pipeline.receive(mail(sender, message_id), shop=shop, source=Source.HTTP)
    return row.case_message.case


def files_on_disk(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


KEY = f"{PREFIX}/attachments/{hashlib.sha256(RECEIPT).hexdigest()[:2]}/"
KEY += hashlib.sha256(RECEIPT).hexdigest()


@pytest.mark.django_db
def test_a_mailed_attachment_is_stored_in_the_bucket_not_on_disk(bucket, shop, settings):
    case = receive(shop)
    attachment = Attachment.objects.get(message__case=case)
    assert (attachment.filename, attachment.size) == ("kvitto.pdf", len(RECEIPT))
    assert bucket.keys() == [KEY]
    assert bucket.read(KEY) == RECEIPT
    head = bucket.client.head_object(Bucket=bucket.name, Key=KEY)
    assert head["ServerSideEncryption"] == "AES256"
    # No ACL was sent, so the object has the bucket's private default: owner only.
    grants = bucket.client.get_object_acl(Bucket=bucket.name, Key=KEY)["Grants"]
    assert [g["Permission"] for g in grants] == ["FULL_CONTROL"]
    assert "URI" not in grants[0]["Grantee"]  # not AllUsers / AuthenticatedUsers
    assert files_on_disk(settings) == []


@pytest.mark.django_db
def test_the_same_file_twice_is_one_object(bucket, shop):
    receive(shop, "karin@example.se", "retur-1")
    receive(shop, "olle@example.se", "retur-2")
    assert Attachment.objects.count() == 2
    assert bucket.keys() == [KEY]


@pytest.mark.django_db
def test_the_agent_downloads_it_through_the_checked_view_and_no_one_else(bucket, shop):
    case = receive(shop)
    attachment = Attachment.objects.get(message__case=case)
    url = reverse("cases:attachment", args=[case.number, attachment.pk])
    client = Client()
    client.force_login(AgentFactory(shops=[shop]))
    response = client.get(url)
    assert response.status_code == 200
    assert response.getvalue() == RECEIPT  # streamed by us: no redirect to the bucket
    assert response["Content-Disposition"] == 'attachment; filename="kvitto.pdf"'
    client.force_login(AgentFactory(shops=[ShopFactory()]))
    assert client.get(url).status_code == 404
    assert Client().get(url).status_code == 302  # to the login page


@pytest.mark.django_db
def test_an_object_gone_from_the_bucket_is_404_not_an_error(bucket, shop):
    case = receive(shop)
    attachment = Attachment.objects.get(message__case=case)
    bucket.client.delete_object(Bucket=bucket.name, Key=KEY)
    client = Client()
    client.force_login(AgentFactory(shops=[shop]))
    url = reverse("cases:attachment", args=[case.number, attachment.pk])
    assert client.get(url).status_code == 404
    data = zipfile.ZipFile(io.BytesIO(gdpr.export(case.customer))).namelist()
    assert data == ["data.json"]  # the export still comes, without the missing file


@pytest.mark.django_db
def test_the_gdpr_export_holds_the_file_from_the_bucket(bucket, shop):
    case = receive(shop)
    archive = zipfile.ZipFile(io.BytesIO(gdpr.export(case.customer)))
    files = [n for n in archive.namelist() if n.startswith("attachments/")]
    assert [archive.read(n) for n in files] == [RECEIPT]
    assert files[0].endswith("-kvitto.pdf")


@pytest.mark.django_db
def test_erasing_removes_the_object_from_the_bucket(bucket, shop):
    case = receive(shop)
    counts = gdpr.erase(case.customer)
    assert counts["attachments"] == 1
    assert bucket.keys() == []


@pytest.mark.django_db
@pytest.mark.usefixtures("now")
def test_retention_removes_the_object_of_a_case_closed_long_ago(bucket, shop):
    case = receive(shop)
    closed = timezone.now() - timedelta(days=25 * 30)
    Case.objects.filter(pk=case.pk).update(status=Status.CLOSED, closed_at=closed)
    policy = RetentionPolicy.objects.create(shop=shop, closed_case_months=24)
    assert retention.apply(policy)["cases"] == 1
    assert bucket.keys() == []


@pytest.fixture(params=["disk", "bucket"])
def storage(request):
    if request.param == "bucket":
        request.getfixturevalue("bucket")
    return request.param


@pytest.mark.django_db
def test_erasing_one_customer_keeps_the_same_file_another_customer_sent(storage, shop):
    """A file is stored once for every message with the same bytes (cases/files.py)."""
    karin = receive(shop, "karin@example.se", "retur-1")
    olle = receive(shop, "olle@example.se", "retur-2")
    gdpr.erase(karin.customer)
    kept = Attachment.objects.get(message__case=olle)
    with kept.file.open("rb") as handle:
        assert handle.read() == RECEIPT
    gdpr.erase(olle.customer)
    assert not default_storage.exists(kept.file.name)


def test_switching_the_storage_does_not_leak(settings):
    """What `bucket` relies on: Django drops its cached storages when STORAGES changes."""
    options = {"bucket_name": "b", "endpoint_url": "http://127.0.0.1:9", "access_key": "k"}
    s3 = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}
    with override_settings(STORAGES={**settings.STORAGES, "default": s3}):
        assert default_storage.bucket_name == "b"
    assert isinstance(default_storage, FileSystemStorage)
