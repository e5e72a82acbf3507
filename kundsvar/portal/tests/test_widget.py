"""The help widget: a small script and the page in its frame (rules C1, T3, K2, O2)."""

from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

from kundsvar.commerce.models import CommerceSettings
from kundsvar.core.embed import frame_ancestors

pytestmark = pytest.mark.django_db
WIDGET_MAX_BYTES = 30 * 1024


def test_the_widget_script_is_small_and_self_contained():
    path = Path(finders.find("kundsvar/widget.js"))
    assert path.stat().st_size < WIDGET_MAX_BYTES
    source = path.read_text()
    assert "import " not in source and "require(" not in source  # no build step
    assert "Escape" in source  # keyboard: Esc closes


def test_the_help_page_has_faq_contact_and_a_person(client, shop):  # C1, T3
    response = client.get(f"/s/{shop.slug}/help/")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="q"' in page and 'name="embed" value="1"' in page  # FAQ search, embedded
    assert "embed=1" in page
    assert "08-123 456 00" in page and shop.email in page  # a person is always reachable
    assert 'href="tel:+46812345600"' in page  # dialled from abroad too (C1)
    assert 'id="help-order"' not in page  # no commerce: no order lookup
    assert 'class="public-top"' not in page  # embedded: no header


def test_order_lookup_appears_when_the_shop_has_commerce(client, shop):  # O2
    CommerceSettings.objects.create(shop=shop)
    page = client.get(f"/s/{shop.slug}/help/").content.decode()
    assert 'id="help-order"' in page


def test_only_the_help_page_may_be_framed(client, shop, answered):
    response = client.get(f"/s/{shop.slug}/help/")
    assert "X-Frame-Options" not in response
    assert response["Content-Security-Policy"] == "frame-ancestors *"
    assert client.get("/login/")["X-Frame-Options"] == "DENY"


def test_a_shop_with_a_website_is_framed_by_that_site_only(shop):
    shop.website = "https://www.nordljus.se/butik"
    assert frame_ancestors(shop) == "'self' https://nordljus.se https://www.nordljus.se"


def test_the_help_page_follows_the_language_asked_for(client, shop):
    page = client.get(f"/s/{shop.slug}/help/?lang=en").content.decode()
    assert 'lang="en"' in page and "lang=en" in page


def test_unknown_shop_is_404(client, db):
    assert client.get("/s/finns-inte/help/").status_code == 404


def test_static_url_matches_what_the_widget_assumes():
    assert settings.STATIC_URL.strip("/") == "static"  # widget.js finds the site by /static/
