"""The automations settings page: a shop admin builds a rule (when, if, then), runs it
dry against the existing cases, switches it off and on; an agent who is not the shop's
admin gets 403, another shop's admin 404."""

import pytest

from kundsvar.accounts.models import Membership, Role
from kundsvar.automations.models import Rule
from kundsvar.cases.tests.factories import open_email_case
from kundsvar.shops.tests.factories import AgentFactory, ShopFactory

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def shop():
    return ShopFactory(slug="nat")


@pytest.fixture
def admin(shop):
    agent = AgentFactory()
    Membership.objects.create(agent=agent, shop=shop, role=Role.ADMIN)
    return agent


RULE = {
    "name": "Trasigt till reklamation",
    "enabled": "on",
    "trigger": "created",
    "amount": "0",
    "if_text": "trasig, sönder",
    "then_tags": "reklamation",
    "then_priority": "high",
}


def test_the_admin_builds_a_rule_and_runs_it_dry(client, shop, admin, now):
    broken = open_email_case(shop, now, text="Jackan är trasig")
    open_email_case(shop, now, sender="bo@example.se", text="Var är paketet?")
    client.force_login(admin)
    dry = client.post("/settings/nat/automations/new/", {**RULE, "action": "dry_run"})
    assert dry.status_code == 200
    page = dry.content.decode()
    assert f"#{broken.number}" in page and "Var är paketet" not in page
    assert not Rule.objects.exists()  # a dry run saves nothing
    saved = client.post("/settings/nat/automations/new/", {**RULE, "action": "save"})
    rule = Rule.objects.get(shop=shop)
    assert saved.status_code == 302
    assert rule.conditions == {"text": "trasig, sönder"}
    assert rule.actions == {"tags": ["reklamation"], "priority": "high"}
    page = client.get(f"/settings/nat/automations/{rule.pk}/").content.decode()
    assert f"#{broken.number}" in page  # the rule's page lists what it would act on
    client.post(f"/settings/nat/automations/{rule.pk}/switch/", {"enabled": "0"})
    rule.refresh_from_db()
    assert rule.enabled is False
    assert "Trasigt till reklamation" in client.get("/settings/nat/automations/").content.decode()


def test_the_suggested_rules_are_one_click_away(client, shop, admin):
    client.force_login(admin)
    client.post("/settings/nat/automations/suggested/")
    assert set(Rule.objects.filter(shop=shop).values_list("seed", flat=True)) == {
        "remind",
        "auto_close",
        "escalate",
    }


def test_a_time_rule_needs_its_n(client, shop, admin):
    client.force_login(admin)
    response = client.post(
        "/settings/nat/automations/new/",
        {"name": "Stäng", "trigger": "waiting", "amount": "0", "then_close": "on"},
    )
    assert response.status_code == 200 and not Rule.objects.exists()


def test_only_the_shop_admin_sees_the_rules(client, shop, admin):
    rule = Rule.objects.create(shop=shop, name="R", trigger="created")
    client.force_login(AgentFactory(shops=[shop]))
    assert client.get("/settings/nat/automations/").status_code == 403
    other = AgentFactory()
    Membership.objects.create(agent=other, shop=ShopFactory(), role=Role.ADMIN)
    client.force_login(other)
    assert client.get("/settings/nat/automations/").status_code == 404
    assert client.post(f"/settings/nat/automations/{rule.pk}/delete/").status_code == 404
    assert Rule.objects.filter(pk=rule.pk).exists()
