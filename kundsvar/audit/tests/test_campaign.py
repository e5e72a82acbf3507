"""A campaign (rule M2): the probes over a list of shops, ranked in one table with each
checkpoint; and the probe commands' own reports."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from kundsvar.audit.models import MailProbe, SiteProbe

from .webserver import serving

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def base():
    with serving() as url:
        yield url


def probe(*args) -> str:
    out = StringIO()
    call_command("probe", *args, stdout=out)
    return out.getvalue()


def test_probe_site_prints_each_checkpoint_and_the_pages_read(base):  # M2
    text = probe("site", f"{base}/bad_sv/kontakt.html")
    assert "Contact page probe of" in text and "(sv)" in text
    assert "[FAIL] C3  No personal identity number asked in forms" in text
    assert "Pages read: " in text and "om-oss.html" in text
    data = json.loads(probe("site", f"{base}/good_en/contact.html", "--format", "json"))
    assert data["score"] == SiteProbe.objects.get(url__endswith="contact.html").score
    assert probe("site", f"{base}/good_sv/kontakt.html", "--format", "html").startswith("<!doctype")


def test_a_campaign_ranks_the_shops_with_every_checkpoint(base, tmp_path, now):  # M2
    sites = tmp_path / "sites.txt"
    sites.write_text(
        f"# name | contact page\nNordljus | {base}/good_sv/kontakt.html\n"
        f"Dålig butik | {base}/bad_sv/kontakt.html\nNorthern Light | {base}/good_en/contact.html\n",
        encoding="utf-8",
    )
    MailProbe.objects.create(  # a finished mailbox probe of the bad shop, same campaign
        to_address="kundtjanst@dalig-butik.example", shop_name="Dålig butik", campaign="jul",
        from_address="p@provare.example", smtp="x:25", imap="x:143", user="p", subject="s",
        question="q", follow_up="f", wait_seconds=60, created_at=now, state="done", score=9,
        results=[{"code": "ack_sender", "rule": "A3", "status": "fail"}],
    )  # fmt: skip
    text = probe("campaign", "jul", "--sites", str(sites))
    lines = text.splitlines()
    assert lines[0] == "Campaign jul"
    ranked = [line.split()[1] for line in lines[2:5]]
    assert ranked[-1] == "Dålig"  # last, its site and mailbox probes averaged
    assert "✗" in lines[4] and "✓" in lines[2]
    data = json.loads(probe("campaign", "jul", "--format", "json"))
    assert [r["shop"] for r in data["rows"]][-1] == "Dålig butik"
    assert data["rows"][-1]["checks"]["ack_sender"] == "fail"
    assert {"code": "ack_sender", "rule": "A3"} in data["columns"]
    html = probe("campaign", "jul", "--format", "html")
    assert '<td class="fail">✗</td>' in html and "Northern Light" in html
