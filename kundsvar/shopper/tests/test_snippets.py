"""The snippets on Settings → Logged-in shoppers work as pasted: the Shopify Liquid one
rendered by a Liquid engine (with Shopify's hmac_sha256 filter as Shopify documents it), the
WooCommerce one run by PHP with WordPress's two functions stubbed, and the widget's
signature check accepts what they make (rule C2)."""

import hashlib
import hmac
import html
import re
import shutil
import subprocess

import liquid
import pytest
from django.utils import timezone

from kundsvar.shopper import identity
from kundsvar.shopper.settings_views import snippets
from kundsvar.shops.tests.factories import ShopFactory

pytestmark = pytest.mark.django_db
SECRET = "9f2c7e0d5b8a4c3e1f6a7b8c9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f7a8b9c0"


def _fields(markup: str) -> dict:
    found = dict(re.findall(r'data-customer-(\w+)="([^"]*)"', markup))
    names = {"email": "ks_email", "name": "ks_name", "id": "ks_id", "expires": "ks_expires"}
    fields = {names[key]: html.unescape(value) for key, value in found.items() if key in names}
    fields["ks_sig"] = found.get("signature", "")
    return fields


def _hmac_sha256(value, key):  # Shopify's filter: hex HMAC-SHA256 of the input with the key
    return hmac.new(str(key).encode(), str(value).encode(), hashlib.sha256).hexdigest()


def test_the_shopify_liquid_snippet_signs_a_shopper_the_widget_accepts():
    env = liquid.Environment()
    env.filters["hmac_sha256"] = _hmac_sha256
    template = env.from_string(snippets(ShopFactory(), SECRET, "https://s.example/w.js")["liquid"])
    customer = {"email": "Anna.Svensson@Example.se", "id": 7301, "name": "Anna Ö'Svensson & co"}
    markup = template.render(customer=customer)
    shopper = identity.verify(SECRET, _fields(markup), timezone.now())
    assert shopper is not None
    assert (shopper.email, shopper.external_id, shopper.name) == (
        "anna.svensson@example.se",
        "7301",
        "Anna Ö'Svensson & co",
    )
    assert identity.verify("another secret", _fields(markup), timezone.now()) is None
    # Not logged in: the plain tag, no identity.
    assert (
        "data-customer"
        not in env.from_string(
            snippets(ShopFactory(), SECRET, "https://s.example/w.js")["liquid"]
        ).render()
    )


WORDPRESS = """<?php
class KsUser { public $user_email = 'Erik.Lund@Example.se'; public $ID = 42;
  public $display_name = 'Erik "Lunden" Lund'; function exists() { return true; } }
function wp_get_current_user() { return new KsUser(); }
function esc_attr($text) { return htmlspecialchars($text, ENT_QUOTES); }
?>
"""


def test_the_woocommerce_php_snippet_signs_a_shopper_the_widget_accepts(tmp_path):
    php = shutil.which("php")
    if php is None:
        pytest.fail("php is missing: ./dev test installs Debian's php-cli")
    page = tmp_path / "footer.php"
    page.write_text(WORDPRESS + snippets(ShopFactory(), SECRET, "https://s.example/w.js")["php"])
    markup = subprocess.run(  # noqa: S603 — our own file, written above
        [php, str(page)], capture_output=True, text=True, check=True
    ).stdout
    shopper = identity.verify(SECRET, _fields(markup), timezone.now())
    assert shopper is not None
    assert (shopper.email, shopper.external_id, shopper.name) == (
        "erik.lund@example.se",
        "42",
        'Erik "Lunden" Lund',
    )
