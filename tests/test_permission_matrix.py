"""Every URL × (anonymous, agent of shop A, agent of shop B, admin of shop A, superuser):
the right people get in, everyone else gets 302/403/404/401 — and nobody ever a 500.

The URL list is read from the resolver, so a new page is covered the day it is added;
a page that needs an argument this test cannot make up fails loudly (add it to SAMPLES).
"""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from kundsvar.accounts.models import Agent, Membership, Role
from kundsvar.cases import services
from kundsvar.cases.tests.factories import open_email_case
from kundsvar.shops.tests.factories import ShopFactory

# Any day: the times here are relative to now, which --today moves (conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("now")]

# Machine endpoints with their own authentication, and pages anyone may open.
# Customers' pages: s/<shop>/… (contact, FAQ, order lookup, widget), o/ (order status),
# p/ (case portal) and feedback/<token>/ (ratings) open by signed link or to anyone;
# hooks/ are shop platforms' webhooks, verified by signature.
PUBLIC = re.compile(
    r"^(login/|logout/|healthz|i18n/|feedback/<|inbound/|admin/|api/|"
    r"accounts/(login|verify)|static/|s/|o/|p/|hooks/)"
)
# Routes whose "no" is not one of ours: Django admin, the API (tested on its own).
SKIP = re.compile(r"^(admin/|api/|static/)")
NEVER = {500, 501, 502, 503}


def _walk(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern)


def _fill(route: str, samples: dict) -> str:
    def value(match):
        name = match.group(2)
        if name not in samples:
            raise AssertionError(f"no sample value for <{name}> in {route}: add it to SAMPLES")
        return str(samples[name])

    path = re.sub(r"<(?:(\w+):)?(\w+)>", value, route)
    return "/" + path.lstrip("^").rstrip("$").replace("\\Z", "")


@pytest.fixture
def world():
    shop_a, shop_b = ShopFactory(slug="a"), ShopFactory(slug="b")
    agent_a = Agent.objects.create_user("agent_a", password="pw")
    admin_a = Agent.objects.create_user("admin_a", password="pw")
    agent_b = Agent.objects.create_user("agent_b", password="pw")
    Membership.objects.create(agent=agent_a, shop=shop_a, role=Role.AGENT)
    Membership.objects.create(agent=admin_a, shop=shop_a, role=Role.ADMIN)
    Membership.objects.create(agent=agent_b, shop=shop_b, role=Role.AGENT)
    superuser = Agent.objects.create_superuser("root", password="pw")
    case = open_email_case(shop_a, timezone.now())
    services.add_inbound_message(
        case, services.Inbound(from_address="kund@example.se", body_text="Och en sak till.")
    )
    samples = {
        "number": case.number,
        "message_id": case.messages.first().pk,
        "attachment_id": 1,
        "shop_slug": shop_a.slug,
        "slug": shop_a.slug,
        "pk": 1,
        "id": 1,
        "token": "x",
        "score": "good",
        "shop_id": shop_a.pk,
        "uidb64": "x",
        "object_id": 1,
        "content_type_id": 1,
        "app_label": "cases",
        "url": "x",
        "path": "x",
        "team_id": 1,
        "reply_id": 1,
        "policy_id": 1,
        "agent_id": agent_a.pk,
        "day_id": 1,
        "endpoint_id": 1,
        "article_id": 1,
        "shop": shop_a.slug,
        "article": "x",
        "order_id": 1,
        "language": "en",
        "outbound_id": 1,
        "provider": "46elks",
        "sms_id": 1,
    }
    actors = {
        "anonymous": None,
        "agent_a": agent_a,
        "admin_a": admin_a,
        "agent_b": agent_b,
        "superuser": superuser,
    }
    return samples, actors


def _routes():
    return sorted({r for r in _walk(get_resolver().url_patterns) if not SKIP.match(r)})


def test_no_page_answers_500_to_anyone(client, world):
    samples, actors = world
    problems = []
    for route in _routes():
        path = _fill(route, samples)
        for name, actor in actors.items():
            client.logout()
            if actor:
                client.force_login(actor)
            for method in (client.get, client.post):
                status = method(path).status_code
                if status in NEVER:
                    problems.append(f"{method.__name__.upper()} {path} as {name}: {status}")
    assert not problems, "\n".join(problems)


def test_anonymous_is_sent_to_log_in_everywhere_but_public_pages(client, world):
    samples, _actors = world
    for route in _routes():
        if PUBLIC.match(route):
            continue
        path = _fill(route, samples)
        response = client.get(path)
        assert response.status_code in (302, 401, 403, 404, 405), (path, response.status_code)
        if response.status_code == 302:
            assert "/login/" in response["Location"], path


def test_an_agent_of_another_shop_sees_nothing_of_shop_a(client, world):
    samples, actors = world
    client.force_login(actors["agent_b"])
    for route in _routes():
        if PUBLIC.match(route) or "<" not in route:
            continue
        path = _fill(route, samples)
        for method in (client.get, client.post):
            status = method(path).status_code
            assert status in (302, 403, 404, 405), (method.__name__, path, status)


def test_an_agent_of_shop_a_opens_the_case_and_the_queue(client, world):
    samples, actors = world
    client.force_login(actors["agent_a"])
    assert client.get("/cases/").status_code == 200
    assert client.get(f"/cases/{samples['number']}/").status_code == 200
    raw = f"/cases/{samples['number']}/messages/{samples['message_id']}/raw/"
    assert client.get(raw).status_code == 404  # raw sources are for admins (C3)
