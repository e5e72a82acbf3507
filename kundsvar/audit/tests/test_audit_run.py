"""The audit end to end (M1): the run kept with its score, the command's three formats, and
the owner's page with a fix link on every failing checkpoint."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from kundsvar.accounts.models import Membership, Role
from kundsvar.audit import services
from kundsvar.audit.models import AuditRun
from kundsvar.shops.tests.factories import AgentFactory, ShopFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(now):
    return ShopFactory(name="Nätbutiken", slug="natbutiken", phone="")


def test_a_run_is_kept_with_its_score_and_history(shop, now):  # M1
    first = services.run_audit(shop)
    second = services.run_audit(shop)
    assert AuditRun.objects.filter(shop=shop).count() == 2
    assert 0 < first.score < 100 and first.score == second.score
    phone = next(r for r in first.results if r["code"] == "phone_number")
    assert phone["status"] == "fail"
    assert phone["fix"] == "/settings/natbutiken/"
    assert phone["rule"] == "C1" and phone["why"]


def _audit(fmt: str) -> str:
    out = StringIO()
    call_command("audit", shop="natbutiken", format=fmt, stdout=out)
    return out.getvalue()


def test_the_command_prints_text_json_and_html(shop):  # M1
    text = _audit("text")
    assert "Score: " in text and "/100" in text
    assert "[FAIL] C1  Phone number on the contact page" in text
    assert "fix: http" in text and "/settings/natbutiken/" in text
    data = json.loads(_audit("json"))
    assert len(data["results"]) >= 38 and 0 <= data["score"] <= 100
    html = _audit("html")
    assert html.startswith("<!doctype html>") and "@media print" in html


def test_the_command_refuses_an_unknown_shop(shop):
    from django.core.management import CommandError

    with pytest.raises(CommandError):
        call_command("audit", shop="finns-inte", stdout=StringIO())


def _member(shop, role):
    agent = AgentFactory()
    Membership.objects.create(agent=agent, shop=shop, role=role)
    return agent


def test_the_owner_runs_it_and_each_failing_check_links_to_its_fix(client, shop):  # M1
    client.force_login(_member(shop, Role.ADMIN))
    response = client.post(reverse("audit:run_now", args=[shop.slug]))
    run = AuditRun.objects.get(shop=shop)
    assert response.url == reverse("audit:run", args=[shop.slug, run.pk])
    page = client.get(response.url).content.decode()
    assert f"{run.score}/100" in page
    assert '<a href="/settings/natbutiken/">' in page  # the phone number's fix
    assert "@media print" in page
    assert client.get(reverse("audit:shop", args=[shop.slug])).status_code == 200


def test_only_the_shops_admins_see_its_audit(client, shop):
    client.force_login(_member(shop, Role.AGENT))
    assert client.get(reverse("audit:shop", args=[shop.slug])).status_code == 403
    client.force_login(_member(ShopFactory(), Role.ADMIN))
    assert client.get(reverse("audit:shop", args=[shop.slug])).status_code == 404
    assert client.post(reverse("audit:run_now", args=[shop.slug])).status_code == 404


def test_probe_pages_are_for_staff_only(client, shop, now):  # M2
    from kundsvar.audit.models import SiteProbe

    result = {"code": "site_phone", "rule": "C1", "title": "Phone visible", "weight": 3}
    result |= {"status": "fail", "figure": "no phone number found", "why": "x", "fix": ""}
    found = SiteProbe.objects.create(
        url="https://butik.example/kontakt", ran_at=now, score=40, results=[result]
    )
    url = reverse("audit:site_probe", args=[found.pk])
    client.force_login(_member(shop, Role.ADMIN))
    assert client.get(url).status_code == 403
    staff = AgentFactory(is_staff=True)
    client.force_login(staff)
    page = client.get(url).content.decode()
    assert "40/100" in page and "no phone number found" in page
    Membership.objects.create(agent=staff, shop=shop, role=Role.ADMIN)
    assert "butik.example/kontakt" in client.get(reverse("audit:index")).content.decode()
