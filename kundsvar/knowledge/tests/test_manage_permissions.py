"""The team's knowledge-base pages: the shop's admins write, its agents read, everyone
else learns nothing (404); anonymous visitors log in first."""

import pytest
from django.urls import reverse

from kundsvar.accounts.models import Membership, Role
from kundsvar.knowledge.models import Article, Category, Status
from kundsvar.shops.tests.factories import AgentFactory


@pytest.fixture
def admin(shop):
    agent = AgentFactory(username="alice")
    Membership.objects.create(agent=agent, shop=shop, role=Role.ADMIN)
    return agent


@pytest.fixture
def bob(shop):  # an agent of the shop, not its admin
    return AgentFactory(username="bob", shops=[shop])


@pytest.fixture
def charlie(other_shop):  # works for another shop
    return AgentFactory(username="charlie", shops=[other_shop])


@pytest.fixture
def article(shop, make_article):
    return make_article(shop, "Leveranstid", "1–3 dagar.", published=False)


def urls(shop, article):
    return {
        "manage": reverse("knowledge:manage", args=[shop.slug]),
        "new": reverse("knowledge:new", args=[shop.slug]),
        "edit": reverse("knowledge:edit", args=[shop.slug, article.pk]),
        "publish": reverse("knowledge:publish", args=[shop.slug, article.pk]),
        "delete": reverse("knowledge:delete", args=[shop.slug, article.pk]),
        "translate": reverse("knowledge:translate", args=[shop.slug, article.pk, "en"]),
        "categories": reverse("knowledge:categories", args=[shop.slug]),
        "questions": reverse("knowledge:questions", args=[shop.slug]),
    }


def test_admin_writes_previews_publishes_and_translates(client, shop, admin, article):
    client.force_login(admin)
    u = urls(shop, article)
    assert client.get(u["manage"]).status_code == 200
    preview = client.post(
        u["edit"],
        {"title": "Leveranstid", "body": "**Snabbt** <b>x</b>", "position": 0, "preview": "1"},
    )
    assert "<strong>Snabbt</strong>" in preview.content.decode()
    assert "&lt;b&gt;x&lt;/b&gt;" in preview.content.decode()
    article.refresh_from_db()
    assert article.body == "1–3 dagar."  # a preview saves nothing
    client.post(
        u["edit"], {"title": "Hur lång är leveranstiden?", "body": "1–3 dagar.", "position": 0}
    )
    article.refresh_from_db()
    assert article.title == "Hur lång är leveranstiden?"
    client.post(u["publish"], {"action": "publish"})
    article.refresh_from_db()
    assert article.status == Status.PUBLISHED and article.published_at
    response = client.post(
        u["translate"], {"title": "Delivery time", "body": "1–3 days.", "position": 0}
    )
    english = Article.objects.get(language="en")
    assert response.url == reverse("knowledge:edit", args=[shop.slug, english.pk])
    assert english.translation_group == article.translation_group
    assert english.status == Status.DRAFT
    client.post(u["publish"], {"action": "unpublish"})
    article.refresh_from_db()
    assert article.status == Status.DRAFT


def test_admin_creates_article_and_category(client, shop, admin):
    client.force_login(admin)
    client.post(
        reverse("knowledge:categories", args=[shop.slug]),
        {"name": "Leverans", "name_en": "Delivery", "position": 1},
    )
    category = Category.objects.get()
    assert category.label("en") == "Delivery" and category.label("sv") == "Leverans"
    response = client.post(
        reverse("knowledge:new", args=[shop.slug]),
        {
            "language": "sv",
            "title": "Spåra paket",
            "body": "Med kollinumret.",
            "category": category.pk,
            "position": 0,
            "published": "on",
        },
    )
    article = Article.objects.get()
    assert response.url == reverse("knowledge:edit", args=[shop.slug, article.pk])
    assert article.is_published and article.category == category and article.slug == "spara-paket"
    assert article.updated_by == admin


def test_agent_reads_but_cannot_write(client, shop, bob, article):
    client.force_login(bob)
    u = urls(shop, article)
    for name in ("manage", "edit", "categories", "questions"):
        assert client.get(u[name]).status_code == 200, name
    page = client.get(u["edit"]).content.decode()
    assert 'name="save"' not in page
    assert client.get(u["new"]).status_code == 403
    assert client.get(u["translate"]).status_code == 403
    assert (
        client.post(u["edit"], {"title": "Ändrad", "body": "x", "position": 0}).status_code == 403
    )
    assert client.post(u["publish"], {"action": "publish"}).status_code == 403
    assert client.post(u["delete"]).status_code == 403
    assert client.post(u["categories"], {"name": "X", "position": 0}).status_code == 403
    article.refresh_from_db()
    assert (article.title, article.status) == ("Leveranstid", Status.DRAFT)


def test_other_shops_agent_gets_404_everywhere(client, shop, charlie, article):
    client.force_login(charlie)
    for name, url in urls(shop, article).items():
        assert client.get(url).status_code in (404, 405), name
        assert client.post(url).status_code == 404, name
    assert Article.objects.filter(pk=article.pk).exists()


def test_anonymous_goes_to_login(client, shop, article):
    for name, url in urls(shop, article).items():
        response = client.get(url)
        assert response.status_code in (302, 405), name
        if response.status_code == 302:
            assert response.url.startswith(reverse("login")), name


def test_one_shop_agent_lands_on_the_list(client, shop, bob):
    client.force_login(bob)
    assert client.get(reverse("knowledge:manage_index")).url == reverse(
        "knowledge:manage", args=[shop.slug]
    )


def test_article_of_another_shop_is_404_even_for_an_admin(
    client, shop, admin, other_shop, make_article
):
    theirs = make_article(other_shop, "Deras", "x", language="nb")
    client.force_login(admin)
    assert client.get(reverse("knowledge:edit", args=[shop.slug, theirs.pk])).status_code == 404
