"""The settings pages speak to people: no rule ids as headings and no "6:00 h"
(rules S1, S3 explained, not cited)."""

import re

import pytest
from django.conf import settings
from django.urls import reverse

from kundsvar.accounts.models import Membership, Role
from kundsvar.shops.tests.factories import AgentFactory, ShopFactory
from kundsvar.sla.models import ResponsePolicy

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop():
    return ShopFactory(slug="nordljus")


@pytest.fixture
def admin(client, shop):
    agent = AgentFactory(username="alice")
    Membership.objects.create(agent=agent, shop=shop, role=Role.ADMIN)
    client.force_login(agent)
    return client


def get(client, name, shop, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client.get(reverse(f"settings:{name}", args=[shop.slug])).content.decode()


@pytest.mark.parametrize(
    ("language", "heading", "durations"),
    [
        ("sv", "Svarstider som kunderna godtar", ["6 tim", "1 tim 30 min", "24 tim"]),
        ("en", "Response times customers accept", ["6 hr", "1 hr 30 min", "24 hr"]),
    ],
)
def test_policies_in_words(admin, shop, language, heading, durations):  # S1
    ResponsePolicy.objects.create(
        shop=shop,
        channel="email",
        first_response_minutes=360,
        follow_up_minutes=90,
        ceiling_minutes=24 * 60,
    )
    for name in ("policies", "policy_new"):
        page = get(admin, name, shop, language)
        assert heading in page
        assert not re.search(r"\b(Rule|rule|Regel|regel) S\d", page)
    page = get(admin, "policies", shop, language)
    for text in durations:
        assert f">{text}<" in page
    assert "6:00 h" not in page and "1:30 h" not in page


@pytest.mark.parametrize("language", ["sv", "en"])
def test_settings_pages_explain_rules_without_citing_ids(admin, shop, language):
    admin.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    urls = [
        reverse(f"settings:{name}", args=[shop.slug])
        for name in ("profile", "saved_replies", "policies", "policy_new")
    ]
    urls += [
        reverse(f"commerce_settings:{name}", args=[shop.slug]) for name in ("index", "shipping")
    ]
    urls += [reverse("feedback:report", args=[shop.slug]), reverse("form:deflection")]
    for url in urls:
        response = admin.get(url)
        assert response.status_code == 200, url
        found = re.search(r"\((?:rules?|regel|regler) [A-Z]\d[^)]*\)", response.content.decode())
        assert found is None, (url, found.group())
